// Two timing modes, one answer. s32sim promises that the fast mode
// (temporal decoupling, any quantum) and the cycle-stepped mode retire the
// same instructions in the same cycles and time every ring request alike.
// Every program under sw/ (EXEC's parent with its child too) runs under
// every trigger, one interrupt configuration and a short YIELD timeout,
// each in up to nine ways: fast with the default quantum, with a quantum of 1 and of 37 (quanta ending at odd
// cycles, between device edges), the same three with the translating
// engine where the build has it, fast with traces in a window and from a
// symbol trigger, cycle-stepped, and with asynchronous host I/O
// (--host-io async --host-latency model; measured latency is not here: it
// posts responses at the host's wall time, so its cycles differ from run
// to run, tb/integration/host_io_test.cpp has it). All must agree on
// the guest's output and exit status, on every timing statistic and, byte
// for byte, on the per-request log. The two engines also write the same
// fast-mode waveform, byte for byte.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "run_sim.hpp"

using namespace std::string_literals;
using namespace s32::itest;

namespace {

struct Program {
  std::string name;
  SimRun run;
  int status = 0;
  bool ring = true;  // talks to the ring device, so there are requests to log
  std::string stop = "";  // stop_reason; empty: "exit" for ring programs, else "halt"
  std::uint64_t warnings = 0;    // protocol warnings expected
  std::size_t min_requests = 2;  // at least this many logged, for ring programs
};

std::string patch_word() {
  const std::uint32_t addi_r3_b = 0x04200190u;  // addi r3, r0, 'B'
  std::string bytes;
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>(addi_r3_b >> (8 * i)));
  return bytes;
}

// Small sizes keep the cycle-stepped runs short (well under 2 M cycles).
std::vector<Program> programs() {
  std::vector<Program> v;
  for (const char* name : {"hello", "muldiv", "fib", "fp"})
    v.push_back({name, {"examples/"s + name, {}, {}, {}, "", {}}, 0, false});
  v.push_back({"hello_ring", {"examples/hello_ring", {}, {}, {}, "", {}}});
  v.push_back({"echo", {"examples/echo", {}, {}, {}, "two\nlines\n", {}}});
  v.push_back({"cat", {"examples/cat", {}, {"in.txt"}, {}, "", {{"in.txt", "a small file\n"}}}});
  v.push_back({"args", {"examples/args", {}, {"one", "two words"}, {}, "", {}}});
  v.push_back({"exit_status", {"examples/exit_status", {}, {}, {}, "", {}}, 42});
  v.push_back({"file_roundtrip", {"examples/file_roundtrip", {}, {}, {}, "", {}}});
  v.push_back({"listdir", {"examples/listdir", {}, {"only"}, {}, "", {{"only/single.txt", "x"}}}});
  v.push_back({"time", {"examples/time", {"--epoch", "1700000000"}, {}, {{"TZ", "UTC"}}, "", {}}});
  v.push_back({"env", {"examples/env", {"--env", "HOME=/home/guest"}, {}, {}, "", {}}});
  v.push_back({"compute", {"bench/compute", {}, {"20"}, {}, "", {}}});
  v.push_back({"latency", {"bench/latency", {}, {"30"}, {}, "", {}}});
  v.push_back({"throughput", {"bench/throughput", {}, {"3"}, {}, "", {}}});
  v.push_back({"compute_between", {"bench/compute_between", {}, {"10", "200"}, {}, "", {}}});
  // EXEC: the child runs with the variant's options, and the parent waits
  // for the child's whole run in the model.
  v.push_back({"exec",
               {"tests/exec_parent", {"--enable", "exec", "--epoch", "1700000000"}, {"exec_child.s32x", "x"}, {}, "",
                {{"exec_child.s32x", read_file(fs::path(S32_SW_BINARY_DIR) / "tests/exec_child.s32x")}}}});
  // Runs that end badly must end the same way, at the same cycle.
  v.push_back({"dma_code", {"tests/dma_code", {}, {"patch.bin"}, {}, "", {{"patch.bin", patch_word()}}}});
  v.push_back({"fault_illegal", {"tests/fault_illegal", {}, {}, {}, "", {}}, 132, true, "fault", 0, 1});
  // A WRITE published just before the fault: the device acts up to the
  // fault cycle in every mode, so its output appears in all of them.
  v.push_back({"fault_after_write", {"tests/fault_after_write", {}, {}, {}, "", {}}, 132, true, "fault", 0, 1});
  v.push_back({"fault_memory", {"tests/fault_memory", {}, {}, {}, "", {}}, 139, true, "fault", 0, 1});
  v.push_back({"fault_assert", {"tests/fault_assert", {}, {}, {}, "", {}}, 134, false, "assert"});
  v.push_back({"spin", {"tests/spin", {"--max-cycles", "3000"}, {}, {}, "", {}}, 124, false, "cycle-limit"});
  v.push_back({"wrong_index", {"tests/wrong_index", {}, {}, {}, "", {}}, 0, true, "exit", 1, 1});
  return v;
}

using Trigger = Setting;

// Failure messages name the parameters instead of dumping their bytes.
void PrintTo(const Program& p, std::ostream* os) { *os << p.name; }

std::vector<Trigger> triggers() { return trigger_settings(); }

struct Mode {
  std::string name;
  std::vector<std::string> options;
};

// The first is the reference the others are compared with.
const std::vector<Mode> kModes = {
    {"cycle", {"--mode", "cycle"}},
    {"fast", {"--mode", "fast"}},
    {"fast_quantum_1", {"--mode", "fast", "--quantum", "1"}},
    {"fast_quantum_37", {"--mode", "fast", "--quantum", "37"}},
#ifdef S32_HAVE_JIT
    // The translating engine must give the same answer, also with quanta
    // ending mid-block.
    {"fast_jit", {"--mode", "fast", "--engine", "jit"}},
    {"fast_jit_quantum_1", {"--mode", "fast", "--engine", "jit", "--quantum", "1"}},
    {"fast_jit_quantum_37", {"--mode", "fast", "--engine", "jit", "--quantum", "37"}},
#endif
    // Tracing changes no result: in a window, or armed for a trigger, the
    // fast mode steps instruction by instruction.
    {"fast_traced_window",
     {"--mode", "fast", "--trace-from", "40", "--trace-to", "20000", "--trace-insn", "insn.txt", "--trace-events",
      "events.json"}},
    {"fast_traced_symbol",
     {"--mode", "fast", "--quantum", "37", "--trace-start-at", "_start", "--trace-to", "3000", "--trace-insn",
      "insn.txt"}},
    // A host thread serves the requests that may block: same cycles.
    {"fast_async", {"--mode", "fast", "--host-io", "async", "--host-latency", "model"}},
};

// What must not depend on the mode.
const char* const kSameStats[] = {"instructions",      "cycles",         "exit_code",      "stop_reason",
                                  "requests",          "latency_cycles", "latency_stages", "backpressure_cycles",
                                  "yield_wait_cycles", "irqs",           "yields",         "cycles_by_cause",
                                  "mmio_accesses",     "cpu_cycles",     "doorbells",      "device_busy_cycles",
                                  "ring_occupancy",    "polls",          "empty_polls",    "host_latency"};

class InvarianceAcrossModes : public testing::TestWithParam<std::tuple<Program, Trigger>> {};

TEST_P(InvarianceAcrossModes, SameAnswer) {
  const auto& [program, trigger] = GetParam();
  TempDir tmp;
  std::vector<SimResult> results;
  for (const Mode& mode : kModes) {
    SimRun run = program.run;
    run.options.insert(run.options.begin(), trigger.options.begin(), trigger.options.end());
    run.options.insert(run.options.begin(), mode.options.begin(), mode.options.end());
    results.push_back(run_sim(run, tmp.path() / mode.name));
  }

  // Identical failures would agree too: the reference run must be a
  // proper one.
  const SimResult& ref = results.front();
  ASSERT_FALSE(ref.stats.empty()) << "no statistics written; stderr: " << ref.err;
  EXPECT_EQ(ref.status, program.status) << ref.err;
  const std::string stop = !program.stop.empty() ? program.stop : program.ring ? "exit" : "halt";
  EXPECT_EQ(json_string(ref.stats, "stop_reason"), stop);
  EXPECT_EQ(json_field(ref.stats, "protocol_warnings", "total"), program.warnings);
  EXPECT_GT(json_number(ref.stats, "instructions"), 0u);
  if (program.ring) {
    EXPECT_GE(parse_requests(ref.requests).size(), program.min_requests) << "too few requests to compare";
    if (program.min_requests >= 2) {
      EXPECT_GT(json_field(ref.stats, "latency_cycles", "count"), 0u);
    }
  }

  for (std::size_t i = 1; i < kModes.size(); ++i) {
    const SimResult& r = results[i];
    SCOPED_TRACE("--mode " + kModes[i].name + " against " + kModes[0].name);
    ASSERT_FALSE(r.stats.empty()) << "no statistics written; stderr: " << r.err;
    EXPECT_EQ(r.status, ref.status);
    expect_same_text(r.out, ref.out, "stdout");
    expect_same_text(r.err, ref.err, "stderr");
    for (const char* key : kSameStats) EXPECT_EQ(json_raw(r.stats, key), json_raw(ref.stats, key)) << key;
    expect_same_text(r.requests, ref.requests, "requests CSV");
  }
}

#ifdef S32_HAVE_JIT
// The fast mode's waveform samples the CPU where its runs return (quantum
// ends, stops), so both engines must return at the same instructions.
class EngineWaveforms : public testing::TestWithParam<std::tuple<Program, Trigger>> {};

TEST_P(EngineWaveforms, FastModeVcdIsTheSameFromBothEngines) {
  const auto& [program, trigger] = GetParam();
  TempDir tmp;
  std::string waves[2];
  const char* const engines[2] = {"interp", "jit"};
  for (int i = 0; i < 2; ++i) {
    SimRun run = program.run;
    run.options.insert(run.options.begin(), trigger.options.begin(), trigger.options.end());
    run.options.insert(run.options.begin(), {"--mode", "fast", "--quantum", "37", "--engine", engines[i], "--vcd",
                                             "wave.vcd"});
    const SimResult r = run_sim(run, tmp.path() / engines[i]);
    ASSERT_EQ(r.status, program.status) << r.err;
    waves[i] = read_file(tmp.path() / engines[i] / "wave.vcd");
  }
  ASSERT_GT(waves[0].size(), 200u) << "no waveform written";
  expect_same_text(waves[1], waves[0], "VCD");
}

// The bus data of programs that read STAT or READDIR records carry the host's
// inode numbers and times, which differ between two runs of one engine.
std::vector<Program> host_independent_programs() {
  std::vector<Program> v;
  for (const Program& p : programs())
    if (p.name != "file_roundtrip" && p.name != "listdir") v.push_back(p);
  return v;
}

INSTANTIATE_TEST_SUITE_P(Programs, EngineWaveforms,
                         testing::Combine(testing::ValuesIn(host_independent_programs()),
                                          testing::Values(triggers()[2], triggers()[4])),
                         [](const auto& info) {
                           return std::get<0>(info.param).name + "_" + std::get<1>(info.param).name;
                         });
#endif

INSTANTIATE_TEST_SUITE_P(Programs, InvarianceAcrossModes,
                         testing::Combine(testing::ValuesIn(programs()), testing::ValuesIn(triggers())),
                         [](const auto& info) {
                           return std::get<0>(info.param).name + "_" + std::get<1>(info.param).name;
                         });

}  // namespace
