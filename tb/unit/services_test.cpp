// Negotiated services against services.md: SVC_REQUEST/RELEASE/QUERY/LIST/
// VERSION and the opcode ranges they grant, the tube display's frames,
// journal and keys, and the term service on a real pseudo-terminal (its
// escape sequences, raw mode, keys and the terminal's restoration).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/exit_hooks.hpp"
#include "host/posix_backend.hpp"
#include "host/negotiation.hpp"
#include "host/term_service.hpp"
#include "host/tube_service.hpp"
#include "temp_tree.hpp"

namespace {

using namespace s32::host;
using s32::test::TempTree;

constexpr std::uint32_t kEINVAL = 22, kENOENT = 2;

// Guest RAM for display lists: words where the test put them, nothing
// (unreadable) elsewhere.
class ListMemory : public GuestMemory {
 public:
  bool write(std::uint32_t, const std::uint8_t*, std::uint32_t) override { return false; }
  bool read(std::uint32_t addr, std::uint8_t* data, std::uint32_t length) override {
    for (std::uint32_t i = 0; i < length; ++i) {
      auto it = bytes.find(addr + i);
      if (it == bytes.end()) return false;
      data[i] = it->second;
    }
    return true;
  }
  void words(std::uint32_t addr, const std::vector<std::uint32_t>& ws) {
    for (std::uint32_t w : ws)
      for (int b = 0; b < 4; ++b) bytes[addr++] = static_cast<std::uint8_t>(w >> (8 * b));
  }
  std::map<std::uint32_t, std::uint8_t> bytes;
};

std::uint32_t word(std::uint32_t op, std::uint32_t x = 0, std::uint32_t y = 0) { return op << 28 | x << 16 | y << 4; }
constexpr std::uint32_t kEnd = 0, kMove = 1, kDraw = 2, kPoint = 3, kInten = 4, kColor = 5;

// A PosixBackend on a console of the test's choosing, with requests built
// in place.
class ServicesTest : public ::testing::Test {
 protected:
  ServicesTest() : bytes_(kDataBufferSize, 0), buf_(bytes_.data(), kDataBufferSize) {}
  void start(int in, int out, HostConfig c = {}) {
    c.root = tree_.root();
    console_ = std::make_unique<Console>(in, out, out);
    backend_ = std::make_unique<PosixBackend>(c, *console_);
  }
  Completion run(std::uint32_t opcode, std::uint32_t status, std::uint32_t length, std::uint32_t offset) {
    return backend_->execute({opcode, length, offset, status}, buf_, mem_, HostTime{});
  }
  // SVC_* with the name at buf[0]; the code (and base) land there too.
  Completion named(std::uint32_t opcode, const std::string& name, std::uint32_t length = 0) {
    std::memcpy(bytes_.data(), name.c_str(), name.size() + 1);
    return run(opcode, 0, length ? length : static_cast<std::uint32_t>(name.size() + 1), 0);
  }
  std::uint32_t u32(std::uint32_t off) const {
    std::uint32_t v;
    std::memcpy(&v, bytes_.data() + off, 4);
    return v;
  }
  std::uint32_t grant(const std::string& name) {
    const Completion c = named(kSvcRequest, name);
    EXPECT_EQ(c.status, 0u);
    EXPECT_EQ(c.length, 16u) << name;
    EXPECT_EQ(u32(0), 0u) << name;
    return u32(4);
  }

  TempTree tree_;
  std::vector<std::uint8_t> bytes_;
  DataBuffer buf_;
  ListMemory mem_;
  std::unique_ptr<Console> console_;
  std::unique_ptr<PosixBackend> backend_;
};

bool IsErr(const Completion& c, std::uint32_t e) { return c.status == kStatusErr && c.length == e; }

// ---- negotiation ---------------------------------------------------------------

TEST_F(ServicesTest, GrantsRangesFrom0x80InOrderAndNeverReusesThem) {
  int null_fd = ::open("/dev/null", O_RDWR);
  start(null_fd, null_fd);
  EXPECT_EQ(grant("term"), 0x80u);
  EXPECT_EQ(u32(8), 14u);
  EXPECT_EQ(u32(12), 1u);
  EXPECT_EQ(grant("tube"), 0x8Eu);
  EXPECT_EQ(u32(8), 16u);
  // tube INFO at its base, term's range ends at 0x8D.
  EXPECT_EQ(run(0x8E, 0, 0, 0).status, 0x00010001u);
  EXPECT_TRUE(IsErr(run(0x9E, 0, 0, 0), kEINVAL)) << "past every range";

  // A second REQUEST of a held service is refused (the public emulator
  // grants a second session).
  const Completion again = named(kSvcRequest, "term");
  EXPECT_EQ(again.status, 0u);
  EXPECT_EQ(again.length, 4u);
  EXPECT_EQ(u32(0), 3u) << "CONFLICT";

  EXPECT_EQ(named(kSvcRelease, "term").status, 0u);
  EXPECT_TRUE(IsErr(run(0x80, 0, 0, 0), kEINVAL)) << "a released range routes nowhere";
  EXPECT_TRUE(IsErr(named(kSvcRelease, "term"), kENOENT));
  EXPECT_EQ(grant("term"), 0x9Eu) << "ranges only grow";
  ::close(null_fd);
}

// The policy (--deny tube) is asked at REQUEST and QUERY by name.
TEST_F(ServicesTest, TheHostPolicyRefusesServicesByName) {
  HostConfig c;
  c.policy.deny = {"tube"};
  start(-1, -1, c);
  named(kSvcRequest, "tube");
  EXPECT_EQ(u32(0), 1u) << "DENIED";
  named(kSvcQuery, "tube");
  EXPECT_EQ(u32(0), 1u);
  named(kSvcQuery, "term");
  EXPECT_EQ(u32(0), 0u);
}

TEST_F(ServicesTest, QueryListVersionAndBadNames) {
  start(-1, -1);
  EXPECT_EQ(named(kSvcQuery, "tube").length, 4u);
  EXPECT_EQ(u32(0), 0u);
  named(kSvcQuery, "disk");
  EXPECT_EQ(u32(0), 2u);
  // The last byte is the terminator: "term" sent as 4 bytes is "ter".
  EXPECT_EQ(named(kSvcRequest, "term", 4).length, 4u);
  EXPECT_EQ(u32(0), 2u);
  EXPECT_TRUE(IsErr(named(kSvcRequest, "term", 33), kEINVAL));
  EXPECT_TRUE(IsErr(run(kSvcQuery, 0, 0, 0), kEINVAL));

  std::memset(bytes_.data(), 0xAA, 16);
  const Completion list = run(kSvcList, 0, 0, 0);
  EXPECT_EQ(list.length, 10u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(bytes_.data()), 10), std::string("term\0tube\0", 10));
  // Only whole names: "term\0" fits before the end, "tube\0" does not.
  EXPECT_EQ(run(kSvcList, 0, 0, kDataBufferSize - 7).length, 5u);
  const Completion v = run(kSvcVersion, 0, 0, 0);
  EXPECT_EQ(v.status, 1u);
  EXPECT_EQ(v.length, 0u);
}

TEST(Services, PolicyDeniesBeforeUnknownAndSixteenSessionsAtMost) {
  std::vector<std::uint8_t> bytes(kDataBufferSize);
  DataBuffer buf(bytes.data(), kDataBufferSize);
  int released = 0;
  struct Nothing : ServiceSession {
    explicit Nothing(int& r) : released(r) {}
    ServiceClass service_class() const override { return ServiceClass::Control; }
    bool may_block(std::uint32_t) const override { return false; }
    std::uint64_t serve(std::uint32_t sub, const Request&, DataBuffer&, GuestMemory&, Completion& c) override {
      c.status = sub;
      return 0;
    }
    void release() override { ++released; }
    int& released;
  };
  std::vector<ServiceKind> kinds;
  for (int i = 0; i < 20; ++i)
    kinds.push_back({"s" + std::to_string(i), 2, 1, [&] { return std::make_unique<Nothing>(released); }});
  Services services(kinds, [](std::string_view n) { return n != "s1" && n != "nope"; });
  const auto ask = [&](std::uint32_t op, const std::string& name) {
    std::memcpy(bytes.data(), name.c_str(), name.size() + 1);
    Completion c;
    services.negotiate({op, static_cast<std::uint32_t>(name.size() + 1), 0, 0}, buf, c);
    std::uint32_t code;
    std::memcpy(&code, bytes.data(), 4);
    return code;
  };
  EXPECT_EQ(ask(kSvcRequest, "nope"), 1u) << "DENIED before UNKNOWN";
  EXPECT_EQ(ask(kSvcQuery, "nope"), 2u) << "QUERY checks UNKNOWN first";
  EXPECT_EQ(ask(kSvcRequest, "s1"), 1u);
  EXPECT_EQ(ask(kSvcQuery, "s1"), 1u);
  for (int i = 2; i < 18; ++i) {
    EXPECT_EQ(ask(kSvcRequest, "s" + std::to_string(i)), 0u) << i;
    ask(kSvcRelease, "s" + std::to_string(i));
  }
  EXPECT_EQ(released, 16);
  EXPECT_EQ(ask(kSvcRequest, "s18"), 4u) << "released sessions count toward the 16";
  std::uint32_t sub = 0;
  EXPECT_EQ(services.route(0x80, sub), nullptr);
}

// ---- tube ------------------------------------------------------------------------

TEST(TubeFrame, HashesMatchTheVectorsDerivedByHand) {
  // Empty frame: zero bytes, the FNV-1a offset basis.
  ASSERT_TRUE(tube_frame({word(kEnd)}));
  EXPECT_EQ(tube_frame({word(kEnd)})->hash(), 0xcbf29ce484222325ull);
  // services.md's square and dot: 140 bytes.
  const auto square = tube_frame({word(kMove, 100, 100), word(kDraw, 300, 100), word(kDraw, 300, 300),
                                  word(kDraw, 100, 300), word(kDraw, 100, 100), word(kInten) | 128,
                                  word(kPoint, 200, 200), word(kEnd)});
  ASSERT_TRUE(square);
  EXPECT_EQ(square->text.size(), 140u);
  EXPECT_EQ(square->hash(), 0x29f937341763f34full);
  // Colour and intensity carry to later elements; bits 3:0 are ignored.
  const auto coloured = tube_frame({word(kMove, 10, 20) | 0xF, word(kColor) | 0x123456, word(kDraw, 4095, 0),
                                    word(kInten) | 7, word(kPoint, 5, 6), word(kEnd)});
  ASSERT_TRUE(coloured);
  EXPECT_EQ(coloured->text, "M 10 20\nD 4095 0 18 52 86 255\nP 5 6 18 52 86 7\n");
  EXPECT_EQ(coloured->hash(), 0xfcd7021524d0011full);
  EXPECT_FALSE(tube_frame({word(kMove, 1, 1)})) << "no END";
  EXPECT_FALSE(tube_frame({word(6), word(kEnd)})) << "op 6";
}

TEST_F(ServicesTest, TubePresentJournalsFramesAndQueuesKeys) {
  HostConfig c;
  c.tube.dump_dir = tree_.in_root("frames");
  c.tube.dump_full = true;
  c.tube.keys_file = tree_.in_root("keys.bin");
  c.tube.code_limit = 0x1000;
  {
    // 257 records: only the last 256 survive, and a partial tail is ignored.
    std::ofstream keys(c.tube.keys_file, std::ios::binary);
    for (std::uint32_t i = 0; i < 257; ++i) keys.write(reinterpret_cast<const char*>(&i), 4);
    keys.write("xy", 2);
  }
  start(-1, -1, c);
  const std::uint32_t base = grant("tube");
  const std::uint32_t kList = 0x2000;
  mem_.words(kList, {word(kMove, 100, 100), word(kDraw, 300, 100), word(kDraw, 300, 300), word(kDraw, 100, 300),
                     word(kDraw, 100, 100), word(kInten) | 128, word(kPoint, 200, 200), word(kEnd)});
  EXPECT_TRUE(IsErr(run(base + 3, kList, 8, 0), kEINVAL)) << "PRESENT before OPEN";
  EXPECT_TRUE(IsErr(run(base + 1, 2, 0, 0), kEINVAL)) << "framebuffer mode";
  EXPECT_EQ(run(base + 1, 1, 0, 0).status, 0u);
  EXPECT_TRUE(IsErr(run(base + 1, 1, 0, 0), kEINVAL)) << "already open";
  // A count past END is fine: the walk stops there, before unmapped words.
  EXPECT_EQ(run(base + 3, kList, 100, 7).status, 0u);
  EXPECT_TRUE(IsErr(run(base + 3, kList, 7, 8), kEINVAL)) << "no END within the count";
  EXPECT_TRUE(IsErr(run(base + 3, kList + 2, 8, 8), kEINVAL)) << "misaligned";
  EXPECT_TRUE(IsErr(run(base + 3, 0x800, 8, 8), kEINVAL)) << "in code";
  EXPECT_TRUE(IsErr(run(base + 3, kList, 0, 8), kEINVAL));
  mem_.words(0x3000, {word(kEnd)});
  EXPECT_EQ(run(base + 3, 0x3000, 1, 9).status, 0u);
  EXPECT_EQ(run(base + 4, 0, 0, 0).status, 2u) << "STATUS counts frames";

  namespace fs = std::filesystem;
  const fs::path dir = c.tube.dump_dir;
  const auto slurp = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  EXPECT_EQ(slurp(dir / "000000.hash"), "29f937341763f34f\n");
  EXPECT_EQ(slurp(dir / "000000.txt").size(), 140u);
  EXPECT_EQ(slurp(dir / "000001.hash"), "cbf29ce484222325\n");
  EXPECT_FALSE(fs::exists(dir / "000002.hash")) << "failed PRESENTs are not journalled";

  // KEYS: oldest first, at most what fits, records verbatim.
  const Completion k = run(base + 5, 0, 8, 0x100);
  EXPECT_EQ(k.status, 2u);
  EXPECT_EQ(k.length, 8u);
  EXPECT_EQ(u32(0x100), 1u);
  EXPECT_EQ(u32(0x104), 2u);
  EXPECT_TRUE(IsErr(run(base + 5, 0, 6, 0x100), kEINVAL));
  EXPECT_TRUE(IsErr(run(base + 5, 0, 0xFFFFFFFC, 0x100), kEINVAL)) << "a wrapping budget";
  EXPECT_EQ(run(base + 5, 0, 4096, 0x100).status, 254u);
  EXPECT_EQ(run(base + 5, 0, 4096, 0x100).status, 0u);
  EXPECT_EQ(run(base + 2, 0, 0, 0).status, 0u) << "CLOSE";
  EXPECT_TRUE(IsErr(run(base + 3, kList, 8, 0), kEINVAL)) << "closed";
  EXPECT_TRUE(IsErr(run(base + 6, 0, 0, 0), kEINVAL)) << "reserved";
}

// ---- term, on a pseudo-terminal ---------------------------------------------------

class TermTest : public ServicesTest {
 protected:
  TermTest() {
    struct winsize ws {};
    ws.ws_row = 5;
    ws.ws_col = 10;
    if (::openpty(&master_, &slave_, nullptr, nullptr, &ws) != 0) throw std::runtime_error("openpty");
    ::tcgetattr(slave_, &before_);
    start(slave_, slave_);
    base_ = grant("term");
  }
  ~TermTest() override {
    backend_.reset();
    ::close(master_);
    ::close(slave_);
  }
  // What the terminal received since the last call (the pty's output side
  // has OPOST on in cooked mode, so "\n" would read "\r\n").
  std::string screen() {
    std::string s;
    char chunk[512];
    struct pollfd p {master_, POLLIN, 0};
    while (::poll(&p, 1, 50) > 0) {
      const ssize_t n = ::read(master_, chunk, sizeof chunk);
      if (n <= 0) break;
      s.append(chunk, static_cast<std::size_t>(n));
    }
    return s;
  }
  Completion op(std::uint32_t sub, std::uint32_t status = 0, std::uint32_t length = 0, std::uint32_t offset = 0) {
    return run(base_ + sub, status, length, offset);
  }
  Completion puts(const std::string& s) {
    std::memcpy(bytes_.data() + 0x200, s.data(), s.size());
    return op(TermService::kPuts, 0, static_cast<std::uint32_t>(s.size()), 0x200);
  }
  int master_ = -1, slave_ = -1;
  struct termios before_ {};
  std::uint32_t base_ = 0;
};

TEST_F(TermTest, DrawsWithEscapeSequences) {
  const Completion size = op(TermService::kGetSize, 0, 0, 0x10);
  EXPECT_EQ(size.length, 8u);
  EXPECT_EQ(u32(0x10), 5u);
  EXPECT_EQ(u32(0x14), 10u);
  op(TermService::kClear);
  op(TermService::kMoveCursor, 2 << 16 | 3);
  op(TermService::kSetAttr, 1);
  op(TermService::kSetColor, 2 << 8 | 4);
  op(TermService::kPutc, 'A');
  puts("bc");
  EXPECT_EQ(screen(), "\x1b[2J\x1b[H\x1b[2;3H\x1b[1m\x1b[32;44mAbc");
}

TEST_F(TermTest, UpdateModeSendsOnlyTheCellsThatChanged) {
  puts("hello");
  screen();
  EXPECT_EQ(op(TermService::kBeginUpdate).status, 0u);
  EXPECT_TRUE(IsErr(op(TermService::kBeginUpdate), kEINVAL));
  op(TermService::kMoveCursor, 1 << 16 | 2);
  puts("E");               // changes (0,1)
  op(TermService::kMoveCursor, 3 << 16 | 1);
  op(TermService::kSetAttr, 7);
  puts("xy");              // (2,0) and (2,1), reversed
  op(TermService::kSetAttr, 0);
  EXPECT_EQ(screen(), "") << "nothing is written inside an update";
  EXPECT_EQ(op(TermService::kEndUpdate).status, 0u);
  // From the snapshot's cursor (0,5): to (0,1), E; to (2,0), reverse, xy;
  // then the pen back to attr 0 and the cursor to (2,2).
  EXPECT_EQ(screen(), "\x1b[1;2HE\x1b[3;1H\x1b[7mxy\x1b[0m\x1b[3;3H");
  EXPECT_TRUE(IsErr(op(TermService::kEndUpdate), kEINVAL));
}

TEST_F(TermTest, SaveAndRestoreRepaintsTheSavedScreen) {
  puts("ab");
  EXPECT_EQ(op(TermService::kSaveScreen).status, 0u);
  op(TermService::kClear);
  puts("zz");
  screen();
  EXPECT_EQ(op(TermService::kRestoreScreen).status, 0u);
  EXPECT_EQ(screen(), "\x1b[0m\x1b[2J\x1b[H\x1b[1;1Hab\x1b[2;1H\x1b[3;1H\x1b[4;1H\x1b[5;1H\x1b[0m\x1b[37;40m\x1b[1;3H");
  EXPECT_TRUE(IsErr(op(TermService::kRestoreScreen), kEINVAL)) << "empty stack";
  for (int i = 0; i < 8; ++i) EXPECT_EQ(op(TermService::kSaveScreen).status, 0u);
  EXPECT_TRUE(IsErr(op(TermService::kSaveScreen), kEINVAL)) << "depth 8";
}

TEST_F(TermTest, RawModeDeliversKeysAndReleaseRestoresTheTerminal) {
  EXPECT_EQ(op(TermService::kSetMode, 1).status, 0u);
  struct termios raw;
  ::tcgetattr(slave_, &raw);
  EXPECT_EQ(raw.c_lflag & (ECHO | ICANON | ISIG), 0u);
  EXPECT_EQ(op(TermService::kKeyAvail).status, 0u);
  ASSERT_EQ(::write(master_, "\x03q", 2), 2);
  struct pollfd p {slave_, POLLIN, 0};
  ASSERT_GT(::poll(&p, 1, 2000), 0);
  EXPECT_EQ(op(TermService::kKeyAvail).status, 1u);
  Completion k = op(TermService::kReadKey, 0, 0, 0x40);
  EXPECT_EQ(k.status, 3u) << "Ctrl-C is a byte in raw mode";
  EXPECT_EQ(k.length, 1u);
  EXPECT_EQ(op(TermService::kReadKey, 0, 0, 0x40).status, static_cast<std::uint32_t>('q'));
  EXPECT_EQ(bytes_[0x40], 'q');
  EXPECT_EQ(named(kSvcRelease, "term").status, 0u);
  struct termios after;
  ::tcgetattr(slave_, &after);
  EXPECT_EQ(after.c_lflag, before_.c_lflag);
  EXPECT_EQ(after.c_iflag, before_.c_iflag);
  EXPECT_EQ(after.c_oflag, before_.c_oflag);
}

TEST_F(TermTest, TheTerminalIsRestoredWhenTheBackendEndsRaw) {
  EXPECT_EQ(op(TermService::kSetMode, 1).status, 0u);
  backend_.reset();
  struct termios after;
  ::tcgetattr(slave_, &after);
  EXPECT_EQ(after.c_lflag, before_.c_lflag);
}

TEST_F(TermTest, RestoreTerminalsUndoesRawModeForSignalHandlers) {
  EXPECT_EQ(op(TermService::kSetMode, 1).status, 0u);
  restore_terminals();
  struct termios after;
  ::tcgetattr(slave_, &after);
  EXPECT_EQ(after.c_lflag, before_.c_lflag);
}

// A second Ctrl-C quits through the exit hooks and _exit, past atexit.
TEST_F(TermTest, TheExitHooksUndoRawModeForAQuitAtOnce) {
  EXPECT_EQ(op(TermService::kSetMode, 1).status, 0u);
  run_exit_hooks();
  struct termios after;
  ::tcgetattr(slave_, &after);
  EXPECT_EQ(after.c_lflag, before_.c_lflag);
}

TEST_F(ServicesTest, TermModeNeedsATerminal) {
  int null_fd = ::open("/dev/null", O_RDWR);
  start(null_fd, null_fd);
  const std::uint32_t base = grant("term");
  EXPECT_TRUE(IsErr(run(base, 1, 0, 0), kEINVAL));
  EXPECT_TRUE(IsErr(run(base, 0, 0, 0), kEINVAL));
  const Completion k = run(base + TermService::kReadKey, 0, 0, 0);
  EXPECT_EQ(k.status, 0xFFFFFFFDu) << "end of input";
  ::close(null_fd);
}

}  // namespace
