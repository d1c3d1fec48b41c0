// EXEC on PosixBackend, without SystemC, against a stand-in emulator (a
// shell script) that records what it was given: the child's command line,
// working directory and stdio, the answers of services.md §3 that need no
// real child (127, 255, the length checks), and a stop asked for while a
// child runs or before one starts.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "host/posix_backend.hpp"
#include "temp_tree.hpp"

namespace {

using namespace s32::host;
using s32::test::TempTree;

constexpr std::uint32_t kEINTR = 4, kENOENT = 2, kEINVAL = 22;
constexpr std::int64_t kEpochNs = 1'700'000'000'000'000'000;
constexpr std::uint32_t kAt = 0x100;

class NoMemory : public GuestMemory {
 public:
  bool write(std::uint32_t, const std::uint8_t*, std::uint32_t) override { return false; }
  bool read(std::uint32_t, std::uint8_t*, std::uint32_t) override { return false; }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class ExecTest : public ::testing::Test {
 protected:
  ExecTest() : bytes_(kDataBufferSize, 0), buf_(bytes_.data(), kDataBufferSize) {
    out_fd_ = ::open(out_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    in_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    console_ = std::make_unique<Console>(in_fd_, out_fd_, out_fd_);
    std::filesystem::create_directory(tree_.in_root("sub"));
    TempTree::write_file(tree_.in_root("sub/c.s32x"), "any bytes: the stand-in does not load it");
  }
  ~ExecTest() override {
    backend_.reset();
    console_.reset();
    ::close(out_fd_);
    ::close(in_fd_);
  }

  std::string out_path() const { return tree_.base() + "/stdout"; }
  std::string record() const { return tree_.base() + "/record"; }

  // The stand-in emulator: a script doing `body` after recording its
  // arguments and working directory.
  void start(const std::string& body, std::vector<std::string> options = {}) {
    const std::string script = tree_.base() + "/emulator";
    TempTree::write_file(script, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + record() + "\npwd >> " + record() + "\n" +
                                     body + "\n");
    ::chmod(script.c_str(), 0755);
    HostConfig c;
    c.root = tree_.root();
    c.epoch_ns = kEpochNs;
    c.policy.enable = {"exec"};
    c.exec.emulator = script;
    c.exec.options = std::move(options);
    backend_ = std::make_unique<PosixBackend>(c, *console_);
  }

  Completion exec(const std::string& payload, std::uint32_t status = 0xFFFFFFFF, std::uint64_t sim_ps = 0) {
    std::memcpy(buf_.at(kAt), payload.data(), payload.size());
    return request(kExec, static_cast<std::uint32_t>(payload.size()), kAt, status, sim_ps);
  }
  Completion request(std::uint32_t op, std::uint32_t length, std::uint32_t offset, std::uint32_t status,
                     std::uint64_t sim_ps = 0) {
    const HostTime now{sim_ps, 10000};
    return backend_->execute({op, length, offset, status}, buf_, mem_, now);
  }
  Completion path_request(std::uint32_t op, const std::string& path) {
    std::memcpy(buf_.at(kAt), path.c_str(), path.size() + 1);
    return request(op, static_cast<std::uint32_t>(path.size() + 1), kAt, 0);
  }

  TempTree tree_;
  std::vector<std::uint8_t> bytes_;
  DataBuffer buf_;
  NoMemory mem_;
  int out_fd_ = -1, in_fd_ = -1;
  std::unique_ptr<Console> console_;
  std::unique_ptr<PosixBackend> backend_;
};

TEST_F(ExecTest, TheChildGetsTheParentsOptionsSandboxClockAndThePathAsGiven) {
  start("echo child; exit 3", {"--mode", "cycle"});
  console_->put('D');  // a DEBUG byte still buffered must come first
  // Arguments stop at an empty one; the final NUL may be missing.
  const Completion c = exec(std::string("sub/c.s32x\0a b\0\0ignored", 23), 0xFFFFFFFF, 5'000'000);
  EXPECT_EQ(c.status, 3u);
  EXPECT_EQ(c.length, 0u);
  // The process class; the stand-in wrote no statistics, so no child cycles.
  EXPECT_EQ(c.latency_cycles, 100000u);
  const std::vector<std::string> got = lines(slurp(record()));
  ASSERT_EQ(got.size(), 16u) << slurp(record());
  EXPECT_EQ(got[0], "--stats-json");
  EXPECT_EQ(got[1].rfind("/proc/self/fd/", 0), 0u);
  const std::vector<std::string> rest(got.begin() + 2, got.end());
  EXPECT_EQ(rest, (std::vector<std::string>{"--mode", "cycle", "-q", "--no-progress", "--root", tree_.root(),
                                            "--epoch", "1700000000.000005000", "--argv0", "sub/c.s32x",
                                            tree_.in_root("sub/c.s32x"), "--", "a b", tree_.root()}));
  EXPECT_EQ(slurp(out_path()), "Dchild\n");
}

TEST_F(ExecTest, ARelativePathAndTheChildsDirectoryFollowTheGuestsChdir) {
  start("exit 0");
  ASSERT_EQ(path_request(kChdir, "sub").status, 0u);
  const Completion c = exec(std::string("c.s32x", 7));
  EXPECT_EQ(c.status, 0u);
  const std::vector<std::string> got = lines(slurp(record()));
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got[got.size() - 3], tree_.in_root("sub/c.s32x"));
  EXPECT_EQ(got.back(), tree_.in_root("sub"));
}

TEST_F(ExecTest, AtMostElevenArgumentsPass) {
  start("exit 0");
  std::string payload("sub/c.s32x", 11);
  for (int i = 1; i <= 12; ++i) payload += "x" + std::to_string(i) + std::string(1, '\0');
  ASSERT_EQ(exec(payload).status, 0u);
  const std::vector<std::string> got = lines(slurp(record()));
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got[got.size() - 2], "x11");
}

TEST_F(ExecTest, ASignalDeathIs255) {
  start("kill -KILL $$");
  EXPECT_EQ(exec(std::string("sub/c.s32x", 11)).status, 255u);
}

TEST_F(ExecTest, AnEmulatorThatCannotRunIs127AndNoneIsEnoent) {
  start("exit 0");
  ::chmod((tree_.base() + "/emulator").c_str(), 0644);
  const Completion c = exec(std::string("sub/c.s32x", 11));
  EXPECT_EQ(c.status, 127u);
  EXPECT_EQ(c.length, 0u);

  HostConfig none;
  none.root = tree_.root();
  none.policy.enable = {"exec"};
  backend_ = std::make_unique<PosixBackend>(none, *console_);
  const Completion e = exec(std::string("sub/c.s32x", 11));
  EXPECT_EQ(e.status, kStatusErr);
  EXPECT_EQ(e.length, kENOENT);
}

TEST_F(ExecTest, AGuestFdGoesOnTheChildsStdioAndABadOneIs127) {
  start("echo redirected; echo also >&2");
  // OPEN's flags: write | create | truncate.
  std::memcpy(buf_.at(kAt), "sub/out.txt", 12);
  const Completion f = request(kOpen, 12, kAt, 2 | 8 | 16);
  ASSERT_NE(f.status, kStatusErr);
  EXPECT_EQ(exec(std::string("sub/c.s32x", 11), f.status).status, 0u);
  EXPECT_EQ(slurp(tree_.in_root("sub/out.txt")), "redirected\nalso\n");

  const Completion dir = path_request(kOpendir, "sub");
  ASSERT_NE(dir.status, kStatusErr);
  for (std::uint32_t fd : {dir.status, 50u, 128u, 0xFFFFFFFEu}) {
    ::unlink(record().c_str());
    EXPECT_EQ(exec(std::string("sub/c.s32x", 11), fd).status, 127u) << "fd " << fd;
    EXPECT_FALSE(std::filesystem::exists(record())) << "a child was started for fd " << fd;
  }
}

TEST_F(ExecTest, LengthsOutsideTheLimitsAreEinval) {
  start("exit 0");
  for (std::uint32_t length : {0u, 4096u}) {
    const Completion c = request(kExec, length, kAt, 0xFFFFFFFF);
    EXPECT_EQ(c.status, kStatusErr) << length;
    EXPECT_EQ(c.length, kEINVAL) << length;
  }
  const Completion c = request(kExec, 100, kDataBufferSize - 50, 0xFFFFFFFF);
  EXPECT_EQ(c.length, kEINVAL);
  EXPECT_FALSE(c.protocol_warning.empty());
  EXPECT_FALSE(std::filesystem::exists(record()));
}

TEST_F(ExecTest, AStopReachesARunningChildAndNoChildStartsAfterIt) {
  start("exec sleep 30");
  std::thread stopper([this] {
    // Until the child has started (it records first).
    while (!std::filesystem::exists(record())) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    backend_->interrupt(SIGINT);
  });
  const Completion c = exec(std::string("sub/c.s32x", 11));
  stopper.join();
  EXPECT_EQ(c.status, 255u) << "sleep dies of the forwarded SIGINT";

  ::unlink(record().c_str());
  const Completion after = exec(std::string("sub/c.s32x", 11));
  EXPECT_EQ(after.status, kStatusErr);
  EXPECT_EQ(after.length, kEINTR);
  EXPECT_FALSE(std::filesystem::exists(record()));
}

}  // namespace
