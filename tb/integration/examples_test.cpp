// Runs the real s32sim binary on every example and benchmark program, the way
// a user does: a child process with stdin from a file, in a fresh sandbox
// directory, once per profile. Output, stderr, the files left in the sandbox
// and the exit status must equal the golden results, and the --stats-json
// counters must be consistent across profiles and with the cost model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "run_sim.hpp"

using namespace std::string_literals;
using namespace s32::itest;

namespace {

// One run of one program and what it must produce. Built by chaining:
// Case("echo", "examples/echo").input("...").output("...").
struct Case {
  std::string name;
  std::string program;  // under sw/ in the build tree, without ".s32x"
  std::vector<std::string> args;
  std::vector<std::string> options;  // s32sim options besides profile, root and stats
  Env host_env;                      // s32sim's own environment, on top of ours
  std::string stdin_data;
  std::string stdin_golden;  // under sw/ in the source tree; replaces stdin_data
  Files setup;
  std::string expected_stdout;
  std::string stdout_golden;  // under sw/ in the source tree; replaces expected_stdout
  bool sort_lines = false;    // directory order is the host's
  std::string expected_stderr;
  int expected_status = 0;
  std::optional<Files> final_files;  // unset: the sandbox must be left as set up
  bool halts = false;                // DEBUG programs stop with HALT, not EXIT

  Case(std::string n, std::string p) : name(std::move(n)), program(std::move(p)) {}
  Case& arguments(std::vector<std::string> a) {
    args = std::move(a);
    return *this;
  }
  Case& option(std::string o, std::string value) {
    options.push_back(std::move(o));
    options.push_back(std::move(value));
    return *this;
  }
  Case& host_variable(std::string k, std::string v) {
    host_env.emplace_back(std::move(k), std::move(v));
    return *this;
  }
  Case& input(std::string data) {
    stdin_data = std::move(data);
    return *this;
  }
  Case& input_golden(std::string path) {
    stdin_golden = std::move(path);
    return *this;
  }
  Case& files(Files f) {
    setup = std::move(f);
    return *this;
  }
  Case& output(std::string data) {
    expected_stdout = std::move(data);
    return *this;
  }
  Case& output_golden(std::string path) {
    stdout_golden = std::move(path);
    return *this;
  }
  Case& sorted() {
    sort_lines = true;
    return *this;
  }
  Case& errors(std::string data) {
    expected_stderr = std::move(data);
    return *this;
  }
  Case& status(int s) {
    expected_status = s;
    return *this;
  }
  Case& leaves(Files f) {
    final_files = std::move(f);
    return *this;
  }
  Case& halting() {
    halts = true;
    return *this;
  }
};

// Failure messages name the case instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// ---- golden models of the benchmarks -------------------------------------

// compute.s, step for step.
std::string compute_output(std::uint32_t rounds) {
  std::uint32_t x = 2463534242u, sum = 0;
  for (std::uint32_t i = 0; i < rounds; ++i) {
    for (std::uint32_t j = 0; j < 1024; ++j) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      sum += x + j;
    }
    const std::int32_t q = static_cast<std::int32_t>(x) / static_cast<std::int32_t>((i & 255) + 1);
    sum = sum * 31 + static_cast<std::uint32_t>(q);
  }
  return "checksum=" + std::to_string(sum) + "\n";
}

// latency.s and compute_between.s write the same bytes.
std::string latency_output(unsigned n) {
  std::string s;
  for (unsigned i = 0; i < n; ++i) s += static_cast<char>('a' + i % 26);
  return s + "\n";
}

std::string throughput_output(unsigned blocks) {
  std::string block;
  for (unsigned line = 0; line < 512; ++line) {
    for (unsigned i = 0; i < 63; ++i) block += static_cast<char>('a' + i % 26);
    block += '\n';
  }
  std::string s;
  for (unsigned b = 0; b < blocks; ++b) s += block;
  return s;
}

// Enough bytes for three READ chunks in cat.
std::string big_text() {
  std::string s;
  for (unsigned i = 0; s.size() < 10000; ++i) s += "line " + std::to_string(i) + " of a file larger than a chunk\n";
  return s;
}

// ---- the cases ---------------------------------------------------------------

std::vector<Case> all_cases() {
  const Files two_files{{"first.txt", "first file\n"}, {"second.txt", "second file\nlast line\n"}};
  std::vector<Case> v{
      Case("hello_ring", "examples/hello_ring").output_golden("examples/hello_ring.expected"),

      Case("echo", "examples/echo").input_golden("examples/echo.expected").output_golden("examples/echo.expected"),
      Case("echo_empty_input", "examples/echo"),
      // 0xFF must come back as a byte, not as the end of input.
      Case("echo_binary", "examples/echo").input("\xff\x00\x01 bytes\n\xff"s).output("\xff\x00\x01 bytes\n\xff"s),

      Case("cat", "examples/cat")
          .arguments({"first.txt", "second.txt"})
          .files(two_files)
          .output_golden("examples/cat.expected"),
      Case("cat_missing_file", "examples/cat")
          .arguments({"first.txt", "missing.txt", "second.txt"})
          .files(two_files)
          .output_golden("examples/cat.expected")
          .errors("cat: missing.txt: errno 2\n")
          .status(1),
      // The program file exists just outside the sandbox: EACCES, not ENOENT.
      Case("cat_outside_sandbox", "examples/cat")
          .arguments({"../cat.s32x"})
          .errors("cat: ../cat.s32x: errno 13\n")
          .status(1),
      Case("cat_stdin", "examples/cat").input("from\nstdin\n").output("from\nstdin\n"),
      Case("cat_large_file", "examples/cat").arguments({"big.txt"}).files({{"big.txt", big_text()}}).output(big_text()),

      Case("args", "examples/args").arguments({"one", "two words", ""}).output_golden("examples/args.expected"),
      Case("args_none", "examples/args").output("argc=1\nargv[0]=args.s32x\n"),

      Case("exit_status", "examples/exit_status").status(42),
      Case("exit_status_7", "examples/exit_status").arguments({"7"}).status(7),
      Case("exit_status_0", "examples/exit_status").arguments({"0"}).status(0),
      Case("exit_status_low_8_bits", "examples/exit_status").arguments({"300"}).status(44),
      Case("exit_status_not_a_number", "examples/exit_status")
          .arguments({"12a"})
          .errors("exit_status: not a number: 12a\n")
          .status(2),

      Case("file_roundtrip", "examples/file_roundtrip").output_golden("examples/file_roundtrip.expected").leaves({}),
      // A longer file of the same name is truncated, or the read-back would differ.
      Case("file_roundtrip_truncates", "examples/file_roundtrip")
          .files({{"roundtrip.txt", std::string(200, '#')}})
          .output_golden("examples/file_roundtrip.expected")
          .leaves({}),

      Case("listdir", "examples/listdir")
          .arguments({"only"})
          .files({{"only/single.txt", "x"}})
          .output_golden("examples/listdir.expected"),
      Case("listdir_several", "examples/listdir")
          .arguments({"d"})
          .files({{"d/b.txt", "b"}, {"d/a.txt", "a"}, {"d/.hidden", "h"}, {"d/sub/inner.txt", "i"}})
          .output("a.txt\nb.txt\nsub\n")
          .sorted(),
      Case("listdir_default_is_cwd", "examples/listdir")
          .files({{"x.txt", "x"}, {"y/z.txt", "z"}})
          .output("x.txt\ny\n")
          .sorted(),
      Case("listdir_missing", "examples/listdir").arguments({"nope"}).errors("listdir: nope: errno 2\n").status(1),

      // Simulated time stays far below a second, so the seconds are the epoch.
      Case("time", "examples/time")
          .option("--epoch", "1700000000")
          .host_variable("TZ", "UTC")
          .output_golden("examples/time.expected"),
      // A POSIX TZ string needs no zone database: 2 hours east, "ABC".
      Case("time_zone", "examples/time")
          .option("--epoch", "1700000000")
          .host_variable("TZ", "ABC-2")
          .output("seconds=1700000000\nutc_offset=7200\ntz=ABC\n"),

      Case("env", "examples/env")
          .option("--env", "HOME=/home/guest")
          .host_variable("HOME", "/home/host")
          .output_golden("examples/env.expected"),
      // The host's own HOME must not leak into the guest.
      Case("env_unset", "examples/env").host_variable("HOME", "/home/host").output("HOME unset\n").status(1),
      Case("env_named", "examples/env")
          .arguments({"GREETING"})
          .option("--env", "GREETING=hello world")
          .output("GREETING=hello world\n"),
      Case("env_empty_value", "examples/env").arguments({"EMPTY"}).option("--env", "EMPTY=").output("EMPTY=\n"),
      Case("env_pass_env", "examples/env")
          .arguments({"S32_INTEGRATION_VAR"})
          .option("--pass-env", "S32_INTEGRATION_VAR")
          .host_variable("S32_INTEGRATION_VAR", "from the host")
          .output("S32_INTEGRATION_VAR=from the host\n"),

      Case("compute", "bench/compute").arguments({"5"}).output(compute_output(5)),
      Case("compute_bad_count", "bench/compute").arguments({"x"}).errors("bench: not a number: x\n").status(2),
      Case("latency", "bench/latency").arguments({"100"}).output(latency_output(100)),
      Case("compute_between", "bench/compute_between").arguments({"30", "100"}).output(latency_output(30)),
      Case("throughput", "bench/throughput").arguments({"4"}).output(throughput_output(4)),
      Case("throughput_file", "bench/throughput")
          .arguments({"3", "out.bin"})
          .output("wrote 98304 bytes\n")
          .leaves({{"out.bin", throughput_output(3)}}),
  };
  for (const char* name : {"hello", "muldiv", "fib", "fp"})
    v.push_back(Case(name, "examples/"s + name).output_golden("examples/"s + name + ".expected").halting());
  return v;
}

// ---- running s32sim --------------------------------------------------------

std::string sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l + "\n");
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l;
  return out;
}

// The default profile is what a user gets without naming one.
SimResult run_s32sim(const Case& c, const std::string& profile, const TempDir& tmp) {
  SimRun run{c.program, {}, c.args, c.host_env, c.stdin_data, c.setup};
  if (!c.stdin_golden.empty()) run.stdin_data = read_file(fs::path(S32_SW_SOURCE_DIR) / c.stdin_golden);
  if (profile != "default") run.options = {"--profile", profile};
  run.options.insert(run.options.end(), c.options.begin(), c.options.end());
  return run_sim(run, tmp.path());
}

std::uint64_t by_class(const std::string& json, const std::string& cls) {
  return json_number(json, cls, json.find("\"instructions_by_class\""));
}

// ---- the tests ---------------------------------------------------------------

class IntegrationRun : public testing::TestWithParam<std::tuple<Case, std::string>> {};

TEST_P(IntegrationRun, MatchesGolden) {
  const auto& [c, profile] = GetParam();
  TempDir tmp;
  const SimResult r = run_s32sim(c, profile, tmp);

  const std::string expected =
      c.stdout_golden.empty() ? c.expected_stdout : read_file(fs::path(S32_SW_SOURCE_DIR) / c.stdout_golden);
  if (!c.stdout_golden.empty()) {
    ASSERT_FALSE(expected.empty()) << "golden file " << c.stdout_golden;
  }
  expect_same_text(c.sort_lines ? sorted_lines(r.out) : r.out, expected, "stdout");
  EXPECT_EQ(r.err, c.expected_stderr) << "stderr";
  EXPECT_EQ(r.status, c.expected_status) << "exit status";
  const Files expected_files = c.final_files ? *c.final_files : c.setup;
  EXPECT_EQ(r.files.size(), expected_files.size()) << "files in the sandbox";
  for (const auto& [name, data] : expected_files) {
    const auto it = r.files.find(name);
    if (it == r.files.end()) {
      ADD_FAILURE() << name << " missing from the sandbox";
      continue;
    }
    expect_same_text(it->second, data, name.c_str());
  }

  ASSERT_FALSE(r.stats.empty()) << "no statistics written";
  EXPECT_EQ(json_string(r.stats, "stop_reason"), c.halts ? "halt" : "exit");
  EXPECT_EQ(json_number(r.stats, "exit_code"), static_cast<std::uint64_t>(c.expected_status));
  EXPECT_EQ(json_number(r.stats, "total", r.stats.find("\"protocol_warnings\"")), 0u) << r.stats;

  // The reference profile's cycles are the documented cost model and
  // nothing else: 1 per instruction, +3 per load or store (RAM and ring
  // window alike), 32 per MUL/MULH/MULHU, 64 per DIV/REM, YIELD 1, no waits.
  if (profile == "reference") {
    const std::uint64_t insns = json_number(r.stats, "instructions");
    const std::uint64_t model = insns + 3 * (by_class(r.stats, "load") + by_class(r.stats, "store")) +
                                31 * by_class(r.stats, "multiply") + 63 * by_class(r.stats, "divide");
    EXPECT_GT(insns, 0u);
    EXPECT_EQ(json_number(r.stats, "cycles"), model) << r.stats;
  }
}

INSTANTIATE_TEST_SUITE_P(Programs, IntegrationRun,
                         testing::Combine(testing::ValuesIn(all_cases()), testing::Values("default"s, "reference"s)),
                         [](const auto& info) { return std::get<0>(info.param).name + "_" + std::get<1>(info.param); });

// The execution model changes timing only: the program retires the same
// instructions and ends the same way under both profiles.
class IntegrationProfiles : public testing::TestWithParam<Case> {};

TEST_P(IntegrationProfiles, SameInstructionsAndExit) {
  const Case& c = GetParam();
  TempDir tmp_default, tmp_reference;
  const SimResult d = run_s32sim(c, "default", tmp_default);
  const SimResult r = run_s32sim(c, "reference", tmp_reference);
  ASSERT_FALSE(d.stats.empty() || r.stats.empty()) << "no statistics written";
  EXPECT_EQ(json_number(d.stats, "instructions"), json_number(r.stats, "instructions"));
  EXPECT_EQ(json_number(d.stats, "exit_code"), json_number(r.stats, "exit_code"));
  EXPECT_EQ(d.status, r.status);
  expect_same_text(r.out, d.out, "stdout of the reference profile");
}

INSTANTIATE_TEST_SUITE_P(Programs, IntegrationProfiles, testing::ValuesIn(all_cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
