// The real programs built by the public toolchain (../shared/realprogs: a
// Forth kernel and a Lua interpreter, with their own tests) on the real
// s32sim binary:
//   - under --profile reference, every forth test scores and retires exactly
//     the public interpreter's instructions and cycles;
//   - the two engines give one answer: output, exit status, every statistic
//     but the host's own figures, the per-request log and a fast-mode trace
//     window, under every trigger and interrupt configuration of the
//     invariance test and under --profile reference.
// Skipped, saying so, where the folder is absent (S32_REALPROGS points CMake
// elsewhere).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "run_sim.hpp"

using namespace std::string_literals;
using namespace s32::itest;

namespace {

const fs::path kRealprogs = S32_REALPROGS_DIR;

#define S32_NEED_REALPROGS()                                                                  \
  do {                                                                                        \
    if (!fs::exists(kRealprogs / "forth" / "kernel.s32x"))                                    \
      GTEST_SKIP() << "no real programs at " << kRealprogs << " (configure with -DS32_REALPROGS=DIR)"; \
  } while (0)

// The folder's README: delete every "ok> ", strip trailing blanks, drop
// empty lines and the banner.
std::string score_forth(const std::string& out) {
  std::istringstream in(out);
  std::string line, scored;
  while (std::getline(in, line)) {
    for (std::size_t at; (at = line.find("ok> ")) != std::string::npos;) line.erase(at, 4);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
    if (line.empty() || line == "SLOW-32 Forth") continue;
    scored += line + "\n";
  }
  return scored;
}

std::string without_one_trailing_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// The expected files end without a newline; scored output ends with one.
std::string forth_expected(const std::string& test) {
  return without_one_trailing_newline(read_file(kRealprogs / "forth" / "tests" / "expected" / (test + ".expected"))) +
         "\n";
}

SimRun forth_run(const std::string& test) {
  SimRun run;
  run.program = (kRealprogs / "forth" / "kernel.s32x").string();
  run.stdin_data = read_file(kRealprogs / "forth" / "prelude.fth") +
                   read_file(kRealprogs / "forth" / "tests" / (test + ".fth"));
  return run;
}

SimRun lua_run(const std::string& test) {
  SimRun run;
  run.program = (kRealprogs / "lua" / "lua.s32x").string();
  // Lua seeds its string hash with GETTIME: a fixed epoch fixes its counts.
  run.options = {"--epoch", "1700000000"};
  run.stdin_data = read_file(kRealprogs / "lua" / "tests" / (test + ".lua"));
  return run;
}

// ---- the public interpreter's counts (the folder's README) ------------------

struct Reference {
  std::string test;
  std::uint64_t instructions, cycles;
};

void PrintTo(const Reference& r, std::ostream* os) { *os << r.test; }

class ForthReference : public testing::TestWithParam<Reference> {};

TEST_P(ForthReference, ScoresAndRetiresThePublicInterpretersCounts) {
  S32_NEED_REALPROGS();
  const Reference& ref = GetParam();
  TempDir tmp;
  SimRun run = forth_run(ref.test);
  run.options = {"--profile", "reference"};
  const SimResult r = run_sim(run, tmp.path() / "run");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(score_forth(r.out), forth_expected(ref.test));
  EXPECT_EQ(json_number(r.stats, "instructions"), ref.instructions);
  EXPECT_EQ(json_number(r.stats, "cycles"), ref.cycles);
}

INSTANTIATE_TEST_SUITE_P(
    Forth, ForthReference,
    testing::Values(Reference{"test-arithmetic", 14282014, 24643973}, Reference{"test-base", 14095392, 24256569},
                    Reference{"test-bench", 155918964, 353901297}, Reference{"test-case", 14226461, 24521945},
                    Reference{"test-control", 14280917, 24636235}, Reference{"test-core-ext", 14573197, 25237390},
                    Reference{"test-double-arith", 14723775, 25549705}, Reference{"test-memory", 14183743, 24437546},
                    Reference{"test-strings2", 14530909, 25147162}, Reference{"test-utilities", 14637214, 25376466}),
    [](const auto& info) {
      std::string name = info.param.test;
      for (char& c : name)
        if (c == '-') c = '_';
      return name;
    });

// ---- one answer from both engines -------------------------------------------

struct Program {
  std::string name;
  SimRun run;
  std::string expected;  // the program's own expected output, scored
  bool forth;
};

void PrintTo(const Program& p, std::ostream* os) { *os << p.name; }

std::vector<Program> programs() {
  std::vector<Program> v;
  v.push_back({"forth_arithmetic", forth_run("test-arithmetic"), "test-arithmetic", true});
  v.push_back({"forth_strings", forth_run("test-strings"), "test-strings", true});
  for (const char* t : {"strings", "tables", "coroutines"}) v.push_back({"lua_"s + t, lua_run(t), t, false});
  return v;
}

// The invariance test's triggers, --profile reference, and a trace window
// in fast mode (the trace steps instructions inside it, the engine runs the
// rest).
std::vector<Setting> settings() {
  std::vector<Setting> v = trigger_settings();
  v.push_back({"reference", {"--profile", "reference"}});
  v.push_back({"vcd_window", {"--vcd", "wave.vcd", "--trace-from", "400000", "--trace-to", "450000"}});
  return v;
}

// The statistics without the host's own figures (time, MIPS) and the
// configuration, which names the engine.
std::string engine_free(const std::string& stats) {
  std::istringstream in(stats);
  std::string line, kept;
  while (std::getline(in, line))
    if (line.rfind("  \"host_", 0) != 0 && line.rfind("  \"config\"", 0) != 0) kept += line + "\n";
  return kept;
}

class EngineInvariance : public testing::TestWithParam<std::tuple<Program, Setting>> {};

TEST_P(EngineInvariance, SameAnswer) {
  S32_NEED_REALPROGS();
#ifndef S32_HAVE_JIT
  GTEST_SKIP() << "this build has no translating engine";
#endif
  const auto& [program, setting] = GetParam();
  TempDir tmp;
  SimResult results[2];
  const char* const engines[2] = {"interp", "jit"};
  for (int i = 0; i < 2; ++i) {
    SimRun run = program.run;
    run.options.insert(run.options.end(), setting.options.begin(), setting.options.end());
    run.options.insert(run.options.end(), {"--mode", "fast", "--engine", engines[i]});
    results[i] = run_sim(run, tmp.path() / engines[i]);
  }
  const SimResult &interp = results[0], &jit = results[1];

  ASSERT_EQ(interp.status, 0) << interp.err;
  if (program.forth) {
    EXPECT_EQ(score_forth(interp.out), forth_expected(program.expected));
  } else {
    EXPECT_EQ(without_one_trailing_newline(interp.out),
              without_one_trailing_newline(read_file(kRealprogs / "lua" / "tests" / (program.expected + ".expected"))));
  }
  ASSERT_FALSE(jit.stats.empty()) << jit.err;
  EXPECT_EQ(jit.status, interp.status);
  expect_same_text(jit.out, interp.out, "stdout");
  expect_same_text(jit.err, interp.err, "stderr");
  expect_same_text(engine_free(jit.stats), engine_free(interp.stats), "statistics");
  expect_same_text(jit.requests, interp.requests, "requests CSV");
  if (setting.name == "vcd_window") {
    const std::string wave = read_file(tmp.path() / "interp" / "wave.vcd");
    EXPECT_GT(wave.size(), 1000u) << "no trace in the window";
    expect_same_text(read_file(tmp.path() / "jit" / "wave.vcd"), wave, "VCD");
  }
}

INSTANTIATE_TEST_SUITE_P(RealPrograms, EngineInvariance,
                         testing::Combine(testing::ValuesIn(programs()), testing::ValuesIn(settings())),
                         [](const auto& info) {
                           return std::get<0>(info.param).name + "_" + std::get<1>(info.param).name;
                         });

}  // namespace
