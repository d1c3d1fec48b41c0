// The traces a person debugs with, each against the run it records: a
// windowed VCD holds exactly the window and starts with the full state
// there; a selection keeps only the selected signals; triggers open the
// window where they say; the per-run GTKWave view names only absolute
// paths and translates pc to function+0xoff; fault messages name the
// function; the timeline is valid JSON with one slice per request stage
// matching --requests-csv; the instruction trace is what the program does.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "isa/image.hpp"
#include "run_sim.hpp"
#include "vcd_reader.hpp"

using namespace s32::itest;

namespace {

constexpr std::uint64_t kPeriodPs = 10000;  // 100 MHz

const SimRun kLatency{"bench/latency", {"--mode", "cycle"}, {"6"}, {}, "", {}};

SimResult run_with(SimRun run, const std::vector<std::string>& extra, const fs::path& dir) {
  run.options.insert(run.options.end(), extra.begin(), extra.end());
  return run_sim(run, dir);
}

// The first and last timestamps, in picoseconds.
std::uint64_t first_time(const std::string& vcd_text) {
  const auto at = vcd_text.find("\n#");
  return at == std::string::npos ? UINT64_MAX
                                 : std::stoull(vcd_text.substr(at + 2)) * timescale_ps(parse_vcd(vcd_text).timescale);
}

std::uint64_t last_time(const std::string& vcd_text) {
  const auto at = vcd_text.rfind("\n#");
  return at == std::string::npos ? 0
                                 : std::stoull(vcd_text.substr(at + 2)) * timescale_ps(parse_vcd(vcd_text).timescale);
}

TEST(TraceWindow, VcdCoversExactlyTheWindowFromTheFullState) {
  TempDir tmp;
  const SimResult full = run_with(kLatency, {"--vcd", "full.vcd"}, tmp.path() / "full");
  ASSERT_EQ(full.status, 0) << full.err;
  const std::vector<RequestRow> rows = parse_requests(full.requests);
  ASSERT_GE(rows.size(), 4u);
  // From inside the second request's service to past the fourth's doorbell.
  const std::uint64_t from = rows[1].start + 1, to = rows[3].doorbell + 10;
  const SimResult win = run_with(kLatency, {"--vcd", "win.vcd", "--trace-from", std::to_string(from), "--trace-to",
                                            std::to_string(to)},
                                 tmp.path() / "win");
  ASSERT_EQ(win.status, 0) << win.err;
  EXPECT_EQ(win.out, full.out);
  const std::string text = read_file(tmp.path() / "win" / "win.vcd");
  EXPECT_EQ(first_time(text), from * kPeriodPs);
  EXPECT_EQ(last_time(text), to * kPeriodPs);
  const Vcd w = parse_vcd(text), f = parse_vcd(read_file(tmp.path() / "full" / "full.vcd"));
  ASSERT_EQ(w.signals.size(), f.signals.size());
  for (const auto& [name, changes] : f.signals) {
    SCOPED_TRACE(name);
    const std::vector<Change>& wc = w.signals.at(name);
    // Every value at the first timestamp, equal to the full trace's there.
    ASSERT_FALSE(wc.empty());
    EXPECT_EQ(wc.front(), (Change{from * kPeriodPs, value_at(changes, from * kPeriodPs)}));
    // Then exactly the full trace's changes inside the window.
    std::vector<Change> expected{wc.front()};
    for (const Change& c : changes)
      if (c.time > from * kPeriodPs && c.time <= to * kPeriodPs) expected.push_back(c);
    EXPECT_EQ(levels(wc), levels(expected));
  }
  // The device was busy at the window's start: the first timestamp says so.
  EXPECT_EQ(w.signal("device_busy").front().value, 1u);
  EXPECT_EQ(w.signal("req_seq").front().value, rows[1].seq);
}

TEST(TraceWindow, SelectionKeepsOnlyTheSelectedSignals) {
  TempDir tmp;
  const SimResult r = run_with(kLatency, {"--vcd", "sel.vcd", "--trace-signals", "cpu.pc,ring.req_*", "--trace-signals",
                                          "clk"},
                               tmp.path());
  ASSERT_EQ(r.status, 0) << r.err;
  std::set<std::string> names;
  for (const auto& [name, changes] : parse_vcd(read_file(tmp.path() / "sel.vcd")).signals) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"s32sim.clk", "s32sim.cpu.pc", "s32sim.ring.req_head", "s32sim.ring.req_seq",
                                          "s32sim.ring.req_tail"}));
  const SimResult bad = run_with(kLatency, {"--vcd", "bad.vcd", "--trace-signals", "cpu.nothing*"}, tmp.path() / "bad");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--trace-signals: 'cpu.nothing*' names no signal"), std::string::npos) << bad.err;
}

TEST(TraceWindow, GzipOutputWhenTheNameEndsInGz) {
  TempDir tmp;
  const SimResult r = run_with(kLatency, {"--vcd", "w.vcd", "--trace-insn", "i.txt.gz"}, tmp.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string gz = read_file(tmp.path() / "i.txt.gz");
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  ASSERT_EQ(std::system(("gzip -dc " + (tmp.path() / "i.txt.gz").string() + " > " + (tmp.path() / "i.txt").string())
                            .c_str()),
            0);
  const SimResult plain = run_with(kLatency, {"--trace-insn", "plain.txt"}, tmp.path() / "plain");
  EXPECT_EQ(read_file(tmp.path() / "i.txt"), read_file(tmp.path() / "plain" / "plain.txt"));
}

TEST(TraceWindow, RequestTriggerOpensAtItsDoorbell) {
  TempDir tmp;
  const SimResult r = run_with(kLatency, {"--vcd", "t.vcd", "--trace-start-at", "request=2"}, tmp.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<RequestRow> rows = parse_requests(r.requests);
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(first_time(read_file(tmp.path() / "t.vcd")), rows[2].doorbell * kPeriodPs);
}

// The same instructions, whatever the mode, from a symbol trigger (the
// first instruction is there) or a request's doorbell.
TEST(TraceWindow, TriggersStartTheInstructionTraceAlikeInEveryMode) {
  for (const char* trigger : {"ring_wait_response", "request=3"}) {
    SCOPED_TRACE(trigger);
    TempDir tmp;
    std::string traces[2];
    const char* modes[2] = {"fast", "cycle"};
    for (int m = 0; m < 2; ++m) {
      SimRun run = kLatency;
      run.options = {"--mode", modes[m], "--trace-start-at", trigger, "--trace-insn", "i.txt", "--trace-to", "3000"};
      const SimResult r = run_sim(run, tmp.path() / modes[m]);
      ASSERT_EQ(r.status, 0) << r.err;
      traces[m] = read_file(tmp.path() / modes[m] / "i.txt");
      // Tracing changes no result.
      const SimResult plain = run_sim({kLatency.program, {"--mode", modes[m]}, kLatency.args, {}, "", {}},
                                      tmp.path() / (std::string(modes[m]) + "_plain"));
      EXPECT_EQ(r.requests, plain.requests);
      EXPECT_EQ(json_raw(r.stats, "cycles"), json_raw(plain.stats, "cycles"));
    }
    ASSERT_FALSE(traces[0].empty());
    if (std::string(trigger) == "ring_wait_response") {
      EXPECT_NE(traces[0].substr(0, traces[0].find('\n')).find(" <ring_wait_response>: "), std::string::npos)
          << traces[0].substr(0, 200);
    }
    EXPECT_EQ(traces[0], traces[1]);
  }
}

TEST(TraceWindow, TriggerThatNeverHappensIsReported) {
  TempDir tmp;
  const SimResult r = run_with(kLatency, {"--vcd", "t.vcd", "--trace-start-at", "request=1000"}, tmp.path());
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("--trace-start-at request=1000 never happened"), std::string::npos) << r.err;
  const SimResult bad = run_with(kLatency, {"--trace-start-at", "no_such_function"}, tmp.path() / "bad");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("the program has no symbol 'no_such_function'"), std::string::npos) << bad.err;
}

TEST(TraceView, GtkwNamesOnlyAbsolutePathsAndTranslatesPc) {
  TempDir tmp;
  const SimResult r = run_with(kLatency, {"--vcd", "wave.vcd"}, tmp.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string gtkw = read_file(tmp.path() / "wave.vcd.gtkw");
  ASSERT_FALSE(gtkw.empty());
  std::istringstream lines(gtkw);
  std::size_t paths = 0;
  std::string pc_filter;
  for (std::string line; std::getline(lines, line);) {
    std::string path;
    if (line.rfind("[dumpfile] \"", 0) == 0 || line.rfind("[savefile] \"", 0) == 0)
      path = line.substr(line.find('"') + 1, line.rfind('"') - line.find('"') - 1);
    else if (line.rfind("^", 0) == 0)
      path = line.substr(line.find(' ') + 1);
    else
      continue;
    ++paths;
    EXPECT_TRUE(fs::path(path).is_absolute()) << line;
    if (line[0] == '^') {
      EXPECT_TRUE(fs::exists(path)) << line;
    }
    if (path.find(".pc.") != std::string::npos) pc_filter = path;
  }
  EXPECT_EQ(paths, 2u + 4u);  // dump, save, and the pc, cpu_state, opcode, req_seq filters
  EXPECT_NE(gtkw.find("[dumpfile] \"" + (tmp.path() / "wave.vcd").string() + "\""), std::string::npos);
  ASSERT_FALSE(pc_filter.empty());
  // A known function of the program, at its address and 8 bytes in.
  const s32::isa::Image image = s32::isa::load_s32x_file(std::string(S32_SW_BINARY_DIR) + "/bench/latency.s32x");
  const s32::isa::Symbol* sym = image.find_symbol("ring_wait_response");
  ASSERT_NE(sym, nullptr);
  const std::string filter = read_file(pc_filter);
  EXPECT_NE(filter.find("\n" + std::to_string(sym->value) + " ring_wait_response\n"), std::string::npos);
  EXPECT_NE(filter.find("\n" + std::to_string(sym->value + 8) + " ring_wait_response+0x8\n"), std::string::npos);
}

TEST(TraceSymbols, FaultMessageNamesTheFunction) {
  TempDir tmp;
  const SimResult r = run_sim({"tests/fault_memory", {}, {}, {}, "", {}}, tmp.path());
  EXPECT_EQ(r.status, 139);
  EXPECT_NE(r.err.find("pc 0x00000018 <_start+0x18>: ldw r5, r4+16"), std::string::npos) << r.err;
}

TEST(TraceEvents, TimelineIsJsonWithOneSlicePerStageMatchingTheCsv) {
  TempDir tmp;
  for (const char* mode : {"fast", "cycle"}) {
    SimRun run = kLatency;
    run.options = {"--mode", mode, "--trace-events", "events.json"};
    const fs::path dir = tmp.path() / mode;
    const SimResult r = run_sim(run, dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string cmd = "/usr/bin/python3 " + std::string(S32_SOURCE_DIR) +
                            "/tb/integration/check_trace_events.py " + (dir / "events.json").string() + " " +
                            (dir / "requests.csv").string() + " " + (dir / "stats.json").string() + " " +
                            std::to_string(kPeriodPs);
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  EXPECT_EQ(read_file(tmp.path() / "fast" / "events.json"), read_file(tmp.path() / "cycle" / "events.json"));
}

TEST(TraceEvents, StandardOutputWithDash) {
  TempDir tmp;
  SimRun run{"examples/hello_ring", {"--trace-events", "-"}, {}, {}, "", {}};
  const SimResult r = run_sim(run, tmp.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Hello, ring!\n", 0), 0u) << r.out.substr(0, 80);
  EXPECT_NE(r.out.find("{\"displayTimeUnit\": \"ns\", \"traceEvents\": ["), std::string::npos);
}

TEST(TraceInsn, SmallProgramGivesTheHandWrittenTrace) {
  TempDir tmp;
  // fault_memory's start: li, debug, la (lui + addi), call ring_puts; then
  // ring_puts (mv, li, j ring_fputs) and ring_fputs' prologue. Each is one
  // cycle until the store (a load or store costs 4).
  const std::string expected =
      "0 0x00000000 <_start>: addi r3, r0, 68  r3=0x00000044\n"
      "1 0x00000004 <_start+0x4>: debug r3\n"
      "2 0x00000008 <_start+0x8>: lui r3, 1  r3=0x00001000\n"
      "3 0x0000000c <_start+0xc>: addi r3, r3, 0  r3=0x00001000\n"
      "4 0x00000010 <_start+0x10>: jal lr, 0x258  # <ring_puts>  lr=0x00000014\n"
      "5 0x00000258 <ring_puts>: add r4, r3, r0  r4=0x00001000\n"
      "6 0x0000025c <ring_puts+0x4>: addi r3, r0, 1  r3=0x00000001\n"
      "7 0x00000260 <ring_puts+0x8>: jal r0, 0x270  # <ring_fputs>\n"
      "8 0x00000270 <ring_fputs>: addi sp, sp, -16  sp=0x0fffffe0\n"
      "9 0x00000274 <ring_fputs+0x4>: stw sp+12, lr  [0x0fffffec]=0x00000014\n";
  for (const char* mode : {"fast", "cycle"}) {
    const SimResult r =
        run_sim({"tests/fault_memory", {"--mode", mode, "--trace-insn", "i.txt", "--trace-to", "10"}, {}, {}, "", {}},
                tmp.path() / mode);
    EXPECT_EQ(r.status, 139);
    EXPECT_EQ(read_file(tmp.path() / mode / "i.txt"), expected) << mode;
  }
}

}  // namespace
