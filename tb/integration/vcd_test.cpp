// The waveform tells the same story as the statistics. A ring program runs
// with --vcd, --stats-json and --requests-csv at once; the VCD, read back
// by the small parser below, must show one doorbell pulse per request at
// the cycle the request log gives, the ring indices stepping in order at
// the cycles the device and the guest moved them, the device busy with each
// request's opcode, the YIELD stalls adding up to yield_wait_cycles, a
// clock edge every half period and the CPU halted at the end. The fast
// mode's waveform must show the same ring activity at the same times.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "run_sim.hpp"
#include "vcd_reader.hpp"

using namespace s32::itest;

namespace {

// The default 100 MHz clock.
constexpr std::uint64_t kPeriodPs = 10000;
constexpr std::uint64_t kHalfPs = kPeriodPs / 2;

// ---- the runs ------------------------------------------------------------------

struct Program {
  std::string name;
  SimRun run;
};

void PrintTo(const Program& p, std::ostream* os) { *os << p.name; }

struct Traced {
  SimResult result;
  Vcd vcd;
};

Traced run_traced(const Program& p, const std::string& mode, const TempDir& tmp) {
  SimRun run = p.run;
  run.options.insert(run.options.end(), {"--mode", mode, "--vcd", "wave.vcd"});
  const fs::path dir = tmp.path() / mode;
  Traced t{run_sim(run, dir), {}};
  EXPECT_EQ(t.result.status, 0) << t.result.err;
  const std::string text = read_file(dir / "wave.vcd");
  EXPECT_FALSE(text.empty()) << "no VCD written";
  t.vcd = parse_vcd(text);
  return t;
}

class VcdWaveform : public testing::TestWithParam<Program> {};

TEST_P(VcdWaveform, CycleModeMatchesStatistics) {
  TempDir tmp;
  const Traced t = run_traced(GetParam(), "cycle", tmp);
  const std::string& stats = t.result.stats;
  ASSERT_FALSE(stats.empty()) << "no statistics written";
  const std::vector<RequestRow> rows = parse_requests(t.result.requests);
  const Vcd& vcd = t.vcd;

  // The coarsest unit that holds every edge of the 100 MHz clock.
  EXPECT_EQ(vcd.timescale, "1ns");
  for (const char* leaf : {"clk", "pc", "cpu_state", "instret", "bus_addr", "bus_data", "bus_write", "doorbell",
                           "req_head", "req_tail", "resp_head", "resp_tail", "device_busy", "opcode", "irq"})
    EXPECT_FALSE(vcd.signal(leaf).empty()) << leaf << " never written";

  const std::uint64_t total = json_field(stats, "requests", "total");
  ASSERT_GT(total, 1u);
  ASSERT_EQ(rows.size(), total);

  // One pulse per REQ_HEAD write, rising at the write's rising edge and
  // falling half a cycle later; each write here publishes one request.
  const std::vector<Change> doorbell = vcd.signal("doorbell");
  const std::vector<std::uint64_t> rises = edges(doorbell, 0), falls = edges(doorbell, 1);
  ASSERT_EQ(rises.size(), total);
  ASSERT_EQ(falls.size(), total);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    EXPECT_EQ(rises[k], rows[k].doorbell * kPeriodPs) << "doorbell of request " << k;
    EXPECT_EQ(falls[k], rises[k] + kHalfPs) << "end of doorbell pulse " << k;
  }

  // REQ_HEAD moves with the doorbell; REQ_TAIL and RESP_HEAD move together
  // when the device posts (a falling edge, stamped with the next cycle);
  // RESP_TAIL when the guest consumes. Each steps by one, modulo 256.
  const std::vector<Change> req_head = steps(vcd.signal("req_head")), req_tail = steps(vcd.signal("req_tail")),
                            resp_head = steps(vcd.signal("resp_head")), resp_tail = steps(vcd.signal("resp_tail"));
  ASSERT_EQ(req_head.size(), total);
  ASSERT_EQ(req_tail.size(), total);
  ASSERT_EQ(resp_head.size(), total);
  // While it serves a request, from the edge it took it, the device is
  // busy and shows the request's opcode.
  const std::vector<Change> busy = vcd.signal("device_busy"), opcode = vcd.signal("opcode");
  std::size_t consumed = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    SCOPED_TRACE("request " + std::to_string(k) + " (" + rows[k].name + ")");
    const std::uint64_t index = (k + 1) % 256;
    EXPECT_EQ(req_head[k], (Change{rows[k].doorbell * kPeriodPs, index}));
    ASSERT_TRUE(rows[k].has_start && rows[k].has_posted);
    const std::uint64_t start = rows[k].start * kPeriodPs - kHalfPs;
    EXPECT_EQ(value_at(busy, start), 1u);
    EXPECT_EQ(value_at(opcode, start), std::stoull(rows[k].opcode, nullptr, 16));
    EXPECT_EQ(req_tail[k], (Change{rows[k].posted * kPeriodPs - kHalfPs, index}));
    EXPECT_EQ(resp_head[k], req_tail[k]);
    if (rows[k].has_consumed) {
      ASSERT_LT(consumed, resp_tail.size());
      EXPECT_EQ(resp_tail[consumed], (Change{rows[k].consumed * kPeriodPs, index}));
      ++consumed;
    }
  }
  EXPECT_EQ(resp_tail.size(), consumed);

  // Request identity: req_seq names the request in service by its CSV seq;
  // opcode and req_seq show idle whenever the device is; a pulse marks each
  // request's first descriptor write and each consumption.
  const std::vector<Change> req_seq = vcd.signal("req_seq");
  for (const RequestRow& r : rows)
    EXPECT_EQ(value_at(req_seq, r.start * kPeriodPs - kHalfPs), r.seq) << "request " << r.seq;
  for (const Change& b : levels(busy))
    if (b.value == 0) {
      EXPECT_EQ(value_at(opcode, b.time), 0xFFu) << "opcode while idle at #" << b.time;
      EXPECT_EQ(value_at(req_seq, b.time), 0xFFFFFFFFu) << "req_seq while idle at #" << b.time;
    }
  std::vector<std::uint64_t> submits, consumes;
  for (const RequestRow& r : rows) {
    submits.push_back(r.submit * kPeriodPs);
    if (r.has_consumed) consumes.push_back(r.consumed * kPeriodPs);
  }
  EXPECT_EQ(edges(vcd.signal("submit"), 0), submits);
  EXPECT_EQ(edges(vcd.signal("consumed"), 0), consumes);

  // Every stalled YIELD shows as cpu_state 3 for whole, non-zero cycles.
  const std::vector<Change> state = levels(vcd.signal("cpu_state"));
  ASSERT_FALSE(state.empty());
  std::uint64_t stalled_ps = 0, stalls = 0;
  for (std::size_t i = 0; i + 1 < state.size(); ++i) {
    if (state[i].value != 3) continue;
    const std::uint64_t d = state[i + 1].time - state[i].time;
    EXPECT_GT(d, 0u) << "empty YIELD stall at #" << state[i].time;
    EXPECT_EQ(d % kPeriodPs, 0u) << "YIELD stall of a partial cycle at #" << state[i].time;
    stalled_ps += d;
    ++stalls;
  }
  EXPECT_GT(stalls, 0u);
  EXPECT_EQ(stalled_ps / kPeriodPs, json_number(stats, "yield_wait_cycles"));

  // The CPU acts on rising edges only, though it runs ahead of the kernel
  // between other processes' actions and stamps its values itself.
  for (const char* leaf : {"pc", "cpu_state", "instret", "bus_addr", "bus_data", "bus_write"})
    for (const Change& c : vcd.signal(leaf))
      if (c.time % kPeriodPs != 0) ADD_FAILURE() << leaf << " changes off a rising edge at #" << c.time;

  // The CPU halts at the rising edge ending its last cycle.
  const std::uint64_t end = json_number(stats, "cycles") * kPeriodPs;
  EXPECT_EQ(state.back(), (Change{end, 4}));

  // The clock: high at 0, then an edge every half period up to the end.
  const std::vector<Change> clk = vcd.signal("clk");
  ASSERT_FALSE(clk.empty());
  EXPECT_EQ(clk.front(), (Change{0, 1}));
  for (std::size_t i = 1; i < clk.size(); ++i) {
    if (clk[i].time != clk[i - 1].time + kHalfPs || clk[i].value == clk[i - 1].value) {
      ADD_FAILURE() << "clock edge " << i << " at #" << clk[i].time << " to " << clk[i].value << " after #"
                    << clk[i - 1].time << " " << clk[i - 1].value;
      break;
    }
  }
  EXPECT_GE(clk.back().time, end);
}

TEST_P(VcdWaveform, FastModeShowsSameRingActivity) {
  TempDir tmp;
  const Traced cycle = run_traced(GetParam(), "cycle", tmp);
  const Traced fast = run_traced(GetParam(), "fast", tmp);
  ASSERT_EQ(fast.result.out, cycle.result.out);
  ASSERT_GT(edges(cycle.vcd.signal("doorbell"), 0).size(), 1u);
  // pc and instret move at fewer points in the fast mode; the ring's
  // signals are driven by the same accesses and device actions.
  for (const char* leaf : {"doorbell", "req_head", "req_tail", "resp_head", "resp_tail"})
    EXPECT_EQ(steps(fast.vcd.signal(leaf)), steps(cycle.vcd.signal(leaf))) << leaf;
}

// A trace long enough (several MB) that the writer's thread writes most of
// it: a full disk there fails the run with the output error at the end,
// after the guest ran to completion.
TEST(VcdOutput, WriteFailureOnTheWriterThreadFailsTheRun) {
  TempDir tmp;
  const SimResult plain =
      run_sim({"bench/latency", {"--mode", "cycle"}, {"200"}, {}, "", {}}, tmp.path() / "plain");
  const SimResult r = run_sim({"bench/latency", {"--mode", "cycle", "--vcd", "/dev/full"}, {"200"}, {}, "", {}},
                              tmp.path() / "full");
  EXPECT_EQ(r.status, 74) << r.err;
  EXPECT_NE(r.err.find("cannot write the waveform to '/dev/full'"), std::string::npos) << r.err;
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(r.out, plain.out);
}

// GTKWave counts a save file's times in the VCD's unit (ns here): the
// view of the window [100, 400) opens at 1000, where the trace starts.
TEST(VcdOutput, ViewCountsTimeInTheVcdsUnit) {
  TempDir tmp;
  const SimRun run{
      "bench/latency", {"--mode", "cycle", "--vcd", "w.vcd", "--trace-from", "100", "--trace-to", "400"}, {"10"}, {},
      "", {}};
  const SimResult r = run_sim(run, tmp.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string vcd = read_file(tmp.path() / "w.vcd");
  EXPECT_NE(vcd.find("$timescale 1 ns $end"), std::string::npos);
  EXPECT_NE(vcd.find("$enddefinitions $end\n#1000\n"), std::string::npos);
  const std::string gtkw = read_file(tmp.path() / "w.vcd.gtkw");
  EXPECT_NE(gtkw.find("\n[timestart] 1000\n"), std::string::npos) << gtkw;
  EXPECT_NE(gtkw.find(" 1000 -1 "), std::string::npos) << "zoom line: " << gtkw;
}

// The stalls end by a response, by the coalesced completion line, and by
// the YIELD timeout (100 cycles, shorter than any request).
INSTANTIATE_TEST_SUITE_P(
    Programs, VcdWaveform,
    testing::Values(Program{"latency", {"bench/latency", {}, {"10"}, {}, "", {}}},
                    Program{"hello_ring", {"examples/hello_ring", {}, {}, {}, "", {}}},
                    Program{"latency_irq",
                            {"bench/latency", {"--irq", "on", "--irq-coalesce", "2,300"}, {"10"}, {}, "", {}}},
                    Program{"latency_yield_timeout",
                            {"bench/latency", {"--trigger", "yield", "--yield-timeout", "100"}, {"10"}, {}, "", {}}}),
    [](const auto& info) { return info.param.name; });

}  // namespace
