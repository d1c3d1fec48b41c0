// Host I/O with real guests (sw/tests): loopback TCP between two s32sim
// processes, --host-io async under back-pressure, requests left on the host
// thread when a run ends, --host-latency measured, where a blocked ACCEPT
// does not stop the simulated CPU, the term service on a pseudo-terminal and
// the tube display's frame journal and keys. Each test bounds its time and
// kills what it started; sockets are on 127.0.0.1, ports chosen by the
// host (BIND port 0) and handed over in a file.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "run_sim.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using s32::itest::Child;
using s32::itest::ChildIo;
using s32::itest::json_field;
using s32::itest::json_number;
using s32::itest::json_string;
using s32::itest::parse_requests;
using s32::itest::read_file;
using s32::itest::start_sim;
using s32::itest::wait_sim;
using s32::itest::RequestRow;
using s32::itest::TempDir;
using s32::itest::write_file;

const std::vector<std::string> kAsyncModel{"--host-io", "async", "--host-latency", "model"};
const std::vector<std::string> kAsyncMeasured{"--host-io", "async", "--host-latency", "measured"};

// s32sim running in `dir` on a copy of sw/NAME.s32x; stdout and stderr go
// to NAME.out and NAME.err there, stdin is `in` (or /dev/null).
Child spawn(const fs::path& dir, const std::string& program, std::vector<std::string> options, int in = -1) {
  const std::string name = fs::path(program).filename().string();
  fs::copy_file(fs::path(S32_SW_BINARY_DIR) / (program + ".s32x"), dir / (name + ".s32x"),
                fs::copy_options::overwrite_existing);
  std::vector<std::string> args{S32SIM_PATH, "-q"};
  args.insert(args.end(), options.begin(), options.end());
  args.push_back(name + ".s32x");
  ChildIo io;
  io.stdin_fd = in;
  io.out = name + ".out";
  io.err = name + ".err";
  return start_sim(dir, std::move(args), io);
}

// Waits (bounded) for the two-byte port file a listening guest writes.
std::optional<std::uint16_t> wait_for_port(const fs::path& file, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    const std::string s = read_file(file);
    if (s.size() == 2) return static_cast<std::uint16_t>(static_cast<unsigned char>(s[0]) |
                                                         (static_cast<unsigned char>(s[1]) << 8));
    std::this_thread::sleep_for(10ms);
  }
  return std::nullopt;
}

std::string random_bytes(std::size_t n) {
  std::mt19937 gen(11);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(gen());
  return s;
}

TEST(HostIo, TwoProcessesTransferAFileOverLoopbackTcpByteForByte) {
  TempDir dir;
  // Several data-buffer loads and a tail that is not a whole chunk.
  const std::string data = random_bytes(300'001);
  write_file(dir.path() / "send.bin", data);
  std::vector<std::string> server_options = kAsyncMeasured;
  server_options.insert(server_options.end(), {"--enable", "net", "--root", "."});
  const Child server = spawn(dir.path(), "tests/net_server", server_options);
  const auto port = wait_for_port(dir.path() / "port", 10s);
  if (!port) {
    wait_sim(server, 0ms);
    FAIL() << "the server wrote no port: " << read_file(dir.path() / "net_server.err");
  }
  const Child client = spawn(dir.path(), "tests/net_client", {"--enable", "net", "--root", "."});
  EXPECT_EQ(wait_sim(client, 30s), 0) << read_file(dir.path() / "net_client.err");
  EXPECT_EQ(wait_sim(server, 30s), 0) << read_file(dir.path() / "net_server.err");
  const std::string got = read_file(dir.path() / "received.bin");
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data) << "received.bin differs from send.bin";
}

TEST(HostIo, NetStaysRefusedWithoutEnable) {
  TempDir dir;
  const Child server = spawn(dir.path(), "tests/net_server", {"--root", "."});
  EXPECT_EQ(wait_sim(server, 10s), 1);
  EXPECT_NE(read_file(dir.path() / "net_server.err").find("errno 13"), std::string::npos)
      << read_file(dir.path() / "net_server.err");
  EXPECT_FALSE(fs::exists(dir.path() / "port"));
}

// net_compute counts loop iterations while its ACCEPT, then its RECV, wait
// on the host; the test connects 300 ms after the port appears and sends
// the byte 300 ms after the guest's "r" arrives.
struct NetComputeRun {
  int status = -1;
  std::uint64_t accept_iterations = 0, recv_iterations = 0;
  std::string stats;
  std::vector<RequestRow> requests;
};

// Connects to 127.0.0.1:port from the test; -1 on failure.
int connect_to(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) return fd;
  close(fd);
  return -1;
}

NetComputeRun run_net_compute(const fs::path& dir, const std::vector<std::string>& mode) {
  std::vector<std::string> options = mode;
  options.insert(options.end(),
                 {"--enable", "net", "--root", ".", "--stats-json", "stats.json", "--requests-csv", "requests.csv"});
  const Child c = spawn(dir, "tests/net_compute", options);
  NetComputeRun r;
  if (const auto port = wait_for_port(dir / "port", 10s); !port) {
    ADD_FAILURE() << "no port: " << read_file(dir / "net_compute.err");
  } else {
    std::this_thread::sleep_for(300ms);
    const int fd = connect_to(*port);
    EXPECT_GE(fd, 0);
    if (fd >= 0) {
      // Simulated time may lag the host's (measured latency), so the RECV
      // is timed from the "r" the guest sends just before it.
      pollfd p{fd, POLLIN, 0};
      char ready = 0;
      EXPECT_EQ(poll(&p, 1, 30'000), 1);
      EXPECT_EQ(read(fd, &ready, 1), 1);
      EXPECT_EQ(ready, 'r');
      std::this_thread::sleep_for(300ms);
      EXPECT_EQ(write(fd, "x", 1), 1);
      close(fd);
    }
  }
  r.status = wait_sim(c, 60s);
  const std::string out = read_file(dir / "net_compute.out");
  std::sscanf(out.c_str(), "accept %" SCNu64 "\nrecv %" SCNu64, &r.accept_iterations, &r.recv_iterations);
  r.stats = read_file(dir / "stats.json");
  r.requests = parse_requests(read_file(dir / "requests.csv"));
  return r;
}

const RequestRow* find(const std::vector<RequestRow>& rows, const std::string& name) {
  for (const RequestRow& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

TEST(HostIo, ABlockedAcceptOrRecvDoesNotStopTheCpuUnderMeasuredLatency) {
  TempDir model_dir, measured_dir;
  const NetComputeRun model = run_net_compute(model_dir.path(), kAsyncModel);
  const NetComputeRun measured = run_net_compute(measured_dir.path(), kAsyncMeasured);
  ASSERT_EQ(model.status, 0) << read_file(model_dir.path() / "net_compute.err");
  ASSERT_EQ(measured.status, 0) << read_file(measured_dir.path() / "net_compute.err");
  EXPECT_EQ(json_string(model.stats, "mode"), "model");
  EXPECT_EQ(json_string(measured.stats, "mode"), "measured");
  EXPECT_NE(measured.stats.find("\"deterministic\": false"), std::string::npos);
  EXPECT_GE(json_field(measured.stats, "host_latency", "measured_requests"), 2u);
  for (const char* name : {"ACCEPT", "RECV"}) {
    // Modelled: the device waits for the host at the earliest cycle the
    // response could be due, so the guest computes only until then.
    const RequestRow* a = find(model.requests, name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_LT(a->host_done - a->start, 10'000u) << name;
    // Measured: the call lasted at least the test's 300 ms, 30,000,000
    // cycles at 100 MHz, and the guest computed all along.
    const RequestRow* b = find(measured.requests, name);
    ASSERT_NE(b, nullptr) << name;
    EXPECT_GE(b->host_done - b->start, 30'000'000u) << name;
  }
  EXPECT_GT(model.accept_iterations, 0u);
  EXPECT_GT(model.recv_iterations, 0u);
  EXPECT_GT(measured.accept_iterations, 100 * model.accept_iterations);
  EXPECT_GT(measured.recv_iterations, 100 * model.recv_iterations);
}

class BackPressure : public testing::TestWithParam<std::vector<std::string>> {};

// 1,200 WRITEs in bursts of 400 against a 255-entry response ring: the
// guest checks each response's offset (its request's index) and status;
// the output is every byte once, in order.
TEST_P(BackPressure, LosesAndReordersNoResponse) {
  TempDir dir;
  s32::itest::SimRun run;
  run.program = "tests/backpressure";
  run.options = GetParam();
  const s32::itest::SimResult r = s32::itest::run_sim(run, dir.path());
  EXPECT_EQ(r.status, 0) << r.err;
  std::string expected;
  for (int i = 0; i < 1200; ++i) expected += static_cast<char>('a' + i % 26);
  s32::itest::expect_same_text(r.out, expected, "stdout");
  EXPECT_GT(json_number(r.stats, "backpressure_cycles"), 0u);
  EXPECT_EQ(json_field(r.stats, "requests", "total"), 1201u);
  const auto rows = parse_requests(r.requests);
  ASSERT_EQ(rows.size(), 1201u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].seq, i);
    ASSERT_TRUE(rows[i].has_posted) << "request " << i;
    if (i) {
      ASSERT_GE(rows[i].posted, rows[i - 1].posted) << "request " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(HostIo, BackPressure, testing::Values(kAsyncModel, kAsyncMeasured),
                         [](const auto& info) { return std::string(info.param[3]); });

TEST(HostIo, AGuestThatNeverConsumesResponsesEndsAtItsHaltSayingSo) {
  TempDir dir;
  s32::itest::SimRun run;
  run.program = "tests/never_consumes";
  run.options = kAsyncMeasured;
  const auto t0 = std::chrono::steady_clock::now();
  const s32::itest::SimResult r = s32::itest::run_sim(run, dir.path());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, std::string(300, 'x'));
  EXPECT_EQ(json_number(r.stats, "responses_dropped_after_halt"), 45u);
  EXPECT_NE(r.err.find("45 responses dropped"), std::string::npos) << r.err;
}

class InFlight : public testing::TestWithParam<std::vector<std::string>> {};

// getchar_exit: GETCHAR on a pipe, then EXIT 3 behind it. The EXIT waits
// for the GETCHAR, which the test answers after 300 ms.
TEST_P(InFlight, AnExitBehindARequestOnTheHostThreadEndsTheRunOnceItCompletes) {
  TempDir dir;
  int in[2];
  ASSERT_EQ(pipe(in), 0);
  std::vector<std::string> options = GetParam();
  options.insert(options.end(), {"--stats-json", "stats.json", "--requests-csv", "requests.csv"});
  const Child c = spawn(dir.path(), "tests/getchar_exit", options, in[0]);
  close(in[0]);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(write(in[1], "k", 1), 1);
  EXPECT_EQ(wait_sim(c, 20s), 3) << read_file(dir.path() / "getchar_exit.err");
  close(in[1]);
  const auto rows = parse_requests(read_file(dir.path() / "requests.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "GETCHAR");
  EXPECT_TRUE(rows[0].has_posted);
  EXPECT_EQ(rows[1].name, "EXIT");
  EXPECT_GE(rows[1].start, rows[0].host_done);
  EXPECT_EQ(json_string(read_file(dir.path() / "stats.json"), "stop_reason"), "exit");
}

// Nobody writes: under measured latency simulated time goes on while the
// GETCHAR blocks, the cycle limit ends the run, the GETCHAR is cancelled
// and the host thread joined. (Modelled latency waits for the host in wall
// time, as sync mode does.)
TEST(HostIo, TheCycleLimitEndsARunWhoseRequestStaysBlockedOnTheHost) {
  TempDir dir;
  int in[2];
  ASSERT_EQ(pipe(in), 0);
  std::vector<std::string> options = kAsyncMeasured;
  options.insert(options.end(), {"--max-cycles", "2000000", "--stats-json", "stats.json"});
  const Child c = spawn(dir.path(), "tests/getchar_exit", options, in[0]);
  close(in[0]);
  EXPECT_EQ(wait_sim(c, 20s), 124) << read_file(dir.path() / "getchar_exit.err");
  close(in[1]);
  EXPECT_EQ(json_string(read_file(dir.path() / "stats.json"), "stop_reason"), "cycle-limit");
}

// SIGINT while the GETCHAR blocks on a pipe nobody writes: 130, with the
// statistics and the waveform written, without waiting for input.
TEST_P(InFlight, SigintDuringABlockedHostCallEndsWith130AndWritesTheOutputs) {
  TempDir dir;
  int in[2];
  ASSERT_EQ(pipe(in), 0);
  std::vector<std::string> options = GetParam();
  options.insert(options.end(), {"--stats-json", "stats.json", "--vcd", "trace.vcd"});
  const Child c = spawn(dir.path(), "tests/getchar_exit", options, in[0]);
  close(in[0]);
  std::this_thread::sleep_for(500ms);
  kill(c.pid, SIGINT);
  EXPECT_EQ(wait_sim(c, 10s), 130) << read_file(dir.path() / "getchar_exit.err");
  close(in[1]);
  EXPECT_EQ(json_string(read_file(dir.path() / "stats.json"), "stop_reason"), "interrupted");
  EXPECT_NE(read_file(dir.path() / "trace.vcd").find("$enddefinitions $end"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(HostIo, InFlight, testing::Values(kAsyncModel, kAsyncMeasured),
                         [](const auto& info) { return std::string(info.param[3]); });

// A pseudo-terminal the test holds both ends of: s32sim gets the slave as
// its controlling terminal and stdio, the test reads the screen from the
// master and keeps a slave fd to look at the terminal's settings.
class Pty {
 public:
  Pty() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return;
    name_ = ptsname(master_);
    slave_ = open(name_.c_str(), O_RDWR | O_NOCTTY);
  }
  ~Pty() {
    if (slave_ >= 0) close(slave_);
    if (master_ >= 0) close(master_);
  }
  bool ok() const { return slave_ >= 0; }
  int master() const { return master_; }
  termios settings() const {
    termios t{};
    tcgetattr(slave_, &t);
    return t;
  }
  pid_t spawn(const fs::path& dir, const std::string& program, std::vector<std::string> options) const {
    const std::string file = fs::path(program).filename().string() + ".s32x";
    fs::copy_file(fs::path(S32_SW_BINARY_DIR) / (program + ".s32x"), dir / file,
                  fs::copy_options::overwrite_existing);
    std::vector<std::string> args{S32SIM_PATH, "-q"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(file);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
      // A new session whose controlling terminal is the slave.
      if (setsid() < 0 || chdir(dir.c_str()) != 0) _exit(120);
      const int tty = open(name_.c_str(), O_RDWR);
      if (tty < 0 || dup2(tty, 0) < 0 || dup2(tty, 1) < 0 || dup2(tty, 2) < 0) _exit(121);
      execv(argv[0], argv.data());
      _exit(123);
    }
    return pid;
  }
  // Appends what the screen gets to `screen` until `until` appears in it
  // or `limit` has passed (the whole time for an empty `until`).
  void read_until(std::string& screen, const std::string& until, std::chrono::milliseconds limit) const {
    const auto end = std::chrono::steady_clock::now() + limit;
    while ((until.empty() || screen.find(until) == std::string::npos) && std::chrono::steady_clock::now() < end) {
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      char buf[512];
      const ssize_t n = read(master_, buf, sizeof buf);
      if (n > 0) screen.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  int master_ = -1, slave_ = -1;
  std::string name_;
};

class Term : public testing::TestWithParam<std::vector<std::string>> {};

// term_echo on a pseudo-terminal: raw mode, a clear, "hello" at row 5
// column 10, then each key echoed until 'q'; it exits still in raw mode,
// and s32sim restores the terminal.
TEST_P(Term, AGuestDrawsAtTheCursorEchoesKeysInRawModeAndTheTerminalIsRestored) {
  TempDir dir;
  Pty pty;
  ASSERT_TRUE(pty.ok()) << "no pseudo-terminal: " << std::strerror(errno);
  const termios before = pty.settings();
  ASSERT_TRUE(before.c_lflag & ECHO) << "a new pseudo-terminal echoes";
  const pid_t pid = pty.spawn(dir.path(), "tests/term_echo", GetParam());
  std::string screen;
  pty.read_until(screen, "hello", 10s);
  ASSERT_NE(screen.find("hello"), std::string::npos) << screen;
  // The guest set raw mode before drawing: no echo, keys one by one.
  EXPECT_FALSE(pty.settings().c_lflag & (ECHO | ICANON));
  ASSERT_EQ(write(pty.master(), "ab", 2), 2);
  pty.read_until(screen, "helloab", 10s);
  ASSERT_EQ(write(pty.master(), "q", 1), 1);
  const int status = wait_sim(Child{pid}, 10000ms);
  pty.read_until(screen, "", 200ms);  // what is left on the master
  EXPECT_EQ(status, 0) << testing::PrintToString(screen);
  EXPECT_NE(screen.find("\x1b[2J\x1b[H\x1b[5;10Hhelloab"), std::string::npos) << testing::PrintToString(screen);
  EXPECT_EQ(screen.find('q'), std::string::npos) << "'q' ends the guest unechoed";
  const termios after = pty.settings();
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  EXPECT_EQ(after.c_iflag, before.c_iflag);
  EXPECT_EQ(after.c_oflag, before.c_oflag);
  EXPECT_EQ(after.c_cc[VMIN], before.c_cc[VMIN]);
}

INSTANTIATE_TEST_SUITE_P(HostIo, Term,
                         testing::Values(std::vector<std::string>{"--host-io", "sync"}, kAsyncModel, kAsyncMeasured),
                         [](const auto& info) { return std::string(info.param.size() > 2 ? info.param[3] : "sync"); });

// ---- tube --------------------------------------------------------------------------

// Key records: u16 code, u8 down, u8 reserved.
std::string key_records(std::initializer_list<std::uint16_t> codes) {
  std::string s;
  for (std::uint16_t c : codes) s += {static_cast<char>(c & 0xFF), static_cast<char>(c >> 8), 1, 0};
  return s;
}

class Tube : public testing::TestWithParam<bool> {};

// tube_square PRESENTs services.md's square and dot, then an empty frame:
// their hashes are the vectors derived by hand there (and in
// TubeFrame.HashesMatchTheVectorsDerivedByHand). Given by the options or,
// as the public emulator's test scripts do, by S32_TUBE_DUMP/S32_TUBE_KEYS.
TEST_P(Tube, ARealGuestsFramesHashAsDerivedByHandAndItGetsTheInjectedKeys) {
  const bool by_environment = GetParam();
  TempDir dir;
  s32::itest::SimRun run;
  run.program = "tests/tube_square";
  run.files = {{"keys.bin", key_records({0x100, 'a', 27})}};
  if (by_environment)
    run.host_env = {{"S32_TUBE_DUMP", "frames"}, {"S32_TUBE_KEYS", "sandbox/keys.bin"}, {"S32_TUBE_DUMP_FULL", "0"}};
  else
    run.options = {"--tube-dump", "frames", "--tube-keys", "sandbox/keys.bin"};
  const auto r = s32::itest::run_sim(run, dir.path() / "run");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "frames 2\nkeys 256 97 27\n");
  const fs::path frames = dir.path() / "run" / "frames";
  EXPECT_EQ(read_file(frames / "000000.hash"), "29f937341763f34f\n");
  EXPECT_EQ(read_file(frames / "000001.hash"), "cbf29ce484222325\n");
  EXPECT_FALSE(fs::exists(frames / "000002.hash"));
  if (by_environment) {
    EXPECT_EQ(read_file(frames / "000000.txt"),
              "M 100 100\nD 300 100 255 255 255 255\nD 300 300 255 255 255 255\nD 100 300 255 255 255 255\n"
              "D 100 100 255 255 255 255\nP 200 200 255 255 255 128\n");
    EXPECT_EQ(read_file(frames / "000001.txt"), "");
  }
}

INSTANTIATE_TEST_SUITE_P(HostIo, Tube, testing::Bool(),
                         [](const auto& info) { return std::string(info.param ? "environment" : "options"); });

}  // namespace
