// PosixBackend against ring-abi.md, one request at a time and without
// SystemC. Each test gets a fresh sandbox tree under /tmp, a console on
// pipes (stdin non-blocking, so a test that reads too far fails with EAGAIN
// instead of hanging) and a data buffer followed by guard bytes, so a write
// past its 49,152 bytes is caught. Response fields, buffer bytes, files on
// disk and modelled latency are all checked exactly.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/posix_backend.hpp"
#include "temp_tree.hpp"

namespace {

using namespace s32::host;
using s32::test::TempTree;

// Errno values as the guest sees them: Linux numbers (ring-abi.md).
constexpr std::uint32_t kENOENT = 2, kEBADF = 9, kEAGAIN = 11, kEACCES = 13, kEFAULT = 14, kEBUSY = 16,
                        kEEXIST = 17, kENOTDIR = 20, kEISDIR = 21, kEINVAL = 22, kEMFILE = 24, kESPIPE = 29,
                        kERANGE = 34, kENOSYS = 38, kENOTEMPTY = 39, kELOOP = 40;

// Linux open(2) flags, which OPEN passes through when a bit above 0x1F is set.
constexpr std::uint32_t kLinuxWronly = 0x1, kLinuxRdwr = 0x2, kLinuxCreat = 0x40, kLinuxExcl = 0x80,
                        kLinuxTrunc = 0x200, kLinuxAppend = 0x400, kLinuxDirectory = 0x10000;

// The documented default latencies (latency_model.hpp), restated so that a
// changed default shows up here.
std::uint64_t console_cycles(std::uint64_t bytes) { return 400 + 2 * bytes; }
std::uint64_t file_cycles(std::uint64_t bytes) { return 2000 + bytes; }
std::uint64_t env_cycles(std::uint64_t bytes) { return 200 + bytes; }
constexpr std::uint64_t kTimeCycles = 200;
constexpr std::uint64_t kControlCycles = 50;

constexpr std::uint32_t kGuard = 256;
constexpr std::uint8_t kGuardByte = 0xA5;
constexpr std::uint8_t kFill = 0xEE;
// Where the helpers put their arguments: away from 0 so that a handler
// ignoring the offset is caught.
constexpr std::uint32_t kSeekAt = 0x80;
constexpr std::uint32_t kPathAt = 0x100;
constexpr std::uint32_t kRecordAt = 0x1000;
constexpr std::uint32_t kDataAt = 0x2000;

constexpr std::int64_t kEpochNs = 1'700'000'000'123'456'789;

std::string describe(const Completion& c) {
  std::string s = "status " + std::to_string(c.status) + ", length " + std::to_string(c.length);
  if (c.exit) s += ", exit";
  if (!c.protocol_warning.empty()) s += ", warning '" + c.protocol_warning + "'";
  return s;
}

::testing::AssertionResult Answers(const Completion& c, std::uint32_t status, std::uint32_t length) {
  if (c.status == status && c.length == length && !c.exit && c.protocol_warning.empty())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "want status " << status << ", length " << length << "; got "
                                       << describe(c);
}

::testing::AssertionResult FailsWith(const Completion& c, std::uint32_t err) {
  if (c.status == kStatusErr && c.length == err && !c.exit && c.protocol_warning.empty())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "want ERR with errno " << err << "; got " << describe(c);
}

::testing::AssertionResult RefusedOutOfBuffer(const Completion& c) {
  if (c.status == kStatusErr && c.length == kEINVAL && !c.exit && !c.protocol_warning.empty())
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "want ERR/EINVAL with a protocol warning; got " << describe(c);
}

mode_t current_umask() {
  const mode_t m = ::umask(0);
  ::umask(m);
  return m;
}

struct stat host_lstat(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) ADD_FAILURE() << "lstat " << path << ": " << std::strerror(errno);
  return st;
}

std::int64_t realtime_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Guest RAM for READ_DIRECT: keeps what it is given and refuses any write
// reaching `limit` or beyond, as unmapped or read-only memory would be.
class FakeMemory : public GuestMemory {
 public:
  bool write(std::uint32_t addr, const std::uint8_t* data, std::uint32_t length) override {
    if (std::uint64_t{addr} + length > limit) {
      ++refused;
      return false;
    }
    writes.push_back({addr, std::string(reinterpret_cast<const char*>(data), length)});
    return true;
  }
  bool read(std::uint32_t addr, std::uint8_t* data, std::uint32_t length) override {
    if (std::uint64_t{addr} + length > limit) return false;
    for (std::uint32_t i = 0; i < length; ++i) data[i] = ram.count(addr + i) ? ram.at(addr + i) : 0;
    return true;
  }
  std::map<std::uint32_t, std::uint8_t> ram;  // what read() answers
  // The bytes written from `addr` on, which must have come in order.
  std::string gathered(std::uint32_t addr) const {
    std::string all;
    for (const auto& w : writes) {
      EXPECT_EQ(w.addr, addr + all.size()) << "DMA writes out of order";
      all += w.data;
    }
    return all;
  }

  struct Write {
    std::uint32_t addr;
    std::string data;
  };
  std::uint64_t limit = std::uint64_t{1} << 32;
  std::vector<Write> writes;
  int refused = 0;
};

// Sets TZ for one test and puts the old value back.
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = std::getenv("TZ")) saved_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (saved_) ::setenv("TZ", saved_->c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

 private:
  std::optional<std::string> saved_;
};

class PosixTest : public ::testing::Test {
 protected:
  PosixTest() : bytes_(kDataBufferSize + kGuard, kGuardByte), buf_(bytes_.data(), kDataBufferSize) {
    std::fill_n(bytes_.begin(), kDataBufferSize, std::uint8_t{0});
    make_pipe(in_);
    make_pipe(out_);
    make_pipe(err_);
    console_ = std::make_unique<Console>(in_[0], out_[1], err_[1]);
    start(config());
  }
  ~PosixTest() override {
    backend_.reset();
    console_.reset();
    for (int* p : {in_, out_, err_})
      for (int i = 0; i < 2; ++i)
        if (p[i] >= 0) ::close(p[i]);
  }
  void TearDown() override {
    for (std::uint32_t i = 0; i < kGuard; ++i) {
      if (bytes_[kDataBufferSize + i] != kGuardByte) {
        ADD_FAILURE() << "byte " << i << " past the data buffer was written";
        break;
      }
    }
  }

  // The read end is non-blocking: the test drains output, the backend must
  // not wait on an empty stdin.
  static void make_pipe(int fds[2]) {
    if (::pipe2(fds, O_CLOEXEC) != 0 || ::fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0)
      throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  }

  HostConfig config() const {
    HostConfig c;
    c.root = tree_.root();
    c.argv = {"prog.s32x", "-v", "a b"};
    c.env = {"HOME=/guest", "LANG=C", "EMPTY="};
    c.epoch_ns = kEpochNs;
    return c;
  }
  void start(const HostConfig& c) {
    backend_.reset();
    backend_ = std::make_unique<PosixBackend>(c, *console_);
  }

  Completion run(std::uint32_t opcode, std::uint32_t status, std::uint32_t length, std::uint32_t offset,
                 const HostTime& now = HostTime{}) {
    Request r;
    r.opcode = opcode;
    r.status = status;
    r.length = length;
    r.offset = offset;
    return backend_->execute(r, buf_, mem_, now);
  }

  void put(std::uint32_t off, const std::string& s) { std::memcpy(bytes_.data() + off, s.data(), s.size()); }
  std::string get(std::uint32_t off, std::size_t n) const {
    return std::string(reinterpret_cast<const char*>(bytes_.data() + off), n);
  }
  void fill(std::uint32_t off, std::uint32_t n, std::uint8_t v = kFill) {
    std::memset(bytes_.data() + off, v, n);
  }
  std::uint32_t u32(std::uint32_t off) const {
    std::uint32_t v;
    std::memcpy(&v, bytes_.data() + off, 4);
    return v;
  }
  std::uint64_t u64(std::uint32_t off) const {
    std::uint64_t v;
    std::memcpy(&v, bytes_.data() + off, 8);
    return v;
  }
  void put_u32(std::uint32_t off, std::uint32_t v) { std::memcpy(bytes_.data() + off, &v, 4); }

  // A path or name argument with its NUL.
  Completion with_path(std::uint32_t opcode, const std::string& path, std::uint32_t status = 0) {
    put(kPathAt, path + std::string(1, '\0'));
    return run(opcode, status, static_cast<std::uint32_t>(path.size() + 1), kPathAt);
  }
  std::uint32_t open_fd(const std::string& path, std::uint32_t flags) {
    const Completion c = with_path(kOpen, path, flags);
    EXPECT_NE(c.status, kStatusErr) << "OPEN " << path << ": " << describe(c);
    return c.status;
  }
  Completion write_fd(std::uint32_t fd, const std::string& data) {
    put(kDataAt, data);
    return run(kWrite, fd, static_cast<std::uint32_t>(data.size()), kDataAt);
  }
  // What READ gave, or "<errno N>".
  std::string read_fd(std::uint32_t fd, std::uint32_t n) {
    const Completion c = run(kRead, fd, n, kDataAt);
    if (c.status == kStatusErr) return "<errno " + std::to_string(c.length) + ">";
    EXPECT_EQ(c.status, c.length);
    return get(kDataAt, c.length);
  }
  Completion seek(std::uint32_t fd, std::uint8_t whence, std::int32_t distance) {
    // Only byte 0 is the whence: the three after it must not matter.
    fill(kSeekAt, 4, 0xAB);
    bytes_[kSeekAt] = whence;
    put_u32(kSeekAt + 4, static_cast<std::uint32_t>(distance));
    return run(kSeek, fd, 8, kSeekAt);
  }
  std::uint32_t position(std::uint32_t fd) { return seek(fd, 1, 0).status; }
  Completion close_fd(std::uint32_t fd) { return run(kClose, fd, 0, 0); }

  void feed_stdin(const std::string& s) {
    ASSERT_EQ(::write(in_[1], s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  void end_stdin() {
    ::close(in_[1]);
    in_[1] = -1;
  }
  static std::string drain(int fd) {
    std::string s;
    char chunk[4096];
    ssize_t n;
    while ((n = ::read(fd, chunk, sizeof chunk)) > 0) s.append(chunk, static_cast<std::size_t>(n));
    return s;
  }
  std::string out() { return drain(out_[0]); }
  std::string err() { return drain(err_[0]); }

  std::string in_root(const std::string& rel) const { return tree_.in_root(rel); }
  void make_file(const std::string& rel, const std::string& content) { TempTree::write_file(in_root(rel), content); }
  std::string file(const std::string& rel) const { return TempTree::read_file(in_root(rel)); }

  void expect_stat_record(std::uint32_t off, const struct stat& st) {
    EXPECT_EQ(u64(off + 0), static_cast<std::uint64_t>(st.st_dev));
    EXPECT_EQ(u64(off + 8), static_cast<std::uint64_t>(st.st_ino));
    EXPECT_EQ(u32(off + 16), static_cast<std::uint32_t>(st.st_mode));
    EXPECT_EQ(u32(off + 20), static_cast<std::uint32_t>(st.st_nlink));
    EXPECT_EQ(u32(off + 24), static_cast<std::uint32_t>(st.st_uid));
    EXPECT_EQ(u32(off + 28), static_cast<std::uint32_t>(st.st_gid));
    EXPECT_EQ(u64(off + 32), static_cast<std::uint64_t>(st.st_rdev));
    EXPECT_EQ(u64(off + 40), static_cast<std::uint64_t>(st.st_size));
    EXPECT_EQ(u64(off + 48), static_cast<std::uint64_t>(st.st_blksize));
    EXPECT_EQ(u64(off + 56), static_cast<std::uint64_t>(st.st_blocks));
    const struct timespec* times[3] = {&st.st_atim, &st.st_mtim, &st.st_ctim};
    for (std::uint32_t i = 0; i < 3; ++i) {
      EXPECT_EQ(u64(off + 64 + 16 * i), static_cast<std::uint64_t>(times[i]->tv_sec)) << "time " << i;
      EXPECT_EQ(u32(off + 72 + 16 * i), static_cast<std::uint32_t>(times[i]->tv_nsec)) << "time " << i;
      EXPECT_EQ(u32(off + 76 + 16 * i), 0u) << "padding of time " << i;
    }
    EXPECT_EQ(bytes_[off + kStatRecordSize], kFill) << "written past the 112-byte record";
  }

  TempTree tree_;
  std::vector<std::uint8_t> bytes_;
  DataBuffer buf_;
  FakeMemory mem_;
  int in_[2] = {-1, -1}, out_[2] = {-1, -1}, err_[2] = {-1, -1};
  std::unique_ptr<Console> console_;
  std::unique_ptr<PosixBackend> backend_;
};

using PosixConsole = PosixTest;
using PosixFile = PosixTest;
using PosixPath = PosixTest;
using PosixDir = PosixTest;
using PosixTime = PosixTest;
using PosixEnv = PosixTest;
using PosixControl = PosixTest;
using PosixProtocol = PosixTest;
using PosixLatency = PosixTest;

// ---- console

TEST_F(PosixConsole, PutcharWritesTheByteAtOffsetToStdout) {
  bytes_[7] = 'Z';
  const Completion c = run(kPutchar, 0, 0, 7);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, console_cycles(1));
  EXPECT_EQ(out(), "Z");
  EXPECT_EQ(err(), "");
}

TEST_F(PosixConsole, GetcharReadsOneByteThenEndOfInputIsErrWithLengthZero) {
  feed_stdin("hi");
  end_stdin();
  Completion c = run(kGetchar, 0, 0, 9);
  EXPECT_TRUE(Answers(c, 0, 1));
  EXPECT_EQ(c.latency_cycles, console_cycles(1));
  EXPECT_EQ(bytes_[9], 'h');
  EXPECT_TRUE(Answers(run(kGetchar, 0, 0, 10), 0, 1));
  EXPECT_EQ(bytes_[10], 'i');
  for (int i = 0; i < 2; ++i) {
    c = run(kGetchar, 0, 0, 11);
    EXPECT_EQ(c.status, kStatusErr);
    EXPECT_EQ(c.length, 0u);
    EXPECT_TRUE(c.protocol_warning.empty());
    EXPECT_EQ(bytes_[11], 0);
  }
}

TEST_F(PosixConsole, GetcharPassesHostReadErrorsOn) {
  // The pipe is open but empty and non-blocking: the host says EAGAIN.
  EXPECT_TRUE(FailsWith(run(kGetchar, 0, 0, 9), kEAGAIN));
}

TEST_F(PosixConsole, BufferedDebugOutputIsFlushedBeforeStdinIsRead) {
  console_->put('>');
  feed_stdin("yz");
  EXPECT_TRUE(Answers(run(kGetchar, 0, 0, 0), 0, 1));
  EXPECT_EQ(out(), ">");
  console_->put('?');
  EXPECT_EQ(read_fd(0, 1), "z");
  EXPECT_EQ(out(), "?");
}

TEST_F(PosixConsole, WriteGoesToStdoutOrStderrAndReportsTheCount) {
  put(100, "hello");
  Completion c = run(kWrite, 1, 5, 100);
  EXPECT_TRUE(Answers(c, 5, 5));
  EXPECT_EQ(c.latency_cycles, console_cycles(5));
  put(200, "oops\n");
  EXPECT_TRUE(Answers(run(kWrite, 2, 5, 200), 5, 5));
  EXPECT_EQ(out(), "hello");
  EXPECT_EQ(err(), "oops\n");
  c = run(kWrite, 1, 0, 0);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, console_cycles(0));
  EXPECT_EQ(out(), "");
}

TEST_F(PosixConsole, WriteComesAfterBufferedDebugBytesOnBothStreams) {
  console_->put('a');
  EXPECT_TRUE(Answers(write_fd(1, "b"), 1, 1));
  EXPECT_EQ(out(), "ab");
  console_->put('c');
  EXPECT_TRUE(Answers(write_fd(2, "!"), 1, 1));
  EXPECT_EQ(out(), "c");
  EXPECT_EQ(err(), "!");
}

TEST_F(PosixConsole, ReadFromStdinReturnsWhatIsThereThenZeroAtEnd) {
  feed_stdin("abcdef");
  Completion c = run(kRead, 0, 4, 300);
  EXPECT_TRUE(Answers(c, 4, 4));
  EXPECT_EQ(get(300, 4), "abcd");
  EXPECT_EQ(c.latency_cycles, console_cycles(4));
  EXPECT_EQ(read_fd(0, 10), "ef");
  end_stdin();
  c = run(kRead, 0, 10, 300);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, console_cycles(0));
}

TEST_F(PosixConsole, FlushWritesOutBufferedDebugBytes) {
  console_->put('x');
  EXPECT_EQ(out(), "");
  const Completion c = run(kFlush, 0, 0, 0);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, console_cycles(0));
  EXPECT_EQ(out(), "x");
  console_->put('y');
  backend_->flush();
  EXPECT_EQ(out(), "y");
}

TEST_F(PosixConsole, ClosingFdsZeroToTwoFreesTheSlotsButNotTheHostFds) {
  for (std::uint32_t fd = 0; fd < 3; ++fd) {
    const Completion c = close_fd(fd);
    EXPECT_TRUE(Answers(c, 0, 0)) << "fd " << fd;
    EXPECT_EQ(c.latency_cycles, file_cycles(0));
  }
  for (int host_fd : {in_[0], out_[1], err_[1]}) EXPECT_NE(::fcntl(host_fd, F_GETFD), -1) << "host fd " << host_fd;
  EXPECT_TRUE(FailsWith(write_fd(1, "lost"), kEBADF));
  EXPECT_TRUE(FailsWith(close_fd(1), kEBADF));
  EXPECT_EQ(read_fd(0, 1), "<errno 9>");

  // The freed slots are reused, now for files.
  EXPECT_EQ(open_fd("f0", 0x0A), 0u);
  EXPECT_EQ(open_fd("f1", 0x0A), 1u);
  EXPECT_TRUE(Answers(write_fd(1, "to the file"), 11, 11));
  EXPECT_EQ(file("f1"), "to the file");
  EXPECT_EQ(out(), "");

  // The host's console still works, and survives the backend.
  ASSERT_EQ(::write(out_[1], "ok", 2), 2);
  EXPECT_EQ(out(), "ok");
  backend_.reset();
  for (int host_fd : {in_[0], out_[1], err_[1]}) EXPECT_NE(::fcntl(host_fd, F_GETFD), -1) << "host fd " << host_fd;
}

// ---- files

TEST_F(PosixFile, OpenReadOnlyReadsButCannotWrite) {
  make_file("data", "0123456789");
  // Read alone and neither bit both mean read-only.
  for (std::uint32_t flags : {0x01u, 0x00u}) {
    SCOPED_TRACE(flags);
    const Completion c = with_path(kOpen, "data", flags);
    EXPECT_TRUE(Answers(c, 3, 0));
    EXPECT_EQ(c.latency_cycles, file_cycles(5));
    EXPECT_EQ(read_fd(3, 4), "0123");
    const Completion r = run(kRead, 3, 100, kDataAt);
    EXPECT_TRUE(Answers(r, 6, 6));
    EXPECT_EQ(r.latency_cycles, file_cycles(6));
    EXPECT_EQ(read_fd(3, 4), "");
    EXPECT_TRUE(FailsWith(write_fd(3, "x"), kEBADF));
    EXPECT_TRUE(Answers(close_fd(3), 0, 0));
  }
  EXPECT_EQ(file("data"), "0123456789");
}

TEST_F(PosixFile, OpenWriteOnlyWritesButCannotRead) {
  make_file("data", "abcdef");
  const std::uint32_t fd = open_fd("data", 0x02);
  const Completion c = write_fd(fd, "XY");
  EXPECT_TRUE(Answers(c, 2, 2));
  EXPECT_EQ(c.latency_cycles, file_cycles(2));
  EXPECT_EQ(read_fd(fd, 1), "<errno 9>");
  EXPECT_EQ(file("data"), "XYcdef");
}

TEST_F(PosixFile, OpenReadWrite) {
  make_file("data", "abcdef");
  const std::uint32_t fd = open_fd("data", 0x03);
  EXPECT_TRUE(Answers(write_fd(fd, "XY"), 2, 2));
  EXPECT_EQ(read_fd(fd, 2), "cd");
  EXPECT_TRUE(Answers(seek(fd, 0, 0), 0, 0));
  EXPECT_EQ(read_fd(fd, 10), "XYcdef");
}

TEST_F(PosixFile, OpenAppendWritesAtTheEnd) {
  make_file("data", "abc");
  const std::uint32_t fd = open_fd("data", 0x02 | 0x04);
  EXPECT_TRUE(Answers(write_fd(fd, "de"), 2, 2));
  EXPECT_TRUE(Answers(seek(fd, 0, 0), 0, 0));
  EXPECT_TRUE(Answers(write_fd(fd, "f"), 1, 1));
  EXPECT_EQ(file("data"), "abcdef");
}

TEST_F(PosixFile, OpenCreateMakesAFileWithMode0644) {
  EXPECT_TRUE(FailsWith(with_path(kOpen, "new", 0x02), kENOENT));
  EXPECT_FALSE(TempTree::exists(in_root("new")));
  const std::uint32_t fd = open_fd("new", 0x02 | 0x08);
  EXPECT_EQ(fd, 3u);
  const struct stat st = host_lstat(in_root("new"));
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0644u & ~current_umask());
  EXPECT_TRUE(Answers(write_fd(fd, "kept"), 4, 4));
  // Creating what exists opens it as it is.
  const std::uint32_t again = open_fd("new", 0x01 | 0x08);
  EXPECT_EQ(read_fd(again, 10), "kept");
  // Create without write is a read-only fd on a new empty file.
  const std::uint32_t ro = open_fd("empty", 0x08);
  EXPECT_EQ(read_fd(ro, 10), "");
  EXPECT_TRUE(FailsWith(write_fd(ro, "x"), kEBADF));
  EXPECT_EQ(file("empty"), "");
}

TEST_F(PosixFile, OpenTruncateEmptiesTheFile) {
  make_file("data", "0123456789");
  const std::uint32_t fd = open_fd("data", 0x02 | 0x10);
  EXPECT_EQ(file("data"), "");
  EXPECT_TRUE(Answers(write_fd(fd, "ab"), 2, 2));
  EXPECT_EQ(file("data"), "ab");
  open_fd("made", 0x02 | 0x08 | 0x10);
  EXPECT_EQ(file("made"), "");
}

TEST_F(PosixFile, FlagsAboveBit4ArePassedOnAsLinuxOpenFlags) {
  const std::uint32_t excl = kLinuxWronly | kLinuxCreat | kLinuxExcl;
  const std::uint32_t fd = open_fd("fresh", excl);
  EXPECT_EQ(fd, 3u);
  EXPECT_EQ(host_lstat(in_root("fresh")).st_mode & 07777, 0644u & ~current_umask());
  EXPECT_TRUE(Answers(write_fd(fd, "abc"), 3, 3));
  EXPECT_EQ(read_fd(fd, 1), "<errno 9>");
  EXPECT_TRUE(FailsWith(with_path(kOpen, "fresh", excl), kEEXIST));

  const std::uint32_t app = open_fd("fresh", kLinuxWronly | kLinuxAppend);
  EXPECT_TRUE(Answers(write_fd(app, "de"), 2, 2));
  EXPECT_EQ(file("fresh"), "abcde");

  const std::uint32_t trunc = open_fd("fresh", kLinuxRdwr | kLinuxTrunc);
  EXPECT_EQ(file("fresh"), "");
  EXPECT_TRUE(Answers(write_fd(trunc, "xy"), 2, 2));
  EXPECT_TRUE(Answers(seek(trunc, 0, 0), 0, 0));
  EXPECT_EQ(read_fd(trunc, 5), "xy");

  TempTree::make_dir(in_root("dir"));
  EXPECT_NE(with_path(kOpen, "dir", kLinuxDirectory).status, kStatusErr);
  EXPECT_TRUE(FailsWith(with_path(kOpen, "fresh", kLinuxDirectory), kENOTDIR));
}

TEST_F(PosixFile, OpenErrors) {
  make_file("data", "x");
  TempTree::make_dir(in_root("dir"));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "missing", 0x01), kENOENT));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "nodir/x", 0x0A), kENOENT));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "data/x", 0x01), kENOTDIR));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "dir", 0x02), kEISDIR));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "", 0x01), kENOENT));
  EXPECT_TRUE(FailsWith(run(kOpen, 0x0A, 0, kPathAt), kEINVAL));
  EXPECT_FALSE(TempTree::exists(in_root("nodir")));
}

TEST_F(PosixFile, PathNeedsNoNulAndStopsAtLength) {
  make_file("data", "x");
  put(kPathAt, "dataXYZ");
  EXPECT_TRUE(Answers(run(kOpen, 0x01, 4, kPathAt), 3, 0));
  put(kPathAt, std::string("data\0XYZ", 8));
  EXPECT_TRUE(Answers(run(kOpen, 0x01, 8, kPathAt), 4, 0));
}

TEST_F(PosixFile, OpenTakesTheLowestFreeSlotUpTo128) {
  make_file("data", "x");
  TempTree::make_dir(in_root("dir"));
  for (std::uint32_t fd = 3; fd < kMaxGuestFds; ++fd) ASSERT_TRUE(Answers(with_path(kOpen, "data", 0x01), fd, 0));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "data", 0x01), kEMFILE));
  EXPECT_TRUE(FailsWith(with_path(kOpendir, "dir"), kEMFILE));
  EXPECT_TRUE(Answers(close_fd(40), 0, 0));
  EXPECT_TRUE(Answers(close_fd(41), 0, 0));
  EXPECT_TRUE(Answers(with_path(kOpendir, "dir"), 40, 0));
  EXPECT_TRUE(Answers(with_path(kOpen, "data", 0x01), 41, 0));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "data", 0x01), kEMFILE));
}

TEST_F(PosixFile, BadFdsAreEbadf) {
  make_file("data", "0123456789");
  TempTree::make_dir(in_root("dir"));
  const std::uint32_t file_fd = open_fd("data", 0x03);
  const std::uint32_t dir_fd = with_path(kOpendir, "dir").status;
  ASSERT_EQ(file_fd, 3u);
  ASSERT_EQ(dir_fd, 4u);
  put_u32(kRecordAt, 0);
  fill(kSeekAt, 8, 0);
  const std::uint32_t unused = 5, too_big = kMaxGuestFds, huge = 0xFFFFFFF0;
  for (std::uint32_t fd : {unused, too_big, huge, dir_fd}) {
    SCOPED_TRACE(fd);
    EXPECT_TRUE(FailsWith(run(kRead, fd, 4, kDataAt), kEBADF));
    EXPECT_TRUE(FailsWith(run(kWrite, fd, 4, kDataAt), kEBADF));
    EXPECT_TRUE(FailsWith(run(kSeek, fd, 8, kSeekAt), kEBADF));
    EXPECT_TRUE(FailsWith(run(kFtruncate, fd, 4, kRecordAt), kEBADF));
    EXPECT_TRUE(FailsWith(run(kReadDirect, fd, 4, 0x1000), kEBADF));
  }
  for (std::uint32_t fd : {unused, too_big, huge, file_fd}) {
    SCOPED_TRACE(fd);
    EXPECT_TRUE(FailsWith(run(kReaddir, fd, 0, kRecordAt), kEBADF));
    EXPECT_TRUE(FailsWith(run(kRewinddir, fd, 0, 0), kEBADF));
    EXPECT_TRUE(FailsWith(run(kClosedir, fd, 0, 0), kEBADF));
  }
  for (std::uint32_t fd : {unused, too_big, huge}) {
    SCOPED_TRACE(fd);
    EXPECT_TRUE(FailsWith(close_fd(fd), kEBADF));
    EXPECT_TRUE(FailsWith(run(kStat, fd, 0, kRecordAt), kEBADF));
  }
  EXPECT_TRUE(mem_.writes.empty());
  EXPECT_EQ(read_fd(file_fd, 20), "0123456789");
  EXPECT_TRUE(Answers(close_fd(file_fd), 0, 0));
  EXPECT_TRUE(FailsWith(close_fd(file_fd), kEBADF));
}

TEST_F(PosixFile, SeekWithEachWhenceAndNegativeDistances) {
  make_file("data", "0123456789");
  const std::uint32_t fd = open_fd("data", 0x01);
  Completion c = seek(fd, 0, 4);
  EXPECT_TRUE(Answers(c, 4, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(8));
  EXPECT_TRUE(Answers(seek(fd, 1, -2), 2, 0));
  EXPECT_EQ(read_fd(fd, 3), "234");
  EXPECT_TRUE(Answers(seek(fd, 2, -3), 7, 0));
  EXPECT_EQ(read_fd(fd, 10), "789");
  EXPECT_TRUE(Answers(seek(fd, 2, 0), 10, 0));
  EXPECT_TRUE(Answers(seek(fd, 1, 5), 15, 0));
  EXPECT_TRUE(Answers(seek(fd, 1, -15), 0, 0));
  // Payload longer than 8 bytes is fine; only the first 8 count.
  fill(kSeekAt, 4, 0);
  put_u32(kSeekAt + 4, 6);
  EXPECT_TRUE(Answers(run(kSeek, fd, 16, kSeekAt), 6, 0));
}

TEST_F(PosixFile, SeekErrors) {
  make_file("data", "0123456789");
  const std::uint32_t fd = open_fd("data", 0x01);
  EXPECT_TRUE(Answers(seek(fd, 0, 3), 3, 0));
  EXPECT_TRUE(FailsWith(seek(fd, 3, 0), kEINVAL));
  EXPECT_TRUE(FailsWith(seek(fd, 0, -1), kEINVAL));
  EXPECT_TRUE(FailsWith(seek(fd, 1, -4), kEINVAL));
  EXPECT_TRUE(FailsWith(seek(fd, 2, -11), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kSeek, fd, 7, kSeekAt), kEINVAL));
  EXPECT_EQ(position(fd), 3u);
  EXPECT_TRUE(FailsWith(seek(0, 0, 0), kESPIPE));
}

TEST_F(PosixFile, FtruncateSetsTheSize) {
  make_file("data", "0123456789");
  const std::uint32_t fd = open_fd("data", 0x03);
  put_u32(kRecordAt, 4);
  const Completion c = run(kFtruncate, fd, 4, kRecordAt);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(4));
  EXPECT_EQ(file("data"), "0123");
  put_u32(kRecordAt, 6);
  EXPECT_TRUE(Answers(run(kFtruncate, fd, 8, kRecordAt), 0, 0));
  EXPECT_EQ(file("data"), std::string("0123\0\0", 6));
}

TEST_F(PosixFile, FtruncateErrors) {
  make_file("data", "0123456789");
  const std::uint32_t ro = open_fd("data", 0x01);
  const std::uint32_t rw = open_fd("data", 0x03);
  put_u32(kRecordAt, 2);
  EXPECT_TRUE(FailsWith(run(kFtruncate, rw, 3, kRecordAt), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kFtruncate, ro, 4, kRecordAt), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kFtruncate, 1, 4, kRecordAt), kEINVAL));
  EXPECT_EQ(file("data"), "0123456789");
}

TEST_F(PosixFile, StatWritesThe112ByteRecordByPathAndByFd) {
  const std::uint32_t fd = open_fd("data", 0x02 | 0x08);
  ASSERT_TRUE(Answers(write_fd(fd, std::string(1234, 'q')), 1234, 1234));
  ASSERT_TRUE(Answers(close_fd(fd), 0, 0));

  fill(kRecordAt, kStatRecordSize + 1);
  put(kRecordAt, std::string("data\0", 5));
  Completion c = run(kStat, kStatusErr, 5, kRecordAt);
  EXPECT_TRUE(Answers(c, 0, kStatRecordSize));
  EXPECT_EQ(c.latency_cycles, file_cycles(kStatRecordSize));
  const struct stat st = host_lstat(in_root("data"));
  expect_stat_record(kRecordAt, st);
  EXPECT_EQ(u64(kRecordAt + 40), 1234u);
  EXPECT_EQ(u32(kRecordAt + 16), static_cast<std::uint32_t>(S_IFREG | (0644 & ~current_umask())));

  const std::uint32_t again = open_fd("data", 0x01);
  fill(kRecordAt, kStatRecordSize + 1);
  c = run(kStat, again, 0, kRecordAt);
  EXPECT_TRUE(Answers(c, 0, kStatRecordSize));
  EXPECT_EQ(c.latency_cycles, file_cycles(kStatRecordSize));
  expect_stat_record(kRecordAt, host_lstat(in_root("data")));
}

TEST_F(PosixFile, StatOfDirectoryAndConsoleFds) {
  TempTree::make_dir(in_root("dir"));
  const std::uint32_t dir_fd = with_path(kOpendir, "dir").status;
  fill(kRecordAt, kStatRecordSize + 1);
  EXPECT_TRUE(Answers(run(kStat, dir_fd, 0, kRecordAt), 0, kStatRecordSize));
  expect_stat_record(kRecordAt, host_lstat(in_root("dir")));
  EXPECT_TRUE(S_ISDIR(u32(kRecordAt + 16)));

  fill(kRecordAt, kStatRecordSize + 1);
  EXPECT_TRUE(Answers(run(kStat, 0, 0, kRecordAt), 0, kStatRecordSize));
  EXPECT_TRUE(S_ISFIFO(u32(kRecordAt + 16)));
  struct stat st;
  ASSERT_EQ(::fstat(in_[0], &st), 0);
  EXPECT_EQ(u64(kRecordAt + 8), static_cast<std::uint64_t>(st.st_ino));
}

TEST_F(PosixFile, LstatDescribesTheLinkItself) {
  make_file("data", "0123456789");
  TempTree::make_link("data", in_root("ln"));
  fill(kRecordAt, kStatRecordSize + 1);
  // LSTAT always takes a path, whatever the status says.
  for (std::uint32_t status : {0u, std::uint32_t{kStatusErr}}) {
    put(kRecordAt, std::string("ln\0", 3));
    fill(kRecordAt + kStatRecordSize, 1);
    const Completion c = run(kLstat, status, 3, kRecordAt);
    EXPECT_TRUE(Answers(c, 0, kStatRecordSize));
    EXPECT_EQ(c.latency_cycles, file_cycles(kStatRecordSize));
    expect_stat_record(kRecordAt, host_lstat(in_root("ln")));
    EXPECT_TRUE(S_ISLNK(u32(kRecordAt + 16)));
    EXPECT_EQ(u64(kRecordAt + 40), 4u);
  }
  put(kRecordAt, std::string("ln\0", 3));
  EXPECT_TRUE(Answers(run(kStat, kStatusErr, 3, kRecordAt), 0, kStatRecordSize));
  EXPECT_TRUE(S_ISREG(u32(kRecordAt + 16)));
  EXPECT_EQ(u64(kRecordAt + 40), 10u);
}

TEST_F(PosixFile, StatErrors) {
  make_file("data", "x");
  TempTree::make_link("missing", in_root("dangling"));
  EXPECT_TRUE(FailsWith(with_path(kStat, "missing", kStatusErr), kENOENT));
  EXPECT_TRUE(FailsWith(with_path(kStat, "dangling", kStatusErr), kENOENT));
  EXPECT_TRUE(Answers(with_path(kLstat, "dangling"), 0, kStatRecordSize));
  EXPECT_TRUE(FailsWith(with_path(kStat, "data/x", kStatusErr), kENOTDIR));
  EXPECT_TRUE(FailsWith(with_path(kLstat, "missing"), kENOENT));
  EXPECT_TRUE(FailsWith(run(kStat, kStatusErr, 0, kRecordAt), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kLstat, 0, 0, kRecordAt), kEINVAL));
}

TEST_F(PosixFile, ReadDirectWritesGuestMemoryInChunks) {
  std::string content(200'000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7 + i / 251);
  make_file("data", content);
  const std::uint32_t fd = open_fd("data", 0x01);
  Completion c = run(kReadDirect, fd, 200'000, 0x0010'0000);
  EXPECT_TRUE(Answers(c, 200'000, 200'000));
  EXPECT_EQ(c.latency_cycles, file_cycles(200'000));
  EXPECT_TRUE(mem_.gathered(0x0010'0000) == content);
  EXPECT_EQ(bytes_[0], 0) << "READ_DIRECT must not touch the data buffer";

  mem_.writes.clear();
  c = run(kReadDirect, fd, 16, 0x1000);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(0));
  EXPECT_TRUE(Answers(run(kReadDirect, fd, 0, 0x1000), 0, 0));
  EXPECT_TRUE(mem_.writes.empty());
}

// The public interpreter never configures guest memory for READ_DIRECT, so
// libc falls back to READ there; --read-direct off (the reference profile)
// does the same, leaving the file position alone.
TEST_F(PosixFile, ReadDirectOffAnswersEinvalAndReadsNothing) {
  HostConfig off = config();
  off.read_direct = false;
  start(off);
  make_file("data", "0123456789");
  const std::uint32_t fd = open_fd("data", 0x01);
  EXPECT_TRUE(FailsWith(run(kReadDirect, fd, 4, 0x1000), kEINVAL));
  EXPECT_TRUE(mem_.writes.empty());
  EXPECT_EQ(read_fd(fd, 4), "0123");
}

TEST_F(PosixFile, ReadDirectUpToTheTopOfTheAddressSpace) {
  make_file("data", "0123456789abcdef");
  const std::uint32_t fd = open_fd("data", 0x01);
  EXPECT_TRUE(Answers(run(kReadDirect, fd, 16, 0xFFFF'FFF0), 16, 16));
  EXPECT_EQ(mem_.gathered(0xFFFF'FFF0), "0123456789abcdef");
}

TEST_F(PosixFile, ReadDirectRefusedByMemoryIsEfaultAndKeepsThePosition) {
  make_file("data", "0123456789abcdef");
  const std::uint32_t fd = open_fd("data", 0x01);
  ASSERT_TRUE(Answers(seek(fd, 0, 10), 10, 0));
  mem_.limit = 0x1000;
  const Completion c = run(kReadDirect, fd, 4, 0x2000);
  EXPECT_TRUE(FailsWith(c, kEFAULT));
  EXPECT_EQ(c.latency_cycles, file_cycles(0));
  EXPECT_EQ(mem_.refused, 1);
  EXPECT_EQ(position(fd), 10u);
  EXPECT_EQ(read_fd(fd, 10), "abcdef");
}

TEST_F(PosixFile, ReadDirectPastTheAddressSpaceIsEfaultWithoutReading) {
  make_file("data", "0123456789abcdef");
  const std::uint32_t fd = open_fd("data", 0x01);
  EXPECT_TRUE(FailsWith(run(kReadDirect, fd, 0x20, 0xFFFF'FFF0), kEFAULT));
  EXPECT_EQ(mem_.refused, 0);
  EXPECT_TRUE(mem_.writes.empty());
  EXPECT_EQ(position(fd), 0u);
}

TEST_F(PosixFile, ReadDirectRefusedPartWayReturnsWhatLanded) {
  make_file("data", std::string(100'000, 'd'));
  const std::uint32_t fd = open_fd("data", 0x01);
  // Room for one 64 KiB chunk only.
  mem_.limit = 0x1'0000 + 0x1'0000;
  const Completion c = run(kReadDirect, fd, 100'000, 0x1'0000);
  EXPECT_TRUE(Answers(c, 0x1'0000, 0x1'0000));
  EXPECT_EQ(c.latency_cycles, file_cycles(0x1'0000));
  EXPECT_EQ(mem_.gathered(0x1'0000), std::string(0x1'0000, 'd'));
  EXPECT_EQ(position(fd), 0x1'0000u);
}

TEST_F(PosixFile, ReadDirectFromStdin) {
  feed_stdin("abc");
  console_->put('>');
  EXPECT_TRUE(Answers(run(kReadDirect, 0, 10, 0x4000), 3, 3));
  EXPECT_EQ(mem_.gathered(0x4000), "abc");
  EXPECT_EQ(out(), ">");
}

// ---- path operations

TEST_F(PosixPath, MkdirUsesTheModeOr0755) {
  Completion c = with_path(kMkdir, "a");
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(2));
  struct stat st = host_lstat(in_root("a"));
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0755u & ~current_umask());
  EXPECT_TRUE(Answers(with_path(kMkdir, "b", 0700), 0, 0));
  EXPECT_EQ(host_lstat(in_root("b")).st_mode & 07777, 0700u);
  EXPECT_TRUE(Answers(with_path(kMkdir, "a/c", 0750), 0, 0));
  EXPECT_EQ(host_lstat(in_root("a/c")).st_mode & 07777, 0750u & ~current_umask());
}

TEST_F(PosixPath, MkdirErrors) {
  make_file("data", "x");
  TempTree::make_dir(in_root("a"));
  EXPECT_TRUE(FailsWith(with_path(kMkdir, "a"), kEEXIST));
  EXPECT_TRUE(FailsWith(with_path(kMkdir, "data"), kEEXIST));
  EXPECT_TRUE(FailsWith(with_path(kMkdir, "x/y"), kENOENT));
  EXPECT_TRUE(FailsWith(with_path(kMkdir, "data/y"), kENOTDIR));
}

TEST_F(PosixPath, RmdirRemovesEmptyDirectoriesOnly) {
  make_file("data", "x");
  TempTree::make_dir(in_root("a"));
  TempTree::make_dir(in_root("full"));
  make_file("full/f", "x");
  const Completion c = with_path(kRmdir, "a");
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(2));
  EXPECT_FALSE(TempTree::exists(in_root("a")));
  EXPECT_TRUE(FailsWith(with_path(kRmdir, "a"), kENOENT));
  EXPECT_TRUE(FailsWith(with_path(kRmdir, "full"), kENOTEMPTY));
  EXPECT_TRUE(FailsWith(with_path(kRmdir, "data"), kENOTDIR));
  EXPECT_TRUE(TempTree::exists(in_root("full/f")));
}

TEST_F(PosixPath, UnlinkRemovesFilesNotDirectories) {
  make_file("data", "x");
  TempTree::make_dir(in_root("a"));
  const Completion c = with_path(kUnlink, "data");
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(5));
  EXPECT_FALSE(TempTree::exists(in_root("data")));
  EXPECT_TRUE(FailsWith(with_path(kUnlink, "data"), kENOENT));
  EXPECT_TRUE(FailsWith(with_path(kUnlink, "a"), kEISDIR));
  EXPECT_TRUE(TempTree::exists(in_root("a")));
}

// Linux answers ENOTDIR for a trailing slash on a link or a file; UNLINK
// used to remove the link itself.
TEST_F(PosixPath, TrailingSlashOnALinkOrFileIsEnotdir) {
  make_file("data", "x");
  TempTree::make_dir(in_root("dir"));
  TempTree::make_link("dir", in_root("to_dir"));
  TempTree::make_link("data", in_root("to_data"));
  TempTree::make_link("nowhere", in_root("dangling"));
  for (const char* p : {"to_dir/", "to_data/", "dangling/", "data/"}) {
    EXPECT_TRUE(FailsWith(with_path(kUnlink, p), kENOTDIR)) << p;
    EXPECT_TRUE(FailsWith(with_path(kRmdir, p), kENOTDIR)) << p;
    put(kPathAt, std::string(p) + '\0' + "moved" + '\0');
    EXPECT_TRUE(FailsWith(run(kRename, static_cast<std::uint32_t>(std::strlen(p) + 1),
                              static_cast<std::uint32_t>(std::strlen(p) + 7), kPathAt),
                          kENOTDIR))
        << p;
  }
  for (const char* l : {"to_dir", "to_data", "dangling"}) EXPECT_TRUE(TempTree::is_link(in_root(l))) << l;
  EXPECT_TRUE(TempTree::exists(in_root("data")));
  EXPECT_FALSE(TempTree::exists(in_root("moved")));
  // A directory keeps its own answers: UNLINK is EISDIR, RMDIR removes it.
  EXPECT_TRUE(FailsWith(with_path(kUnlink, "dir/"), kEISDIR));
  EXPECT_TRUE(Answers(with_path(kRmdir, "dir/"), 0, 0));
  EXPECT_FALSE(TempTree::exists(in_root("dir")));
}

TEST_F(PosixPath, AccessChecksExistenceAndPermission) {
  make_file("data", "x");
  ASSERT_EQ(::chmod(in_root("data").c_str(), 0644), 0);
  TempTree::make_link("data", in_root("ln"));
  TempTree::make_link("missing", in_root("dangling"));
  const Completion c = with_path(kAccess, "data", 0);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(5));
  EXPECT_TRUE(Answers(with_path(kAccess, "data", 4 | 2), 0, 0));
  EXPECT_TRUE(Answers(with_path(kAccess, "ln", 4), 0, 0));
  // Nobody, not even root, may execute a file without an x bit.
  EXPECT_TRUE(FailsWith(with_path(kAccess, "data", 1), kEACCES));
  EXPECT_TRUE(FailsWith(with_path(kAccess, "missing", 0), kENOENT));
  EXPECT_TRUE(FailsWith(with_path(kAccess, "dangling", 0), kENOENT));
}

TEST_F(PosixPath, RenameTakesTheOldNameLengthInStatus) {
  make_file("data", "content");
  put(kPathAt, std::string("data\0moved\0", 11));
  Completion c = run(kRename, 5, 11, kPathAt);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(11));
  EXPECT_FALSE(TempTree::exists(in_root("data")));
  EXPECT_EQ(file("moved"), "content");
  // The new name needs no NUL.
  TempTree::make_dir(in_root("d"));
  put(kPathAt, std::string("moved\0d/againXYZ", 16));
  EXPECT_TRUE(Answers(run(kRename, 6, 13, kPathAt), 0, 0));
  EXPECT_EQ(file("d/again"), "content");
}

TEST_F(PosixPath, RenameErrors) {
  make_file("data", "content");
  put(kPathAt, std::string("data\0moved\0", 11));
  EXPECT_TRUE(FailsWith(run(kRename, 0, 11, kPathAt), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kRename, 11, 11, kPathAt), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kRename, 12, 11, kPathAt), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kRename, 0, 0, kPathAt), kEINVAL));
  put(kPathAt, std::string("\0moved\0", 7));
  EXPECT_TRUE(FailsWith(run(kRename, 1, 7, kPathAt), kENOENT));
  put(kPathAt, std::string("data\0\0", 6));
  EXPECT_TRUE(FailsWith(run(kRename, 5, 6, kPathAt), kENOENT));
  put(kPathAt, std::string("nope\0moved\0", 11));
  EXPECT_TRUE(FailsWith(run(kRename, 5, 11, kPathAt), kENOENT));
  put(kPathAt, std::string("data\0no/x\0", 10));
  EXPECT_TRUE(FailsWith(run(kRename, 5, 10, kPathAt), kENOENT));
  EXPECT_EQ(file("data"), "content");
}

TEST_F(PosixPath, ChdirMovesOnlyTheGuestAndGetcwdReportsIt) {
  char process_cwd[4096];
  ASSERT_NE(::getcwd(process_cwd, sizeof process_cwd), nullptr);
  make_file("data", "top");
  TempTree::make_dir(in_root("sub"));
  const std::string root = tree_.root();

  fill(0x700, 4096);
  Completion c = run(kGetcwd, 0, 4096, 0x700);
  const auto root_size = static_cast<std::uint32_t>(root.size() + 1);
  EXPECT_TRUE(Answers(c, root_size, root_size));
  EXPECT_EQ(c.latency_cycles, file_cycles(root_size));
  EXPECT_EQ(get(0x700, root_size), root + std::string(1, '\0'));
  EXPECT_EQ(bytes_[0x700 + root_size], kFill);

  c = with_path(kChdir, "sub");
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(4));
  const std::string sub = root + "/sub";
  const auto sub_size = static_cast<std::uint32_t>(sub.size() + 1);
  EXPECT_TRUE(Answers(run(kGetcwd, 0, 4096, 0x700), sub_size, sub_size));
  EXPECT_EQ(get(0x700, sub_size), sub + std::string(1, '\0'));

  const std::uint32_t fd = open_fd("f", 0x02 | 0x08);
  EXPECT_TRUE(Answers(write_fd(fd, "in sub"), 6, 6));
  EXPECT_EQ(file("sub/f"), "in sub");
  EXPECT_EQ(read_fd(open_fd("../data", 0x01), 10), "top");

  char now[4096];
  ASSERT_NE(::getcwd(now, sizeof now), nullptr);
  EXPECT_STREQ(now, process_cwd);

  EXPECT_TRUE(Answers(with_path(kChdir, ".."), 0, 0));
  EXPECT_TRUE(Answers(run(kGetcwd, 0, 4096, 0x700), root_size, root_size));
  EXPECT_TRUE(Answers(with_path(kChdir, sub), 0, 0));
  EXPECT_TRUE(Answers(run(kGetcwd, 0, 4096, 0x700), sub_size, sub_size));
}

TEST_F(PosixPath, ChdirErrorsLeaveTheCwdAlone) {
  make_file("data", "x");
  TempTree::make_dir(in_root("sub"));
  EXPECT_TRUE(FailsWith(with_path(kChdir, "data"), kENOTDIR));
  EXPECT_TRUE(FailsWith(with_path(kChdir, "missing"), kENOENT));
  EXPECT_TRUE(FailsWith(with_path(kChdir, ""), kENOENT));
  EXPECT_TRUE(FailsWith(run(kChdir, 0, 0, kPathAt), kEINVAL));
  const auto size = static_cast<std::uint32_t>(tree_.root().size() + 1);
  EXPECT_TRUE(Answers(run(kGetcwd, 0, 4096, 0x700), size, size));
}

TEST_F(PosixPath, GetcwdNeedsRoomForTheNul) {
  const auto size = static_cast<std::uint32_t>(tree_.root().size() + 1);
  fill(0x700, size + 1);
  EXPECT_TRUE(FailsWith(run(kGetcwd, 0, size - 1, 0x700), kERANGE));
  EXPECT_TRUE(FailsWith(run(kGetcwd, 0, 1, 0x700), kERANGE));
  EXPECT_TRUE(FailsWith(run(kGetcwd, 0, 0, 0x700), kEINVAL));
  EXPECT_EQ(bytes_[0x700], kFill);
  EXPECT_TRUE(Answers(run(kGetcwd, 0, size, 0x700), size, size));
  EXPECT_EQ(bytes_[0x700 + size], kFill);
}

TEST_F(PosixPath, PathOfLengthZeroIsEinvalAndEmptyPathEnoent) {
  for (std::uint32_t op : {kOpen, kUnlink, kMkdir, kRmdir, kLstat, kAccess, kChdir, kOpendir}) {
    SCOPED_TRACE(opcode_name(op));
    EXPECT_TRUE(FailsWith(run(op, 0, 0, kPathAt), kEINVAL));
    EXPECT_TRUE(FailsWith(with_path(op, ""), kENOENT));
  }
  EXPECT_TRUE(FailsWith(run(kStat, kStatusErr, 0, kRecordAt), kEINVAL));
  EXPECT_TRUE(FailsWith(with_path(kStat, "", kStatusErr), kENOENT));
}

// ---- directories

TEST_F(PosixDir, ReaddirWalksAllEntriesWith272ByteRecords) {
  TempTree::make_dir(in_root("d"));
  TempTree::write_file(in_root("d/f1"), "abc");
  TempTree::make_dir(in_root("d/sub"));
  TempTree::make_link("f1", in_root("d/ln"));
  const std::string long_name(255, 'n');
  TempTree::write_file(in_root("d/" + long_name), "");

  Completion c = with_path(kOpendir, "d");
  EXPECT_TRUE(Answers(c, 3, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(2));

  std::map<std::string, std::pair<std::uint64_t, std::uint32_t>> seen;
  for (int i = 0; i < 10; ++i) {
    fill(kRecordAt, kDirentRecordSize + 1);
    c = run(kReaddir, 3, 0, kRecordAt);
    if (c.status == kStatusEndOfDir) break;
    ASSERT_TRUE(Answers(c, 0, kDirentRecordSize));
    EXPECT_EQ(c.latency_cycles, file_cycles(kDirentRecordSize));
    const std::uint32_t len = u32(kRecordAt + 12);
    ASSERT_LE(len, 255u);
    const std::string name = get(kRecordAt + 16, len);
    EXPECT_EQ(name.find('\0'), std::string::npos);
    for (std::uint32_t k = 16 + len; k < kDirentRecordSize; ++k)
      ASSERT_EQ(bytes_[kRecordAt + k], 0) << "byte " << k << " of the record for " << name;
    EXPECT_EQ(bytes_[kRecordAt + kDirentRecordSize], kFill) << "written past the 272-byte record";
    seen[name] = {u64(kRecordAt), u32(kRecordAt + 8)};
  }
  EXPECT_TRUE(Answers(c, kStatusEndOfDir, 0));
  EXPECT_TRUE(Answers(run(kReaddir, 3, 0, kRecordAt), kStatusEndOfDir, 0));

  const std::set<std::string> want = {".", "..", "f1", "sub", "ln", long_name};
  std::set<std::string> names;
  for (const auto& [name, info] : seen) names.insert(name);
  EXPECT_EQ(names, want);
  EXPECT_EQ(seen["f1"].first, static_cast<std::uint64_t>(host_lstat(in_root("d/f1")).st_ino));
  EXPECT_EQ(seen["f1"].second, static_cast<std::uint32_t>(DT_REG));
  EXPECT_EQ(seen["sub"].second, static_cast<std::uint32_t>(DT_DIR));
  EXPECT_EQ(seen["ln"].second, static_cast<std::uint32_t>(DT_LNK));
  EXPECT_EQ(seen["."].first, static_cast<std::uint64_t>(host_lstat(in_root("d")).st_ino));

  c = run(kRewinddir, 3, 0, 0);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(0));
  EXPECT_TRUE(Answers(run(kReaddir, 3, 0, kRecordAt), 0, kDirentRecordSize));

  c = run(kClosedir, 3, 0, 0);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, file_cycles(0));
  EXPECT_TRUE(FailsWith(run(kReaddir, 3, 0, kRecordAt), kEBADF));
  EXPECT_TRUE(FailsWith(run(kClosedir, 3, 0, 0), kEBADF));
  EXPECT_TRUE(Answers(with_path(kOpendir, "d"), 3, 0));
}

TEST_F(PosixDir, OpendirFollowsLinksAndFailsOnNonDirectories) {
  TempTree::make_dir(in_root("d"));
  make_file("f", "x");
  TempTree::make_link("d", in_root("dl"));
  EXPECT_TRUE(Answers(with_path(kOpendir, "."), 3, 0));
  EXPECT_TRUE(Answers(with_path(kOpendir, "dl"), 4, 0));
  EXPECT_TRUE(FailsWith(with_path(kOpendir, "f"), kENOTDIR));
  EXPECT_TRUE(FailsWith(with_path(kOpendir, "missing"), kENOENT));
  EXPECT_TRUE(FailsWith(with_path(kOpendir, "f/x"), kENOTDIR));
  EXPECT_TRUE(Answers(with_path(kOpendir, "d"), 5, 0));
}

// ---- time

TEST_F(PosixTime, GettimeIsTheEpochPlusSimulatedTime) {
  fill(0x3000, 16, 0xFF);
  HostTime now;
  now.sim_ps = 2'500'000'000'999;  // 2.5 s and 999 ps, below the nanosecond
  Completion c = run(kGettime, 0, 16, 0x3000, now);
  EXPECT_TRUE(Answers(c, 0, kTimeRecordSize));
  EXPECT_EQ(c.latency_cycles, kTimeCycles);
  EXPECT_EQ(u32(0x3000), 1'700'000'002u);
  EXPECT_EQ(u32(0x3004), 0u);
  EXPECT_EQ(u32(0x3008), 623'456'789u);
  EXPECT_EQ(u32(0x300C), 0u);

  fill(0x3000, 32, 0xFF);
  EXPECT_TRUE(Answers(run(kGettime, 0, 32, 0x3000), 0, kTimeRecordSize));
  EXPECT_EQ(u32(0x3000), 1'700'000'000u);
  EXPECT_EQ(u32(0x3008), 123'456'789u);
  EXPECT_EQ(u32(0x3010), 0xFFFFFFFFu);
}

TEST_F(PosixTime, GettimeSecondsUseTheHighWord) {
  HostConfig cfg = config();
  cfg.epoch_ns = 5'000'000'000'000'000'007;
  start(cfg);
  EXPECT_TRUE(Answers(run(kGettime, 0, 16, 0x3000), 0, kTimeRecordSize));
  EXPECT_EQ(u32(0x3000), 705'032'704u);
  EXPECT_EQ(u32(0x3004), 1u);
  EXPECT_EQ(u32(0x3008), 7u);
}

TEST_F(PosixTime, EpochDefaultsToHostTimeAtStart) {
  HostConfig cfg = config();
  cfg.epoch_ns.reset();
  const std::int64_t before = realtime_ns();
  start(cfg);
  const std::int64_t after = realtime_ns();
  auto read_time = [&](std::uint64_t sim_ps) {
    HostTime now;
    now.sim_ps = sim_ps;
    EXPECT_TRUE(Answers(run(kGettime, 0, 16, 0x3000, now), 0, kTimeRecordSize));
    return static_cast<std::int64_t>(u64(0x3000)) * 1'000'000'000 + u32(0x3008);
  };
  const std::int64_t t0 = read_time(0);
  EXPECT_GE(t0, before);
  EXPECT_LE(t0, after);
  EXPECT_EQ(read_time(3'000'000'000'000), t0 + 3'000'000'000);
}

TEST_F(PosixTime, HostClockIgnoresSimulatedTime) {
  HostConfig cfg = config();
  cfg.host_clock = true;
  start(cfg);
  HostTime now;
  now.sim_ps = 1'000'000'000'000'000;  // 1000 s: would be far off the host clock
  const std::int64_t before = realtime_ns();
  EXPECT_TRUE(Answers(run(kGettime, 0, 16, 0x3000, now), 0, kTimeRecordSize));
  const std::int64_t after = realtime_ns();
  const std::int64_t t = static_cast<std::int64_t>(u64(0x3000)) * 1'000'000'000 + u32(0x3008);
  EXPECT_GE(t, before);
  EXPECT_LE(t, after);
}

TEST_F(PosixTime, RecordsNeedSixteenBytes) {
  for (std::uint32_t op : {kGettime, kSleep, kGettz}) {
    SCOPED_TRACE(opcode_name(op));
    fill(0x3000, 16);
    EXPECT_TRUE(FailsWith(run(op, 0, 15, 0x3000), kEINVAL));
    EXPECT_TRUE(FailsWith(run(op, 0, 0, 0x3000), kEINVAL));
    EXPECT_EQ(bytes_[0x3000], kFill);
  }
}

TEST_F(PosixTime, SleepOnlyAddsLatencyAndZeroesTheRecord) {
  put_u32(0x3000, 1);
  put_u32(0x3004, 0);
  put_u32(0x3008, 500'000'000);
  put_u32(0x300C, 0x12345678);
  HostTime now;
  now.cycle_ps = 10'000;
  const auto wall = std::chrono::steady_clock::now();
  Completion c = run(kSleep, 0, 16, 0x3000, now);
  EXPECT_LT(std::chrono::steady_clock::now() - wall, std::chrono::milliseconds(500));
  EXPECT_TRUE(Answers(c, 0, kTimeRecordSize));
  EXPECT_EQ(c.latency_cycles, 150'000'000u + kTimeCycles);
  EXPECT_EQ(get(0x3000, 16), std::string(16, '\0'));

  // A part-cycle rounds up: the guest never wakes early.
  put_u32(0x3008, 1);
  EXPECT_EQ(run(kSleep, 0, 16, 0x3000, now).latency_cycles, 1u + kTimeCycles);
  fill(0x3000, 16, 0);
  EXPECT_EQ(run(kSleep, 0, 16, 0x3000, now).latency_cycles, kTimeCycles);
  // Long sleeps work in whole seconds too (here one cycle per second):
  // 100 days.
  put_u32(0x3000, 8'640'000);
  now.cycle_ps = 1'000'000'000'000;
  c = run(kSleep, 0, 16, 0x3000, now);
  EXPECT_TRUE(Answers(c, 0, kTimeRecordSize));
  EXPECT_EQ(c.latency_cycles, 8'640'000u + kTimeCycles);
}

// Simulated time is 64-bit picoseconds: a wake-up past 2^63 ps used to
// wrap in the device (a 213-day SLEEP returned after 16 us). It is refused.
TEST_F(PosixTime, SleepPastTheClockRangeIsEinvalNeverWrapped) {
  HostTime now;
  now.cycle_ps = 10'000;
  const auto sleep_for = [&](std::uint64_t secs, std::uint32_t nsec) {
    put_u32(0x3000, static_cast<std::uint32_t>(secs));
    put_u32(0x3004, static_cast<std::uint32_t>(secs >> 32));
    put_u32(0x3008, nsec);
    put_u32(0x300C, 0);
    return run(kSleep, 0, 16, 0x3000, now);
  };
  EXPECT_TRUE(FailsWith(sleep_for(213ull * 86'400, 0), kEINVAL));
  EXPECT_TRUE(FailsWith(sleep_for(1'000'000'000, 0), kEINVAL));
  EXPECT_EQ(u32(0x3000), 1'000'000'000u);  // the record is left as it was
  // 2^63 ps = 9,223,372.036854775808 s: the last nanosecond before it fits.
  Completion c = sleep_for(9'223'372, 36'854'775);
  EXPECT_TRUE(Answers(c, 0, kTimeRecordSize));
  EXPECT_EQ(c.latency_cycles, 922'337'203'685'478ull + kTimeCycles);
  EXPECT_TRUE(FailsWith(sleep_for(9'223'372, 36'854'776), kEINVAL));
  // The limit is on the wake-up instant, so it counts the time already gone.
  now.sim_ps = std::uint64_t{1} << 62;
  EXPECT_TRUE(FailsWith(sleep_for(5'000'000, 0), kEINVAL));
  EXPECT_TRUE(Answers(sleep_for(4'000'000, 0), 0, kTimeRecordSize));
}

TEST_F(PosixTime, SleepRejectsBadDurations) {
  put_u32(0x3000, 0);
  put_u32(0x3004, 0);
  put_u32(0x3008, 1'000'000'000);
  EXPECT_TRUE(FailsWith(run(kSleep, 0, 16, 0x3000), kEINVAL));
  EXPECT_EQ(u32(0x3008), 1'000'000'000u);
  // The seconds are a u64, so the high word is read: 2^32 s is too long.
  put_u32(0x3004, 1);
  put_u32(0x3008, 0);
  EXPECT_TRUE(FailsWith(run(kSleep, 0, 16, 0x3000), kEINVAL));
}

TEST_F(PosixTime, GettzInUtc) {
  ScopedTz tz("UTC");
  fill(0x3000, 17);
  put_u32(0x3000, 1'719'792'000);  // 2024-07-01 00:00 UTC
  put_u32(0x3004, 0);
  put_u32(0x3008, 0);
  put_u32(0x300C, 0);
  const Completion c = run(kGettz, 0, 16, 0x3000);
  EXPECT_TRUE(Answers(c, 0, 16));
  EXPECT_EQ(c.latency_cycles, kTimeCycles);
  EXPECT_EQ(u32(0x3000), 0u);
  EXPECT_EQ(u32(0x3004), 0u);
  EXPECT_EQ(get(0x3008, 8), std::string("UTC\0\0\0\0\0", 8));
  EXPECT_EQ(bytes_[0x3010], kFill);
}

TEST_F(PosixTime, GettzFollowsTheHostZoneAndItsDaylightSaving) {
  // A POSIX rule string needs no zoneinfo files on the host.
  ScopedTz tz("EST5EDT,M3.2.0,M11.1.0");
  put_u32(0x3000, 1'719'792'000);  // 2024-07-01 00:00 UTC: summer
  put_u32(0x3004, 0);
  EXPECT_TRUE(Answers(run(kGettz, 0, 16, 0x3000), 0, 16));
  EXPECT_EQ(static_cast<std::int32_t>(u32(0x3000)), -4 * 3600);
  EXPECT_EQ(u32(0x3004), 1u);
  EXPECT_EQ(get(0x3008, 8), std::string("EDT\0\0\0\0\0", 8));

  put_u32(0x3000, 1'705'276'800);  // 2024-01-15 00:00 UTC: winter
  put_u32(0x3004, 0);
  EXPECT_TRUE(Answers(run(kGettz, 0, 16, 0x3000), 0, 16));
  EXPECT_EQ(static_cast<std::int32_t>(u32(0x3000)), -5 * 3600);
  EXPECT_EQ(u32(0x3004), 0u);
  EXPECT_EQ(get(0x3008, 8), std::string("EST\0\0\0\0\0", 8));
}

// ---- arguments and environment

TEST_F(PosixEnv, ArgsInfoCountsTheArgumentsAndTheirBytes) {
  fill(0x40, 16, 0xFF);
  const Completion c = run(kArgsInfo, 0, 16, 0x40);
  EXPECT_TRUE(Answers(c, 0, kInfoRecordSize));
  EXPECT_EQ(c.latency_cycles, env_cycles(16));
  EXPECT_EQ(u32(0x40), 3u);
  EXPECT_EQ(u32(0x44), 17u);  // "prog.s32x\0-v\0a b\0"
  EXPECT_EQ(u32(0x48), 0u);
  EXPECT_EQ(u32(0x4C), 0u);
  EXPECT_TRUE(FailsWith(run(kArgsInfo, 0, 15, 0x40), kEINVAL));
}

TEST_F(PosixEnv, ArgsDataCopiesFromTheSourceOffsetInChunks) {
  const std::string blob("prog.s32x\0-v\0a b\0", 17);
  fill(0x300, 65);
  Completion c = run(kArgsData, 0, 64, 0x300);
  EXPECT_TRUE(Answers(c, 0, 17));
  EXPECT_EQ(c.latency_cycles, env_cycles(17));
  EXPECT_EQ(get(0x300, 17), blob);
  EXPECT_EQ(bytes_[0x300 + 17], kFill);

  std::string chunks;
  for (std::uint32_t from = 0; from < 17; from += 5) {
    fill(0x400, 6);
    c = run(kArgsData, from, 5, 0x400);
    const std::uint32_t n = std::min<std::uint32_t>(5, 17 - from);
    EXPECT_TRUE(Answers(c, 0, n)) << "from " << from;
    EXPECT_EQ(c.latency_cycles, env_cycles(n));
    EXPECT_EQ(bytes_[0x400 + n], kFill);
    chunks += get(0x400, n);
  }
  EXPECT_EQ(chunks, blob);

  EXPECT_TRUE(Answers(run(kArgsData, 17, 5, 0x400), 0, 0));
  EXPECT_TRUE(FailsWith(run(kArgsData, 18, 5, 0x400), kEINVAL));
  EXPECT_TRUE(Answers(run(kArgsData, 0, 0, 0x400), 0, 0));
}

TEST_F(PosixEnv, EnvpInfoAndDataDescribeTheConfiguredEnvironment) {
  const std::string blob("HOME=/guest\0LANG=C\0EMPTY=\0", 26);
  Completion c = run(kEnvpInfo, 0, 16, 0x40);
  EXPECT_TRUE(Answers(c, 0, kInfoRecordSize));
  EXPECT_EQ(c.latency_cycles, env_cycles(16));
  EXPECT_EQ(u32(0x40), 3u);
  EXPECT_EQ(u32(0x44), 26u);
  c = run(kEnvpData, 0, 100, 0x300);
  EXPECT_TRUE(Answers(c, 0, 26));
  EXPECT_EQ(c.latency_cycles, env_cycles(26));
  EXPECT_EQ(get(0x300, 26), blob);
  EXPECT_TRUE(Answers(run(kEnvpData, 12, 6, 0x300), 0, 6));
  EXPECT_EQ(get(0x300, 6), "LANG=C");
  EXPECT_TRUE(FailsWith(run(kEnvpData, 27, 1, 0x300), kEINVAL));
}

TEST_F(PosixEnv, EmptyArgvAndEnvironment) {
  HostConfig cfg = config();
  cfg.argv.clear();
  cfg.env.clear();
  start(cfg);
  for (std::uint32_t op : {kArgsInfo, kEnvpInfo}) {
    fill(0x40, 16, 0xFF);
    EXPECT_TRUE(Answers(run(op, 0, 16, 0x40), 0, 16));
    EXPECT_EQ(get(0x40, 16), std::string(16, '\0'));
  }
  EXPECT_TRUE(Answers(run(kArgsData, 0, 16, 0x40), 0, 0));
  EXPECT_TRUE(Answers(run(kEnvpData, 0, 16, 0x40), 0, 0));
}

TEST_F(PosixEnv, GetenvSeesOnlyTheConfiguredEnvironment) {
  fill(0x500, 16);
  put(0x500, std::string("LANG\0", 5));
  Completion c = run(kGetenv, 0, 5, 0x500);
  EXPECT_TRUE(Answers(c, 1, 1));
  EXPECT_EQ(c.latency_cycles, env_cycles(5 + 1));
  EXPECT_EQ(get(0x500, 5), std::string("CANG\0", 5));

  // No NUL needed after the name.
  put(0x500, "HOMEXX");
  c = run(kGetenv, 0, 4, 0x500);
  EXPECT_TRUE(Answers(c, 6, 6));
  EXPECT_EQ(c.latency_cycles, env_cycles(4 + 6));
  EXPECT_EQ(get(0x500, 6), "/guest");

  put(0x500, std::string("EMPTY\0", 6));
  EXPECT_TRUE(Answers(run(kGetenv, 0, 6, 0x500), 0, 0));

  ASSERT_NE(std::getenv("PATH"), nullptr) << "the host environment should have PATH for this test";
  EXPECT_TRUE(FailsWith(with_path(kGetenv, "PATH"), kEINVAL));
}

TEST_F(PosixEnv, GetenvErrors) {
  EXPECT_TRUE(FailsWith(with_path(kGetenv, "UNSET"), kEINVAL));
  EXPECT_TRUE(FailsWith(with_path(kGetenv, "HOM"), kEINVAL));
  EXPECT_TRUE(FailsWith(with_path(kGetenv, "HOME="), kEINVAL));
  EXPECT_TRUE(FailsWith(with_path(kGetenv, "LANG=C"), kEINVAL));
  EXPECT_TRUE(FailsWith(with_path(kGetenv, ""), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kGetenv, 0, 0, kPathAt), kEINVAL));
  // A value with no room left in the buffer after the name's offset.
  put(kDataBufferSize - 4, "HOME");
  EXPECT_TRUE(FailsWith(run(kGetenv, 0, 4, kDataBufferSize - 4), kERANGE));
  EXPECT_EQ(get(kDataBufferSize - 4, 4), "HOME");
}

// ---- control and services

TEST_F(PosixControl, NopAnswersZero) {
  const Completion c = run(kNop, 123, 456, 789);
  EXPECT_TRUE(Answers(c, 0, 0));
  EXPECT_EQ(c.latency_cycles, kControlCycles);
}

TEST_F(PosixControl, ExitStopsWithTheExitCode) {
  for (std::uint32_t code : {0u, 3u, 263u, 0xFFFFFFFFu}) {
    const Completion c = run(kExit, code, 0, 0);
    EXPECT_TRUE(c.exit);
    EXPECT_EQ(c.status, code);
    EXPECT_EQ(c.length, 0u);
    EXPECT_EQ(c.latency_cycles, kControlCycles);
  }
}

TEST_F(PosixControl, UnknownOpcodesAreEnosys) {
  // 0x80-0xEF belong to negotiated services (services_test.cpp).
  for (std::uint32_t op : {0x08u, 0x0Eu, 0x0Fu, 0x2Cu, 0x32u, 0x34u, 0x65u, 0x7Fu, 0xF5u,
                           0x100u, 0xFFFFFFFFu}) {
    SCOPED_TRACE(op);
    const Completion c = run(op, 1, 4, 0);
    EXPECT_TRUE(FailsWith(c, kENOSYS));
    EXPECT_EQ(c.latency_cycles, kControlCycles);
  }
  EXPECT_EQ(out(), "");
}

// ---- the data-buffer bounds

TEST_F(PosixProtocol, PayloadOutsideTheBufferIsEinvalWithAWarningAndCostsOnlyTheFixedPart) {
  make_file("data", "0123456789");
  ASSERT_EQ(open_fd("data", 0x03), 3u);
  ASSERT_TRUE(Answers(with_path(kOpendir, "."), 4, 0));
  feed_stdin("q");
  constexpr std::uint32_t kEnd = kDataBufferSize;
  struct Case {
    const char* what;
    std::uint32_t opcode, status, length, offset;
    std::uint64_t cycles;
  };
  const Case cases[] = {
      {"PUTCHAR just past the end", kPutchar, 0, 0, kEnd, console_cycles(0)},
      {"PUTCHAR far out", kPutchar, 0, 0, 0xFFFFFFFF, console_cycles(0)},
      {"GETCHAR just past the end", kGetchar, 0, 0, kEnd, console_cycles(0)},
      {"WRITE stdout across the end", kWrite, 1, 8, kEnd - 4, console_cycles(0)},
      {"WRITE stdout of 4 GiB", kWrite, 1, 0xFFFFFFFF, 0, console_cycles(0)},
      {"WRITE stderr with a wrapping range", kWrite, 2, 0x20, 0xFFFFFFF0, console_cycles(0)},
      {"WRITE file across the end", kWrite, 3, 2, kEnd - 1, file_cycles(0)},
      {"READ stdin across the end", kRead, 0, 8, kEnd - 4, console_cycles(0)},
      {"READ file longer than the buffer", kRead, 3, kEnd + 1, 0, file_cycles(0)},
      {"OPEN path across the end", kOpen, 0x0A, 10, kEnd - 5, file_cycles(0)},
      {"STAT fd record across the end", kStat, 3, 0, kEnd - 111, file_cycles(0)},
      {"STAT path record across the end", kStat, kStatusErr, 5, kEnd - 100, file_cycles(0)},
      {"LSTAT record across the end", kLstat, 0, 5, kEnd - 100, file_cycles(0)},
      {"SEEK payload across the end", kSeek, 3, 8, kEnd - 4, file_cycles(0)},
      {"FTRUNCATE size across the end", kFtruncate, 3, 4, kEnd - 3, file_cycles(0)},
      {"UNLINK", kUnlink, 0, 0x100, kEnd - 0x80, file_cycles(0)},
      {"MKDIR", kMkdir, 0, 0x100, kEnd - 0x80, file_cycles(0)},
      {"RMDIR", kRmdir, 0, 0x100, kEnd - 0x80, file_cycles(0)},
      {"ACCESS", kAccess, 0, 0x100, kEnd - 0x80, file_cycles(0)},
      {"CHDIR", kChdir, 0, 0x100, kEnd - 0x80, file_cycles(0)},
      {"OPENDIR", kOpendir, 0, 0x100, kEnd - 0x80, file_cycles(0)},
      {"RENAME", kRename, 5, 10, kEnd - 5, file_cycles(0)},
      {"GETCWD", kGetcwd, 0, 4096, kEnd - 1, file_cycles(0)},
      {"READDIR record across the end", kReaddir, 4, 0, kEnd - 271, file_cycles(0)},
      {"GETTIME", kGettime, 0, 16, kEnd - 15, kTimeCycles},
      {"SLEEP", kSleep, 0, 16, kEnd - 15, kTimeCycles},
      {"GETTZ", kGettz, 0, 16, kEnd - 15, kTimeCycles},
      {"ARGS_INFO", kArgsInfo, 0, 16, kEnd - 8, env_cycles(0)},
      {"ENVP_INFO", kEnvpInfo, 0, 16, kEnd - 8, env_cycles(0)},
      {"ARGS_DATA", kArgsData, 0, 64, kEnd - 32, env_cycles(0)},
      {"ENVP_DATA", kEnvpData, 0, 64, kEnd - 32, env_cycles(0)},
      {"GETENV", kGetenv, 0, 10, kEnd - 5, env_cycles(0)},
      {"GETENV of 4 GiB", kGetenv, 0, 0xFFFFFFFF, 1, env_cycles(0)},
      {"SVC_REQUEST", kSvcRequest, 0, 5, kEnd - 4, kControlCycles},
      {"SVC_REQUEST with no room for the answer", kSvcRequest, 0, 2, kEnd - 3, kControlCycles},
      {"SVC_QUERY", kSvcQuery, 0, 5, kEnd - 4, kControlCycles},
      {"SVC_RELEASE", kSvcRelease, 0, 5, kEnd - 4, kControlCycles},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.what);
    const Completion c = run(k.opcode, k.status, k.length, k.offset);
    EXPECT_TRUE(RefusedOutOfBuffer(c));
    EXPECT_EQ(c.latency_cycles, k.cycles);
  }
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(), "");
  EXPECT_TRUE(Answers(run(kGetchar, 0, 0, 0), 0, 1)) << "stdin was consumed by a refused request";
  EXPECT_EQ(bytes_[0], 'q');
  EXPECT_EQ(file("data"), "0123456789");
  EXPECT_EQ(position(3), 0u);
  std::set<std::string> entries;
  for (const auto& e : std::filesystem::directory_iterator(tree_.root())) entries.insert(e.path().filename());
  EXPECT_EQ(entries, std::set<std::string>{"data"});
  const auto size = static_cast<std::uint32_t>(tree_.root().size() + 1);
  EXPECT_TRUE(Answers(run(kGetcwd, 0, 4096, 0), size, size));
}

// ---- latency model

TEST(PosixLatencyModel, DefaultsPerServiceClass) {
  const LatencyModel m;
  EXPECT_EQ(m.cycles(ServiceClass::Console, 10), 420u);
  EXPECT_EQ(m.cycles(ServiceClass::File, 10), 2010u);
  EXPECT_EQ(m.cycles(ServiceClass::Time, 10), 200u);
  EXPECT_EQ(m.cycles(ServiceClass::Env, 10), 210u);
  EXPECT_EQ(m.cycles(ServiceClass::Control, 10), 50u);
  const LatencyModel zero = LatencyModel::zero();
  for (unsigned i = 0; i < kNumServiceClasses; ++i) EXPECT_EQ(zero.cycles(static_cast<ServiceClass>(i), 1000), 0u);
}

TEST(PosixLatencyModel, SetParsesFixedAndPerByteCosts) {
  LatencyModel m;
  EXPECT_EQ(m.set("console", "2000+1"), "");
  EXPECT_EQ(m.cycles(ServiceClass::Console, 5), 2005u);
  EXPECT_EQ(m.set("file", "7"), "");
  EXPECT_EQ(m.cycles(ServiceClass::File, 100), 7u);
  EXPECT_EQ(m.set("time", "0+0"), "");
  EXPECT_EQ(m.cycles(ServiceClass::Time, 100), 0u);
  EXPECT_EQ(m.set("env", "18446744073709551615"), "");
  EXPECT_EQ(m.cycles(ServiceClass::Env, 0), 18446744073709551615u);
  EXPECT_EQ(m.set("control", "1+3"), "");
  EXPECT_EQ(m.cycles(ServiceClass::Control, 2), 7u);
  EXPECT_EQ(m.cycles(ServiceClass::Console, 5), 2005u);
}

TEST(PosixLatencyModel, SetRejectsBadValuesAndClassesAndKeepsTheOldCost) {
  for (const char* v : {"", "abc", "1+", "+1", "1+2+3", "-1", " 1", "1 ", "1+-2", "0x10", "18446744073709551616"}) {
    SCOPED_TRACE(v);
    LatencyModel m;
    const std::string e = m.set("file", v);
    EXPECT_NE(e.find("bad latency"), std::string::npos) << e;
    EXPECT_EQ(m.cycles(ServiceClass::File, 10), 2010u);
  }
  for (const char* cls : {"", "disk", "Console", "console "}) {
    SCOPED_TRACE(cls);
    LatencyModel m;
    const std::string e = m.set(cls, "1+1");
    EXPECT_NE(e.find("unknown service class"), std::string::npos) << e;
    EXPECT_EQ(m.cycles(ServiceClass::Console, 10), 420u);
  }
}

TEST(PosixLatencyModel, ClassNames) {
  EXPECT_STREQ(service_class_name(ServiceClass::Console), "console");
  EXPECT_STREQ(service_class_name(ServiceClass::File), "file");
  EXPECT_STREQ(service_class_name(ServiceClass::Time), "time");
  EXPECT_STREQ(service_class_name(ServiceClass::Env), "env");
  EXPECT_STREQ(service_class_name(ServiceClass::Control), "control");
}

TEST_F(PosixLatency, TheConfiguredModelIsCharged) {
  HostConfig cfg = config();
  ASSERT_EQ(cfg.latency.set("console", "2000+1"), "");
  ASSERT_EQ(cfg.latency.set("file", "10+3"), "");
  ASSERT_EQ(cfg.latency.set("env", "1+1"), "");
  ASSERT_EQ(cfg.latency.set("time", "5"), "");
  ASSERT_EQ(cfg.latency.set("control", "9"), "");
  start(cfg);
  make_file("data", "0123456789");
  EXPECT_EQ(write_fd(1, "hello").latency_cycles, 2005u);
  EXPECT_EQ(with_path(kOpen, "data", 0x01).latency_cycles, 10u + 3 * 5);
  EXPECT_EQ(run(kRead, 3, 4, kDataAt).latency_cycles, 10u + 3 * 4);
  EXPECT_EQ(run(kArgsData, 0, 100, kDataAt).latency_cycles, 1u + 17);
  EXPECT_EQ(run(kGettime, 0, 16, kDataAt).latency_cycles, 5u);
  EXPECT_EQ(run(kNop, 0, 0, 0).latency_cycles, 9u);
  EXPECT_EQ(run(0x77, 0, 0, 0).latency_cycles, 9u);
  EXPECT_EQ(out(), "hello");
}

TEST_F(PosixLatency, ZeroModelLeavesOnlyTheSleep) {
  HostConfig cfg = config();
  cfg.latency = LatencyModel::zero();
  start(cfg);
  make_file("data", "0123456789");
  EXPECT_EQ(write_fd(1, "hello").latency_cycles, 0u);
  EXPECT_EQ(with_path(kOpen, "data", 0x01).latency_cycles, 0u);
  EXPECT_EQ(run(kReadDirect, 3, 10, 0x1000).latency_cycles, 0u);
  EXPECT_EQ(run(kGettime, 0, 16, kDataAt).latency_cycles, 0u);
  EXPECT_EQ(run(kNop, 0, 0, 0).latency_cycles, 0u);
  put_u32(kDataAt, 0);
  put_u32(kDataAt + 4, 0);
  put_u32(kDataAt + 8, 1000);  // 1 us at 100 MHz
  HostTime now;
  now.cycle_ps = 10'000;
  EXPECT_EQ(run(kSleep, 0, 16, kDataAt, now).latency_cycles, 100u);
}

// ---- the sandbox as the guest meets it

class PosixSandbox : public PosixTest {
 protected:
  PosixSandbox() {
    TempTree::write_file(tree_.in_outside("secret"), "s3cret");
    make_file("data", "inside");
    TempTree::make_dir(in_root("sub"));
    TempTree::make_link(tree_.in_outside("secret"), in_root("out_file"));
    TempTree::make_link("../outside/secret", in_root("out_rel"));
    TempTree::make_link(tree_.outside(), in_root("out_dir"));
    TempTree::make_link("../outside", in_root("out_dir_rel"));
  }
  bool secret_intact() const { return TempTree::read_file(tree_.in_outside("secret")) == "s3cret"; }
  std::set<std::string> outside_entries() const {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(tree_.outside())) names.insert(e.path().filename());
    return names;
  }
};

TEST_F(PosixSandbox, EscapesAreEaccesForEveryPathOperation) {
  const std::string abs_secret = tree_.in_outside("secret");
  for (const std::string& p : {std::string("../outside/secret"), abs_secret, std::string("out_file"),
                               std::string("out_rel"), std::string("out_dir/secret"),
                               std::string("out_dir_rel/secret"), std::string("/etc/passwd"),
                               std::string("sub/../../outside/secret")}) {
    SCOPED_TRACE(p);
    EXPECT_TRUE(FailsWith(with_path(kOpen, p, 0x01), kEACCES));
    EXPECT_TRUE(FailsWith(with_path(kOpen, p, 0x02 | 0x10), kEACCES));
    EXPECT_TRUE(FailsWith(with_path(kStat, p, kStatusErr), kEACCES));
    EXPECT_TRUE(FailsWith(with_path(kAccess, p, 0), kEACCES));
  }
  for (const std::string& p : {std::string(".."), std::string("/"), tree_.outside(), std::string("out_dir"),
                               std::string("out_dir_rel"), tree_.base()}) {
    SCOPED_TRACE(p);
    EXPECT_TRUE(FailsWith(with_path(kOpendir, p), kEACCES));
    EXPECT_TRUE(FailsWith(with_path(kChdir, p), kEACCES));
  }
  for (const std::string& p : {std::string("../outside/new"), std::string("out_dir/new"), tree_.in_outside("new")}) {
    SCOPED_TRACE(p);
    EXPECT_TRUE(FailsWith(with_path(kMkdir, p), kEACCES));
    EXPECT_TRUE(FailsWith(with_path(kOpen, p, 0x0A), kEACCES));
  }
  EXPECT_TRUE(FailsWith(with_path(kUnlink, "out_dir/secret"), kEACCES));
  EXPECT_TRUE(FailsWith(with_path(kUnlink, "../outside/secret"), kEACCES));
  EXPECT_TRUE(FailsWith(with_path(kRmdir, "../outside"), kEACCES));
  EXPECT_TRUE(FailsWith(with_path(kLstat, "out_dir/secret"), kEACCES));
  put(kPathAt, std::string("data\0out_dir/stolen\0", 20));
  EXPECT_TRUE(FailsWith(run(kRename, 5, 20, kPathAt), kEACCES));
  put(kPathAt, std::string("out_dir/secret\0got\0", 19));
  EXPECT_TRUE(FailsWith(run(kRename, 15, 19, kPathAt), kEACCES));

  EXPECT_TRUE(secret_intact());
  EXPECT_EQ(outside_entries(), std::set<std::string>{"secret"});
  EXPECT_EQ(file("data"), "inside");
  EXPECT_FALSE(TempTree::exists(in_root("got")));
}

TEST_F(PosixSandbox, AbsolutePathsInsideAndOutAndBackInWork) {
  EXPECT_EQ(read_fd(open_fd(in_root("data"), 0x01), 10), "inside");
  EXPECT_EQ(read_fd(open_fd("../root/data", 0x01), 10), "inside");
  EXPECT_EQ(read_fd(open_fd("sub/../../root/sub/../data", 0x01), 10), "inside");
  EXPECT_TRUE(Answers(with_path(kStat, in_root("sub"), kStatusErr), 0, kStatRecordSize));
  EXPECT_TRUE(Answers(with_path(kChdir, in_root("sub")), 0, 0));
}

TEST_F(PosixSandbox, LinksThatStayInsideAreFollowed) {
  TempTree::make_link("data", in_root("ln"));
  TempTree::make_link(in_root("data"), in_root("abs_ln"));
  TempTree::make_link("sub", in_root("dl"));
  TempTree::write_file(in_root("sub/f"), "in sub");
  EXPECT_EQ(read_fd(open_fd("ln", 0x01), 10), "inside");
  EXPECT_EQ(read_fd(open_fd("abs_ln", 0x01), 10), "inside");
  EXPECT_EQ(read_fd(open_fd("dl/f", 0x01), 10), "in sub");
  EXPECT_TRUE(Answers(with_path(kChdir, "dl"), 0, 0));
  const std::string sub = in_root("sub");
  const auto size = static_cast<std::uint32_t>(sub.size() + 1);
  EXPECT_TRUE(Answers(run(kGetcwd, 0, 4096, kDataAt), size, size));
  EXPECT_EQ(get(kDataAt, size), sub + std::string(1, '\0'));
}

TEST_F(PosixSandbox, ChdirThenRelativePathsAndDotDotBackToTheRootButNotAbove) {
  EXPECT_TRUE(Answers(with_path(kChdir, "sub"), 0, 0));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "../../outside/secret", 0x01), kEACCES));
  EXPECT_TRUE(FailsWith(with_path(kChdir, "../.."), kEACCES));
  EXPECT_EQ(read_fd(open_fd("../data", 0x01), 10), "inside");
  EXPECT_TRUE(Answers(with_path(kChdir, ".."), 0, 0));
  EXPECT_TRUE(FailsWith(with_path(kChdir, ".."), kEACCES));
  const auto size = static_cast<std::uint32_t>(tree_.root().size() + 1);
  EXPECT_TRUE(Answers(run(kGetcwd, 0, 4096, kDataAt), size, size));
  EXPECT_EQ(get(kDataAt, size), tree_.root() + std::string(1, '\0'));
}

TEST_F(PosixSandbox, LstatUnlinkAndRenameActOnTheLinkNotItsTarget) {
  fill(kRecordAt, kStatRecordSize + 1);
  put(kRecordAt, std::string("out_file\0", 9));
  EXPECT_TRUE(Answers(run(kLstat, 0, 9, kRecordAt), 0, kStatRecordSize));
  EXPECT_TRUE(S_ISLNK(u32(kRecordAt + 16)));
  expect_stat_record(kRecordAt, host_lstat(in_root("out_file")));

  put(kPathAt, std::string("out_file\0renamed\0", 17));
  EXPECT_TRUE(Answers(run(kRename, 9, 17, kPathAt), 0, 0));
  EXPECT_TRUE(TempTree::is_link(in_root("renamed")));
  EXPECT_FALSE(TempTree::exists(in_root("out_file")));

  EXPECT_TRUE(Answers(with_path(kUnlink, "renamed"), 0, 0));
  EXPECT_TRUE(Answers(with_path(kUnlink, "out_rel"), 0, 0));
  EXPECT_TRUE(Answers(with_path(kUnlink, "out_dir"), 0, 0));
  EXPECT_FALSE(TempTree::exists(in_root("renamed")));
  EXPECT_FALSE(TempTree::exists(in_root("out_rel")));
  EXPECT_FALSE(TempTree::exists(in_root("out_dir")));
  EXPECT_TRUE(secret_intact());
  EXPECT_EQ(outside_entries(), std::set<std::string>{"secret"});
}

TEST_F(PosixSandbox, CreatingThroughADanglingLinkOutsideIsRefused) {
  TempTree::make_link(tree_.in_outside("created"), in_root("trap"));
  TempTree::make_link("../outside/created_rel", in_root("trap_rel"));
  for (const char* p : {"trap", "trap_rel"}) {
    SCOPED_TRACE(p);
    EXPECT_TRUE(FailsWith(with_path(kOpen, p, 0x02 | 0x08), kEACCES));
    EXPECT_TRUE(FailsWith(with_path(kOpen, p, 0x02 | 0x08 | 0x10), kEACCES));
    // O_CREAT|O_EXCL does not follow the link: the link itself exists.
    EXPECT_TRUE(FailsWith(with_path(kOpen, p, kLinuxWronly | kLinuxCreat | kLinuxExcl), kEEXIST));
    EXPECT_TRUE(FailsWith(with_path(kMkdir, p), kEEXIST));
  }
  EXPECT_EQ(outside_entries(), std::set<std::string>{"secret"});
}

TEST_F(PosixSandbox, CreatingThroughADanglingLinkInsideCreatesItsTarget) {
  TempTree::make_link("made", in_root("pending"));
  const std::uint32_t fd = open_fd("pending", 0x02 | 0x08);
  EXPECT_TRUE(Answers(write_fd(fd, "via link"), 8, 8));
  EXPECT_EQ(file("made"), "via link");
  EXPECT_TRUE(TempTree::is_link(in_root("pending")));
}

TEST_F(PosixSandbox, SymlinkLoopsAreEloop) {
  TempTree::make_link("loop2", in_root("loop1"));
  TempTree::make_link("loop1", in_root("loop2"));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "loop1", 0x01), kELOOP));
  EXPECT_TRUE(FailsWith(with_path(kOpen, "loop1", 0x0A), kELOOP));
  EXPECT_TRUE(FailsWith(with_path(kStat, "loop2", kStatusErr), kELOOP));
  EXPECT_TRUE(FailsWith(with_path(kOpendir, "loop1"), kELOOP));
  EXPECT_TRUE(FailsWith(with_path(kChdir, "loop1"), kELOOP));
  EXPECT_TRUE(FailsWith(with_path(kUnlink, "loop1/x"), kELOOP));
  EXPECT_TRUE(Answers(with_path(kLstat, "loop1"), 0, kStatRecordSize));
  EXPECT_TRUE(Answers(with_path(kUnlink, "loop1"), 0, 0));
}

TEST_F(PosixSandbox, TheRootItselfCannotBeRemoved) {
  // Emptied so that only the refusal, not ENOTEMPTY, can stop it; not
  // replaced, since the sandbox holds the root itself open.
  for (const auto& e : std::filesystem::directory_iterator(tree_.root())) std::filesystem::remove_all(e.path());
  EXPECT_TRUE(FailsWith(with_path(kRmdir, "."), kEBUSY));
  EXPECT_TRUE(FailsWith(with_path(kRmdir, tree_.root()), kEBUSY));
  TempTree::make_dir(in_root("sub"));
  EXPECT_TRUE(Answers(with_path(kChdir, "sub"), 0, 0));
  EXPECT_TRUE(FailsWith(with_path(kRmdir, ".."), kEBUSY));
  EXPECT_TRUE(Answers(with_path(kRmdir, in_root("sub")), 0, 0));
  EXPECT_TRUE(TempTree::exists(tree_.root()));
}

}  // namespace

namespace {

// The guest's console on regular host files, as when the user redirects
// s32sim's stdout and stderr to files.
class PosixHostStreams : public PosixTest {
 protected:
  PosixHostStreams() {
    for (int i = 0; i < 3; ++i) {
      files_[i] = tree_.in_outside("stream" + std::to_string(i));
      TempTree::write_file(files_[i], "host stream " + std::to_string(i) + "\n");
      fds_[i] = ::open(files_[i].c_str(), (i == 0 ? O_RDONLY : O_WRONLY | O_APPEND) | O_CLOEXEC);
      if (fds_[i] < 0) ADD_FAILURE() << "open " << files_[i] << ": " << std::strerror(errno);
    }
    backend_.reset();
    console_ = std::make_unique<Console>(fds_[0], fds_[1], fds_[2]);
    start(config());
  }
  ~PosixHostStreams() override {
    backend_.reset();
    console_.reset();
    for (int fd : fds_) ::close(fd);
  }
  std::string files_[3];
  int fds_[3] = {-1, -1, -1};
};

}  // namespace

// A guest FTRUNCATE or SEEK on fds 0-2 used to act on the host file the
// stream was redirected to (stdout grew to a sparse 1 GiB).
TEST_F(PosixHostStreams, SeekAndFtruncateNeverTouchTheHostStreams) {
  for (std::uint32_t fd = 0; fd < 3; ++fd) {
    EXPECT_TRUE(FailsWith(seek(fd, 0, 0), kESPIPE)) << fd;
    EXPECT_TRUE(FailsWith(seek(fd, 2, 100), kESPIPE)) << fd;
    put_u32(kSeekAt, 1u << 30);
    EXPECT_TRUE(FailsWith(run(kFtruncate, fd, 4, kSeekAt), kEINVAL)) << fd;
    put_u32(kSeekAt, 0);
    EXPECT_TRUE(FailsWith(run(kFtruncate, fd, 4, kSeekAt), kEINVAL)) << fd;
  }
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(TempTree::read_file(files_[i]), "host stream " + std::to_string(i) + "\n") << files_[i];
  EXPECT_EQ(::lseek(fds_[0], 0, SEEK_CUR), 0);
  // A guest file that takes slot 1 after the guest closes stdout is its own.
  EXPECT_TRUE(Answers(run(kClose, 1, 0, 0), 0, 0));
  EXPECT_EQ(open_fd("mine", 0x02 | 0x08), 1u);
  EXPECT_TRUE(Answers(write_fd(1, "abcdef"), 6, 6));
  EXPECT_TRUE(Answers(seek(1, 0, 2), 2, 0));
  put_u32(kSeekAt, 3);
  EXPECT_TRUE(Answers(run(kFtruncate, 1, 4, kSeekAt), 0, 0));
  EXPECT_EQ(TempTree::read_file(in_root("mine")), "abc");
}

// The service policy (services.md §1, EACCES where the public emulator says
// EINVAL): a refused request does nothing, costs the control latency and is
// counted by service.
TEST_F(PosixControl, NetAndExecAreRefusedUntilEnabled) {
  for (std::uint32_t op : {0x10u, 0x40u, 0x46u, 0x48u, 0x4Fu}) {
    SCOPED_TRACE(op);
    const Completion c = run(op, 1, 4, 0);
    EXPECT_TRUE(FailsWith(c, kEACCES));
    EXPECT_EQ(c.latency_cycles, kControlCycles);
  }
  EXPECT_EQ(backend_->refused(), (std::map<std::string, std::uint64_t>{{"exec", 1}, {"net", 4}}));
  HostConfig cfg = config();
  cfg.policy.enable = {"net", "exec"};
  start(cfg);
  // Enabled, they reach their handlers (EXEC's path here is empty).
  EXPECT_TRUE(FailsWith(run(0x10, 1, 4, 0), kEINVAL));
  EXPECT_TRUE(FailsWith(run(0x40, 1, 4, 0), 97));  // family 1: EAFNOSUPPORT
  EXPECT_TRUE(backend_->refused().empty());
  // A deny wins over an enable.
  cfg.policy.deny = {"net"};
  start(cfg);
  EXPECT_TRUE(FailsWith(run(0x40, 1, 4, 0), kEACCES));
  EXPECT_TRUE(FailsWith(run(0x10, 1, 4, 0), kEINVAL));
}

TEST_F(PosixControl, DeniedFsTouchesNothingButPutcharStillPrints) {
  HostConfig cfg = config();
  cfg.policy.deny = {"fs"};
  start(cfg);
  EXPECT_TRUE(FailsWith(with_path(kOpen, "canary", 0x02 | 0x08), kEACCES));
  EXPECT_TRUE(FailsWith(with_path(kMkdir, "canary_dir"), kEACCES));
  EXPECT_TRUE(FailsWith(write_fd(1, "lost"), kEACCES));
  put(kDataAt, "!");
  EXPECT_TRUE(Answers(run(kPutchar, 0, 1, kDataAt), 0, 0));
  EXPECT_EQ(out(), "!");
  EXPECT_FALSE(TempTree::exists(in_root("canary")));
  EXPECT_FALSE(TempTree::exists(in_root("canary_dir")));
  EXPECT_EQ(backend_->refused(), (std::map<std::string, std::uint64_t>{{"fs", 3}}));
}

TEST_F(PosixControl, AnAllowListRefusesEveryGatedServiceItLeavesOut) {
  HostConfig cfg = config();
  cfg.policy.allow = {"time"};
  start(cfg);
  EXPECT_TRUE(Answers(run(kGettime, 0, 16, kRecordAt), 0, kTimeRecordSize));
  EXPECT_TRUE(FailsWith(run(kArgsInfo, 0, 16, kRecordAt), kEACCES));
  EXPECT_TRUE(FailsWith(with_path(kStat, "x", kStatusErr), kEACCES));
  // Never gated: NOP, EXIT, negotiation, unassigned codes.
  EXPECT_TRUE(Answers(run(kNop, 0, 0, 0), 0, 0));
  EXPECT_TRUE(FailsWith(run(0x08, 0, 0, 0), kENOSYS));
  EXPECT_EQ(run(kSvcVersion, 0, 0, 0).status, 1u);
  // Even an allow list naming them leaves net and exec to --enable.
  cfg.policy.allow = {"net", "exec"};
  start(cfg);
  EXPECT_TRUE(FailsWith(run(0x40, 1, 4, 0), kEACCES));
  EXPECT_TRUE(FailsWith(run(0x10, 1, 4, 0), kEACCES));
}

TEST(Policy, ListsAreCommaSeparatedServiceNames) {
  std::vector<std::string> list;
  EXPECT_EQ(Policy::add(list, "fs,,time,"), "");
  EXPECT_EQ(Policy::add(list, ""), "");
  EXPECT_EQ(list, (std::vector<std::string>{"fs", "time"}));
  EXPECT_NE(Policy::add(list, "fs,disk"), "");
  EXPECT_EQ(Policy::service_of(0x03), std::string("fs"));
  EXPECT_EQ(Policy::service_of(0x2B), std::string("fs"));
  EXPECT_EQ(Policy::service_of(0x35), std::string("time"));
  EXPECT_EQ(Policy::service_of(0x64), std::string("env"));
  for (std::uint32_t op : {0x00u, 0x01u, 0x02u, 0x08u, 0x09u, 0x0Eu, 0x2Cu, 0x50u, 0x80u, 0xF0u, 0x100u})
    EXPECT_EQ(Policy::service_of(op), nullptr) << op;
}

namespace {

// Sockets enabled; addresses are the 8-byte records of services.md §4.
class PosixNet : public PosixTest {
 protected:
  PosixNet() {
    HostConfig cfg = config();
    cfg.policy.enable = {"net"};
    start(cfg);
  }
  void put_addr(std::uint32_t off, std::uint32_t addr, std::uint16_t port, std::uint16_t family = 2) {
    put_u32(off, addr);
    std::memcpy(bytes_.data() + off + 4, &port, 2);
    std::memcpy(bytes_.data() + off + 6, &family, 2);
  }
  std::uint16_t port_at(std::uint32_t off) const {
    std::uint16_t p;
    std::memcpy(&p, bytes_.data() + off + 4, 2);
    return p;
  }
  std::uint32_t tcp_socket() {
    const Completion c = run(kSocket, 2 | 1 << 8 | 6 << 16, 0, 0);
    EXPECT_NE(c.status, kStatusErr) << describe(c);
    return c.status;
  }
};

}  // namespace

TEST_F(PosixNet, SocketChecksFamilyTypeAndProtocol) {
  constexpr std::uint32_t kEAFNOSUPPORT = 97, kEPROTONOSUPPORT = 93;
  EXPECT_TRUE(FailsWith(run(kSocket, 10 | 1 << 8, 0, 0), kEAFNOSUPPORT));
  EXPECT_TRUE(FailsWith(run(kSocket, 2 | 2 << 8, 0, 0), kEPROTONOSUPPORT));
  EXPECT_TRUE(FailsWith(run(kSocket, 2 | 1 << 8 | 17 << 16, 0, 0), kEPROTONOSUPPORT));
  // The lowest free slot, shared with files; bits 24-31 are ignored.
  EXPECT_TRUE(Answers(run(kSocket, 2 | 1 << 8 | 0xAB000000u, 0, 0), 3, 0));
  EXPECT_EQ(open_fd("f", 0x02 | 0x08), 4u);
  for (std::uint32_t op = 0x49; op <= 0x4F; ++op) EXPECT_TRUE(FailsWith(run(op, 3, 8, 0), kEINVAL)) << op;
  EXPECT_TRUE(FailsWith(run(kListen, 99, 1, 0), kEBADF));
  // A file is no socket: the host says so.
  EXPECT_TRUE(FailsWith(run(kListen, 4, 1, 0), 88));  // ENOTSOCK
  put_addr(0x500, 0x7F000001, 0, 1);
  EXPECT_TRUE(FailsWith(run(kBind, 3, 8, 0x500), kEAFNOSUPPORT));
  EXPECT_TRUE(FailsWith(run(kBind, 3, 7, 0x500), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kBind, 3, 8, kDataBufferSize - 7), kEINVAL));
  EXPECT_TRUE(FailsWith(run(kShutdown, 3, 3, 0), kEINVAL));
}

// One process is both ends on 127.0.0.1: the kernel completes the
// connection into the listen backlog before ACCEPT is asked.
TEST_F(PosixNet, LoopbackConnectionCarriesBytesBothWays) {
  const std::uint32_t server = tcp_socket();
  put_addr(0x500, 0x7F000001, 0);
  EXPECT_TRUE(Answers(run(kBind, server, 8, 0x500), 0, 0));
  EXPECT_TRUE(Answers(run(kListen, server, 0, 0), 0, 0));
  fill(0x600, 8);
  EXPECT_TRUE(Answers(run(kGetsockname, server, 0, 0x600), 0, 8));
  EXPECT_EQ(u32(0x600), 0x7F000001u);
  const std::uint16_t port = port_at(0x600);
  EXPECT_NE(port, 0);
  EXPECT_EQ(u32(0x604) >> 16, 2u);

  const std::uint32_t client = tcp_socket();
  put_addr(0x500, 0x7F000001, port);
  EXPECT_TRUE(Answers(run(kConnect, client, 8, 0x500), 0, 0));
  fill(0x700, 8);
  const Completion a = run(kAccept, server, 0, 0x700);
  ASSERT_NE(a.status, kStatusErr) << describe(a);
  EXPECT_EQ(a.length, 8u);
  const std::uint32_t conn = a.status;
  EXPECT_EQ(u32(0x700), 0x7F000001u);
  run(kGetsockname, client, 0, 0x600);
  EXPECT_EQ(port_at(0x700), port_at(0x600));  // the peer ACCEPT names is the client

  put(kDataAt, "hello over tcp");
  EXPECT_TRUE(Answers(run(kSend, client, 14, kDataAt), 14, 14));
  fill(kDataAt, 64);
  EXPECT_TRUE(Answers(run(kRecv, conn, 64, kDataAt), 14, 14));
  EXPECT_EQ(get(kDataAt, 14), "hello over tcp");
  EXPECT_EQ(write_fd(conn, "back").status, 4u);  // plain WRITE/READ serve sockets too
  EXPECT_EQ(read_fd(client, 64), "back");

  // SHUTDOWN WR: the other end reads end of file.
  EXPECT_TRUE(Answers(run(kShutdown, client, 1, 0), 0, 0));
  EXPECT_TRUE(Answers(run(kRecv, conn, 64, kDataAt), 0, 0));
  // A write to a closed peer is EPIPE, never SIGPIPE for the simulator.
  EXPECT_TRUE(Answers(close_fd(client), 0, 0));
  Completion w;
  for (int i = 0; i < 50 && w.status != kStatusErr; ++i) w = run(kSend, conn, 14, kDataAt);
  EXPECT_TRUE(w.status == kStatusErr && (w.length == 32 || w.length == 104)) << describe(w);  // EPIPE, ECONNRESET
  // net denied: SEND is refused even where WRITE would work.
  HostConfig cfg = config();
  start(cfg);
  EXPECT_TRUE(FailsWith(run(kSend, 1, 1, kDataAt), kEACCES));
}
