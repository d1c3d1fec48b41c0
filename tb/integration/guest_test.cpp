// Guests that go wrong, and code written by DMA: each documented exit
// status, with the output written so far kept and the statistics and
// waveform complete.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include "run_sim.hpp"

namespace {

namespace fs = s32::itest::fs;
using s32::itest::json_field;
using s32::itest::json_number;
using s32::itest::json_string;
using s32::itest::read_file;
using s32::itest::run_sim;
using s32::itest::SimResult;
using s32::itest::SimRun;

class Guest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("s32sim-guest-" + std::to_string(::getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  SimResult run(const SimRun& r) { return run_sim(r, dir_); }
  std::string vcd() const { return read_file(dir_ / "trace.vcd"); }
  fs::path dir_;
};

// `addi r3, r0, 'B'` in little-endian bytes: replaces patch's `li r3, 'A'`.
std::string patch_code() {
  const std::uint32_t word = 0x04200190u;
  std::string bytes;
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>(word >> (8 * i)));
  return bytes;
}

TEST_F(Guest, ReadDirectOverExecutedCodeRunsTheNewCode) {
  std::vector<std::vector<std::string>> modes = {{"--mode", "fast"}, {"--mode", "cycle"}};
#ifdef S32_HAVE_JIT
  modes.push_back({"--mode", "fast", "--engine", "jit"});  // the translated 'A' code must go too
#endif
  for (const auto& options : modes) {
    const std::string mode = options.back();
    SimRun r;
    r.program = "tests/dma_code";
    r.options = options;
    r.args = {"patch.bin"};
    r.files = {{"patch.bin", patch_code()}};
    const SimResult res = run(r);
    EXPECT_EQ(res.status, 0) << mode << ": " << res.err;
    EXPECT_EQ(res.out, "AB\n") << mode << ": the predecoded 'A' code ran again";
    fs::remove_all(dir_);
  }
}

// Found by fuzzing (issue 8): an 8-byte READ_DIRECT to mmio_base once wrote
// REQ_HEAD from inside the device's worker and published stale descriptors.
TEST_F(Guest, ReadDirectOntoTheRingWindowIsRefusedWithEfault) {
  for (const char* mode : {"fast", "cycle"}) {
    SimRun r;
    r.program = "tests/dma_window";
    r.options = {"--mode", mode, "--strict"};
    r.args = {"head.bin"};
    r.files = {{"head.bin", std::string("\xfe\0\0\0\0\0\0\0", 8)}};
    const SimResult res = run(r);
    EXPECT_EQ(res.status, 0) << mode << ": " << res.err;
    EXPECT_EQ(res.out, "EFAULT\n") << mode;
    fs::remove_all(dir_);
  }
}

// Issue 8: --max-cycles 1000 once stopped at 1003 (the instruction in
// flight ran to its end) and a device draining a 30 s SLEEP after HALT ran
// 3,000,000,389 cycles (fast, exit 0) or forever (cycle). The run ends at
// exactly N in both modes (isa::Core::end_at states the rule).
TEST_F(Guest, MaxCyclesStopsAtExactlyTheLimitEvenInsideAnInstruction) {
  for (const char* mode : {"fast", "cycle"}) {
    SimRun r;
    r.program = "examples/muldiv";  // multi-cycle instructions cross the limit
    r.options = {"--mode", mode, "--max-cycles", "1000"};
    const SimResult res = run(r);
    EXPECT_EQ(res.status, 124) << mode << ": " << res.err;
    EXPECT_EQ(json_number(res.stats, "cycles"), 1000u) << mode;
    fs::remove_all(dir_);
  }
}

TEST_F(Guest, MaxCyclesStopsADeviceStillDrainingAfterHalt) {
  for (const char* mode : {"fast", "cycle"}) {
    SimRun r;
    r.program = "tests/sleep_then_halt";
    r.options = {"--mode", mode, "--max-cycles", "1000000"};
    const SimResult res = run(r);
    EXPECT_EQ(res.status, 124) << mode << ": " << res.err;
    EXPECT_EQ(json_number(res.stats, "cycles"), 1000000u) << mode;
    fs::remove_all(dir_);
  }
}

// The device acts up to the fault cycle in every mode: a WRITE published
// just before an illegal instruction was printed in cycle mode only.
TEST_F(Guest, WritePublishedJustBeforeAFaultIsPrintedInEveryMode) {
  for (const char* mode : {"fast", "cycle"}) {
    SimRun r;
    r.program = "tests/fault_after_write";
    r.options = {"--mode", mode};
    const SimResult res = run(r);
    EXPECT_EQ(res.status, 132) << mode << ": " << res.err;
    EXPECT_EQ(res.out, "late\n") << mode;
    fs::remove_all(dir_);
  }
}

// The VCD was closed properly: its last value of cpu_state is halted (4).
void expect_complete_vcd(const std::string& vcd) {
  ASSERT_NE(vcd.find("$enddefinitions $end"), std::string::npos);
  const auto var = vcd.find(" cpu_state [2:0] $end");
  ASSERT_NE(var, std::string::npos);
  const auto code_at = vcd.rfind(' ', var - 1) + 1;
  const std::string code = vcd.substr(code_at, var - code_at);
  EXPECT_NE(vcd.rfind("b100 " + code + "\n"), std::string::npos) << "cpu_state never reached halted";
}

TEST_F(Guest, IllegalInstructionExits132KeepingOutputStatsAndWaveform) {
  SimRun r;
  r.program = "tests/fault_illegal";
  r.options = {"--vcd", "trace.vcd", "--mode", "cycle"};
  const SimResult res = run(r);
  EXPECT_EQ(res.status, 132);
  EXPECT_EQ(res.out, "before the fault\n");
  EXPECT_NE(res.err.find("illegal opcode at pc 0x"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find(".word 0x0000007e"), std::string::npos) << res.err;
  EXPECT_EQ(json_string(res.stats, "stop_reason"), "fault");
  EXPECT_EQ(json_number(res.stats, "exit_code"), 132u);
  expect_complete_vcd(vcd());
}

// A fault while the host thread is blocked in GETCHAR on a pipe that stays
// open: the run ends with the fault's status, in bounded time, because the
// host thread is joined (its blocked read cancelled) instead of waited for.
TEST_F(Guest, AsyncRunEndsWithARequestBlockedOnTheHost) {
  fs::create_directories(dir_);
  fs::copy_file(fs::path(S32_SW_BINARY_DIR) / "tests/fault_in_flight.s32x", dir_ / "fault_in_flight.s32x");
  int in[2];
  ASSERT_EQ(::pipe(in), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (chdir(dir_.c_str()) != 0 || dup2(in[0], 0) < 0) _exit(120);
    const int out = open("stdout", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(121);
    ::close(in[1]);
    // A quantum of 1: the device takes the request before the CPU faults.
    execl(S32SIM_PATH, S32SIM_PATH, "-q", "--host-io", "async", "--quantum", "1", "--requests-csv", "requests.csv",
          "fault_in_flight.s32x", nullptr);
    _exit(123);
  }
  const auto t0 = std::chrono::steady_clock::now();
  ::close(in[0]);
  int wstatus = 0;
  pid_t done = 0;
  for (int i = 0; i < 200 && done == 0; ++i) {
    done = waitpid(pid, &wstatus, WNOHANG);
    if (done == 0) ::usleep(50'000);
  }
  if (done == 0) {
    ::kill(pid, SIGKILL);
    waitpid(pid, &wstatus, 0);
    ADD_FAILURE() << "s32sim did not end within 10 s with a request blocked on the host";
  } else {
    ASSERT_TRUE(WIFEXITED(wstatus));
    EXPECT_EQ(WEXITSTATUS(wstatus), 132) << read_file(dir_ / "stdout");
    const auto rows = s32::itest::parse_requests(read_file(dir_ / "requests.csv"));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_FALSE(rows[0].has_posted);
    // The host thread gives a blocked job half a second before cancelling
    // it: a quicker end means nothing was in flight and the test proved
    // nothing.
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(450));
  }
  ::close(in[1]);
}

TEST_F(Guest, MemoryFaultExits139NamingTheAddress) {
  SimRun r;
  r.program = "tests/fault_memory";
  r.options = {"--vcd", "trace.vcd"};
  const SimResult res = run(r);
  EXPECT_EQ(res.status, 139);
  EXPECT_EQ(res.out, "Dbefore the fault\n") << "DEBUG and ring output, in order, flushed";
  EXPECT_NE(res.err.find("address 0xf0000010"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("ldw r5, r4+16"), std::string::npos) << res.err;
  EXPECT_EQ(json_string(res.stats, "stop_reason"), "fault");
  expect_complete_vcd(vcd());
}

TEST_F(Guest, FailedAssertionExits134WithBothValues) {
  SimRun r;
  r.program = "tests/fault_assert";
  const SimResult res = run(r);
  EXPECT_EQ(res.status, 134);
  EXPECT_NE(res.err.find("assertion failed"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("0x00000007 != 0x00000008"), std::string::npos) << res.err;
  EXPECT_EQ(json_string(res.stats, "stop_reason"), "assert");
}

TEST_F(Guest, CycleLimitExits124) {
  for (const char* mode : {"fast", "cycle"}) {
    SimRun r;
    r.program = "tests/spin";
    r.options = {"--max-cycles", "5000", "--mode", mode};
    const SimResult res = run(r);
    EXPECT_EQ(res.status, 124) << mode;
    EXPECT_EQ(json_string(res.stats, "stop_reason"), "cycle-limit") << mode;
    const std::uint64_t cycles = json_number(res.stats, "cycles");
    EXPECT_GE(cycles, 5000u) << mode;
    EXPECT_LE(cycles, 5001u) << mode;  // the loop's instructions cost 1 cycle each
    fs::remove_all(dir_);
  }
}

TEST_F(Guest, ProtocolViolationIsCountedAndStopsAStrictRun) {
  SimRun r;
  r.program = "tests/wrong_index";
  SimResult res = run(r);
  EXPECT_EQ(res.status, 0);
  EXPECT_EQ(json_field(res.stats, "protocol_warnings", "total"), 1u);
  EXPECT_EQ(json_number(res.stats, "wrong-side-index"), 1u);
  fs::remove_all(dir_);

  r.options = {"--strict"};
  res = run(r);
  EXPECT_EQ(res.status, 125);
  EXPECT_EQ(json_string(res.stats, "stop_reason"), "protocol-violation");
  EXPECT_NE(res.err.find("REQ_TAIL"), std::string::npos) << res.err;
}

// The progress reporter only watches: the same run with it gives the same
// statistics and request timestamps.
TEST_F(Guest, ProgressReportingDoesNotChangeResults) {
  SimRun r;
  r.program = "bench/latency";
  r.args = {"30"};
  const SimResult quiet = run(r);
  fs::remove_all(dir_);
  r.options = {"--progress"};
  const SimResult watched = run(r);
  EXPECT_EQ(watched.status, quiet.status);
  EXPECT_EQ(json_number(watched.stats, "cycles"), json_number(quiet.stats, "cycles"));
  EXPECT_EQ(json_number(watched.stats, "instructions"), json_number(quiet.stats, "instructions"));
  EXPECT_EQ(watched.requests, quiet.requests);
  EXPECT_EQ(watched.out, quiet.out);
}

TEST_F(Guest, ThroughputCountsThePayloadBytesMoved) {
  SimRun r;
  r.program = "bench/throughput";
  r.args = {"3"};
  const SimResult res = run(r);
  ASSERT_EQ(res.status, 0);
  EXPECT_EQ(res.out.size(), 3u * 32768);
  EXPECT_EQ(json_field(res.stats, "throughput", "payload_bytes"), 3u * 32768);
}

// A program that cannot be loaded: exit 126 and one line on stderr.
TEST_F(Guest, UnloadableProgramExits126WithOneLine) {
  fs::create_directories(dir_);
  s32::itest::write_file(dir_ / "bad.s32x", "X23S but not really an executable");
  for (const std::string program : {"bad.s32x", "missing.s32x"}) {
    const std::string cmd = std::string(S32SIM_PATH) + " -q " + (dir_ / program).string() + " 2> " +
                            (dir_ / "err").string() + " > /dev/null";
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 126) << program;
    const std::string err = read_file(dir_ / "err");
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_NE(err.find(program), std::string::npos) << err;
  }
}

}  // namespace

// A guest whose file service is denied: every file request answers EACCES
// (so even its error message on stderr is lost), nothing appears in the
// sandbox, and the statistics count each refusal.
TEST_F(Guest, DeniedFileServiceWritesNothingAndIsCounted) {
  SimRun r;
  r.program = "examples/file_roundtrip";
  r.options = {"--deny", "fs"};
  SimResult res = run(r);
  EXPECT_EQ(res.status, 1);
  EXPECT_EQ(res.out, "");
  EXPECT_TRUE(res.files.empty()) << res.files.begin()->first;
  EXPECT_EQ(json_field(res.stats, "policy_refused", "total"), 5u);
  EXPECT_EQ(json_field(res.stats, "by_service", "fs"), 5u);
  fs::remove_all(dir_);

  r.options = {"--allow", "env,fs"};
  res = run(r);
  EXPECT_EQ(res.status, 0) << res.err;
  EXPECT_EQ(json_field(res.stats, "policy_refused", "total"), 0u);
}

namespace {

// --dir: s32sim runs in dir_, just outside its root (dir_/sandbox). Granted
// dir_, the guest starts there, as the user is; without it, at the root.
TEST_F(Guest, AGuestStartsInTheGrantedDirectoryItIsRunFrom) {
  SimRun r;
  r.program = "examples/listdir";
  r.options = {"--dir", "."};
  SimResult res = run(r);
  EXPECT_EQ(res.status, 0) << res.err;
  EXPECT_NE(res.out.find("sandbox\n"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("listdir.s32x\n"), std::string::npos) << res.out;
  fs::remove_all(dir_);

  r.options = {"--dir", ".::/granted:ro"};
  r.args = {"/granted/sandbox/.."};
  res = run(r);
  EXPECT_EQ(res.status, 0) << res.err;
  EXPECT_NE(res.out.find("listdir.s32x\n"), std::string::npos) << res.out;
  fs::remove_all(dir_);

  r.options = {};
  r.args = {};
  res = run(r);
  EXPECT_EQ(res.status, 0) << res.err;
  EXPECT_EQ(res.out, "");
}

TEST_F(Guest, AReadOnlyGrantRefusesTheGuestsWritesWithErofs) {
  SimRun r;
  r.program = "examples/file_roundtrip";
  r.options = {"--dir", ".:ro"};
  const SimResult res = run(r);
  EXPECT_EQ(res.status, 1);
  EXPECT_NE(res.err.find("failed, errno 30"), std::string::npos) << res.err;
  EXPECT_FALSE(fs::exists(dir_ / "roundtrip.txt"));
  EXPECT_TRUE(res.files.empty());
}

}  // namespace
