// The s32sim command as a user meets it: clean stops on signals, options
// refused up front, config files that name their errors, and saved
// configurations that repeat a run exactly.
#include <signal.h>

#include <chrono>
#include <thread>

#include "run_sim.hpp"
#include "vcd_reader.hpp"

namespace s32::itest {
namespace {

// s32sim in `dir` with stdout/stderr to files there and stdin from
// `stdin_fd` (default /dev/null).
Child spawn(const fs::path& dir, std::vector<std::string> args, int stdin_fd = -1) {
  args.insert(args.begin(), S32SIM_PATH);
  ChildIo io;
  io.stdin_fd = stdin_fd;
  return start_sim(dir, std::move(args), io);
}

fs::path program(const char* name) { return fs::path(S32_SW_BINARY_DIR) / name; }

// The last timestamp of a VCD in picoseconds, and whether every line is
// well formed.
std::uint64_t vcd_end(const std::string& vcd, bool& well_formed) {
  well_formed = vcd.find("$enddefinitions $end") != std::string::npos && !vcd.empty() && vcd.back() == '\n';
  const auto at = vcd.find("$timescale");
  std::string timescale;
  for (std::size_t i = at == std::string::npos ? vcd.size() : at + 10; i < vcd.size() && vcd[i] != '$'; ++i)
    if (vcd[i] != ' ' && vcd[i] != '\n') timescale += vcd[i];
  std::uint64_t last = 0;
  std::istringstream in(vcd.substr(vcd.find("$enddefinitions")));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const char c = line[0];
    if (c == '#') {
      last = std::strtoull(line.c_str() + 1, nullptr, 10);
    } else if (!(c == '0' || c == '1' || c == 'b' || c == 'x' || c == '$')) {
      well_formed = false;
    }
  }
  return last * timescale_ps(timescale);
}

class CleanStop : public testing::TestWithParam<std::pair<int, const char*>> {};

TEST_P(CleanStop, CycleModeRunWritesEveryOutputAndExitsWith128PlusTheSignal) {
  const auto [signal, name] = GetParam();
  TempDir dir;
  const Child c = spawn(dir.path(), {"-q", "--mode", "cycle", "--vcd", "w.vcd", "--stats-json", "s.json",
                                     "--requests-csv", "r.csv", program("tests/chatter.s32x").string()});
  // Short: cycle mode writes tens of MB of VCD a second, and a loaded
  // machine needs time to put it on disk after the stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(c.pid, signal);
  const int status = wait_sim(c, std::chrono::seconds(30));
  EXPECT_EQ(status, 128 + signal) << read_file(dir.path() / "stderr");

  const std::string json = read_file(dir.path() / "s.json");
  EXPECT_EQ(json_string(json, "stop_reason"), "interrupted");
  EXPECT_EQ(json_number(json, "exit_code"), static_cast<std::uint64_t>(128 + signal));
  EXPECT_NE(json_string(json, "message").find(name), std::string::npos);
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.substr(json.size() - 2), "}\n");  // the whole document
  const std::uint64_t cycles = json_number(json, "cycles");
  EXPECT_GT(cycles, 0u);

  // Every WRITE the device carried out reached stdout, in order; the guest
  // writes a line as three requests, and the host does the work when the
  // device takes a request (its modelled latency ends later).
  const std::string csv = read_file(dir.path() / "r.csv");
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(csv.back(), '\n');
  std::size_t started = 0, done = 0;
  for (const RequestRow& r : parse_requests(csv)) {
    started += r.has_start;
    done += r.has_host_done;
  }
  const std::string out = read_file(dir.path() / "stdout");
  std::string expected;
  for (std::size_t i = 0; expected.size() < out.size(); ++i) expected += "tick " + std::to_string(i) + "\n";
  EXPECT_EQ(expected.rfind(out, 0), 0u) << "stdout is not the guest's lines in order";
  const auto lines = static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n'));
  EXPECT_GT(lines, 0u);
  EXPECT_GE(lines, done / 3);
  EXPECT_LE(lines, started / 3);

  bool well_formed = false;
  const std::uint64_t end = vcd_end(read_file(dir.path() / "w.vcd"), well_formed);
  EXPECT_TRUE(well_formed);
  EXPECT_GE(end, cycles * 10000);  // 10 ns a cycle at 100 MHz, in ps
}

INSTANTIATE_TEST_SUITE_P(Signals, CleanStop,
                         testing::Values(std::pair<int, const char*>{SIGINT, "SIGINT"},
                                         std::pair<int, const char*>{SIGTERM, "SIGTERM"},
                                         std::pair<int, const char*>{SIGHUP, "SIGHUP"}),
                         [](const auto& info) { return std::string(info.param.second); });

TEST(CleanStop, AFastRunWithTheLongestQuantumStopsPromptly) {
  TempDir dir;
  const Child c = spawn(dir.path(), {"-q", "--quantum", "1048576", "--stats-json", "s.json",
                                     program("tests/spin.s32x").string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t0 = std::chrono::steady_clock::now();
  kill(c.pid, SIGINT);
  EXPECT_EQ(wait_sim(c, std::chrono::seconds(5)), 130);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  EXPECT_EQ(json_string(read_file(dir.path() / "s.json"), "stop_reason"), "interrupted");
}

TEST(CleanStop, AFastRunWhoseYieldsWaitWithoutTimeoutStopsPromptly) {
  TempDir dir;
  const Child c = spawn(dir.path(), {"-q", "--yield-timeout", "0", "--stats-json", "s.json",
                                     program("tests/chatter.s32x").string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t0 = std::chrono::steady_clock::now();
  kill(c.pid, SIGTERM);
  EXPECT_EQ(wait_sim(c, std::chrono::seconds(5)), 143);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  EXPECT_EQ(json_string(read_file(dir.path() / "s.json"), "stop_reason"), "interrupted");
}

TEST(CleanStop, ASecondSignalQuitsAtOnceWhenTheGuestWaitsForInput) {
  TempDir dir;
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  // The guest's READ of stdin blocks the host side; a first signal cannot
  // reach a safe point until input comes.
  const Child c = spawn(dir.path(), {"-q", "--stats-json", "s.json", program("examples/echo.s32x").string()},
                        pipe_fds[0]);
  close(pipe_fds[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(c.pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  kill(c.pid, SIGINT);
  EXPECT_EQ(wait_sim(c, std::chrono::seconds(5)), 130);
  close(pipe_fds[1]);
  EXPECT_NE(read_file(dir.path() / "stderr").find("quitting without statistics"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "s.json"));
}

TEST(Reports, AReportThatCannotBeWrittenAtTheEndFailsTheRunWithTheReason) {
  TempDir dir;
  EXPECT_EQ(wait_sim(spawn(dir.path(), {"-q", "--stats-json", "/dev/full", program("examples/hello_ring.s32x").string()}),
                     std::chrono::seconds(10)),
            74);
  EXPECT_NE(read_file(dir.path() / "stderr").find("cannot write statistics to '/dev/full': No space left on device"),
            std::string::npos)
      << read_file(dir.path() / "stderr");
  EXPECT_EQ(read_file(dir.path() / "stdout"), "Hello, ring!\n");
}

// One bad option: exit 2 at once, one line naming it.
struct BadOption {
  std::vector<std::string> args;
  std::string named;  // what the message must contain
};

class Refused : public testing::TestWithParam<BadOption> {};

TEST_P(Refused, ExitsWith2AtOnceNamingTheOption) {
  const BadOption& bad = GetParam();
  TempDir dir;
  fs::create_directories(dir.path() / "adir");
  std::vector<std::string> args = bad.args;
  args.push_back(program("examples/hello_ring.s32x").string());
  const auto t0 = std::chrono::steady_clock::now();
  const int status = wait_sim(spawn(dir.path(), args), std::chrono::seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  EXPECT_EQ(status, 2);
  const std::string err = read_file(dir.path() / "stderr");
  EXPECT_NE(err.find(bad.named), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(read_file(dir.path() / "stdout"), "");  // nothing ran
}

INSTANTIATE_TEST_SUITE_P(
    Options, Refused,
    testing::Values(BadOption{{"--quantum", "-1"}, "--quantum"}, BadOption{{"--quantum", "1048577"}, "--quantum"},
                    BadOption{{"--max-cycles", "-1"}, "--max-cycles"},
                    BadOption{{"--yield-timeout", "-1"}, "--yield-timeout"},
                    BadOption{{"--ram-latency", "4294967296"}, "--ram-latency"},
                    BadOption{{"--mmio-latency", "4294967297"}, "--mmio-latency"},
                    BadOption{{"--clock-mhz", "0"}, "--clock-mhz: must be a frequency from 0.001"},
                    BadOption{{"--stats-json", "missing/s.json"}, "--stats-json: 'missing/s.json': No such file"},
                    BadOption{{"--requests-csv", "missing/r.csv"}, "--requests-csv: 'missing/r.csv': No such file"},
                    BadOption{{"--vcd", "adir"}, "--vcd: 'adir': Is a directory"},
                    BadOption{{"--vcd", "-"}, "--vcd"},
                    BadOption{{"--stats-json", "x", "--requests-csv", "x"}, "--requests-csv: 'x' is also"},
                    BadOption{{"--irq-coalesce", "4,0"}, "--irq-coalesce: has no effect without --irq on"},
                    BadOption{{"--root", "nowhere"}, "--root: 'nowhere': No such file"},
                    BadOption{{"--cost", "add=-1"}, "--cost"}, BadOption{{"--trigger", "poll:-5"}, "--trigger"}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Reports, DashMeansStdout) {
  TempDir dir;
  const int status = wait_sim(spawn(dir.path(), {"-q", "--stats-json", "-", "--requests-csv", "-",
                                                 program("examples/hello_ring.s32x").string()}),
                              std::chrono::seconds(10));
  EXPECT_EQ(status, 0);
  EXPECT_FALSE(fs::exists(dir.path() / "-"));
  const std::string out = read_file(dir.path() / "stdout");
  EXPECT_EQ(out.rfind("Hello, ring!\n", 0), 0u) << out;
  EXPECT_NE(out.find("seq,opcode,name"), std::string::npos);
  EXPECT_NE(out.find("\"stop_reason\": \"exit\""), std::string::npos);
}

TEST(Reports, ADirectoryAsTheProgramSaysSo) {
  TempDir dir;
  EXPECT_EQ(wait_sim(spawn(dir.path(), {"-q", "."}), std::chrono::seconds(5)), 126);
  EXPECT_NE(read_file(dir.path() / "stderr").find("Is a directory"), std::string::npos);
}

TEST(Reports, StallingCoalescingIsWarnedAndTimeoutsCounted) {
  TempDir dir;
  const int status = wait_sim(spawn(dir.path(), {"--no-progress", "--irq", "on", "--irq-coalesce", "4,0",
                                                 "--yield-timeout", "1000", program("examples/hello_ring.s32x").string()}),
                              std::chrono::seconds(10));
  EXPECT_EQ(status, 0);
  const std::string err = read_file(dir.path() / "stderr");
  EXPECT_NE(err.find("warning: --irq-coalesce 4,0"), std::string::npos) << err;
  EXPECT_NE(err.find("(1 timeouts)"), std::string::npos) << err;
}

TEST(Reports, ARunThatCanNeverGoOnIsReportedAsStalled) {
  TempDir dir;
  EXPECT_EQ(wait_sim(spawn(dir.path(), {"--no-progress", "--stats-json", "s.json", "--irq", "on", "--irq-coalesce",
                                        "4,0", "--yield-timeout", "0", program("examples/hello_ring.s32x").string()}),
                     std::chrono::seconds(10)),
            123);
  EXPECT_NE(read_file(dir.path() / "stderr").find("sleeps forever"), std::string::npos);
  EXPECT_EQ(json_string(read_file(dir.path() / "s.json"), "stop_reason"), "stalled");
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

TEST(ConfigFile, ErrorsNameFileAndLine) {
  TempDir dir;
  const std::pair<std::string, std::string> cases[] = {
      {"[cpu]\nquantum = 100\nmod = fast\n", "run.ini:3: unknown option 'mod'"},
      {"# c\n[cpu]\ntrigger = yield\n", "run.ini:3: 'trigger' belongs in [ring], not in [cpu]"},
      {"[gpu]\n", "run.ini:1: unknown section [gpu]"},
      {"quantum = 5\n\nquantum = 6\n", "run.ini:3: 'quantum' set again (first on line 1)"},
      {"[cpu]\n  quantum = -1\n", "run.ini:2: --quantum: must be a whole number"},
      {"[ring]\nstrict = maybe\n", "run.ini:2: "},
  };
  for (const auto& [ini, message] : cases) {
    write(dir.path() / "run.ini", ini);
    EXPECT_EQ(wait_sim(spawn(dir.path(), {"--config", "run.ini", program("examples/hello_ring.s32x").string()}),
                       std::chrono::seconds(5)),
              2);
    const std::string err = read_file(dir.path() / "stderr");
    EXPECT_NE(err.find(message), std::string::npos) << ini << "\n" << err;
  }
}

TEST(ConfigFile, SectionsAndFlatKeysSetTheSameOptions) {
  TempDir dir;
  write(dir.path() / "run.ini", "profile = reference\n[cpu]\nquantum = 37\n[ring]\ntrigger = doorbell\n");
  ASSERT_EQ(wait_sim(spawn(dir.path(), {"-q", "--config", "run.ini", "--stats-json", "s.json",
                                        program("examples/hello_ring.s32x").string()}),
                     std::chrono::seconds(10)),
            0);
  const std::string json = read_file(dir.path() / "s.json");
  EXPECT_NE(json.find("\"quantum\": 37"), std::string::npos) << json;
  EXPECT_NE(json.find("\"trigger\": \"doorbell\""), std::string::npos);
  EXPECT_NE(json.find("\"profile\": \"reference\""), std::string::npos);
}

TEST(ConfigFile, SavedConfigurationRepeatsTheRunExactly) {
  TempDir dir;
  fs::create_directories(dir.path() / "sandbox");
  const std::string prog = program("examples/echo.s32x").string();
  ASSERT_EQ(wait_sim(spawn(dir.path(), {"-q", "--root", "sandbox", "--irq", "on", "--irq-coalesce", "2,500",
                                        "--trigger", "poll:300", "--latency", "console=77+3", "--cost", "mul=5",
                                        "--env", "A=b c", "--stats-json", "first.json", "--save-config", "run.ini",
                                        prog, "one", "two words", ""}),
                     std::chrono::seconds(10)),
            0);
  const std::string first_out = read_file(dir.path() / "stdout");
  // The saved file alone, program and arguments included.
  std::string ini = read_file(dir.path() / "run.ini");
  const auto at = ini.find("stats-json = first.json");
  ASSERT_NE(at, std::string::npos) << ini;
  ini.replace(at, std::strlen("stats-json = first.json"), "stats-json = second.json");
  write(dir.path() / "run.ini", ini);
  ASSERT_EQ(wait_sim(spawn(dir.path(), {"--config", "run.ini"}), std::chrono::seconds(10)), 0)
      << read_file(dir.path() / "stderr");
  EXPECT_EQ(read_file(dir.path() / "stdout"), first_out);
  auto stable = [](std::string json) {
    // Host timing differs run to run; the output file name was changed.
    for (const char* key : {"host_seconds", "host_mips"}) {
      const auto k = json.find(std::string("\"") + key + "\": ");
      json.erase(k, json.find('\n', k) - k);
    }
    const auto s = json.find("\"stats-json\": ");
    json.erase(s, json.find(',', s) - s);
    return json;
  };
  const std::string first = read_file(dir.path() / "first.json"), second = read_file(dir.path() / "second.json");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(stable(first), stable(second));
  EXPECT_NE(first.find("\"arg\": [\"one\", \"two words\", \"\"]"), std::string::npos) << first;
}

}  // namespace
}  // namespace s32::itest
