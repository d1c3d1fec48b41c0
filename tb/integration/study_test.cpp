// The latency study: how the execution model -- what starts the device,
// how the guest waits, when the completion line rises -- shapes the round
// trip of a ring request (doorbell write to RESP_TAIL write, in cycles),
// measured with sw/bench/latency (one request in flight at a time) and
// sw/bench/compute_between (computation between submit and wait). Each
// case checks an ordering the model implies, and one case checks every
// stage of a request against a calculation by hand from the timing rules.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "run_sim.hpp"

using namespace s32::itest;

namespace {

// The guest's output of `latency N` and `compute_between N K`.
std::string letters(unsigned n) {
  std::string s;
  for (unsigned i = 0; i < n; ++i) s += static_cast<char>('a' + i % 26);
  return s + "\n";
}

SimResult run_ok(const std::string& program, std::vector<std::string> args, std::vector<std::string> options,
                 const fs::path& dir) {
  SimRun run;
  run.program = program;
  run.args = std::move(args);
  run.options = std::move(options);
  SimResult r = run_sim(run, dir);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(r.stats.empty()) << "no statistics written";
  return r;
}

std::uint64_t median_latency(const SimResult& r) { return json_field(r.stats, "latency_cycles", "median"); }

// Polling every N cycles: a request waits for the next poll, so the round
// trip grows with N, and the wait from doorbell to start is 1..N cycles
// (the first poll whose falling edge follows the doorbell's rising edge).
TEST(StudyPolling, LatencyGrowsWithTheInterval) {
  TempDir tmp;
  std::uint64_t previous = 0;
  for (const std::uint64_t n : {100u, 1000u, 5000u}) {
    SCOPED_TRACE("poll:" + std::to_string(n));
    const SimResult r =
        run_ok("bench/latency", {"20"}, {"--trigger", "poll:" + std::to_string(n)}, tmp.path() / std::to_string(n));
    EXPECT_EQ(r.out, letters(20));
    const std::uint64_t median = median_latency(r);
    EXPECT_GT(median, previous);
    previous = median;
    EXPECT_GE(json_field(r.stats, "doorbell_to_start", "min"), 1u);
    EXPECT_LE(json_field(r.stats, "doorbell_to_start", "median"), n);
    EXPECT_LE(json_field(r.stats, "doorbell_to_start", "max"), n);
    // At most one poll every N cycles (none while the device serves); a
    // poll that finds work serves every request published by then.
    const std::uint64_t polls = json_number(r.stats, "polls");
    const std::uint64_t found = polls - json_number(r.stats, "empty_polls");
    EXPECT_LE(polls, json_number(r.stats, "cycles") / n);
    EXPECT_GE(found, 1u);
    EXPECT_LE(found, json_field(r.stats, "requests", "total"));
  }
}

// compute_between submits a 1-byte WRITE, computes K iterations of a
// 2-cycle loop, then waits. Started by the doorbell, the device serves the
// request during the computation (start one cycle after the doorbell) and
// the guest finds the response already posted: the round trip is shorter
// than computation and service back to back. Started only by YIELD, the
// device begins after the computation and the two add up.
TEST(StudyOverlap, DoorbellBeatsYieldWhenTheGuestComputes) {
  TempDir tmp;
  constexpr std::uint64_t kIterations = 500, kCompute = 2 * kIterations, kService = 400 + 2 * 1;
  const std::vector<std::string> args{"20", std::to_string(kIterations)};
  const SimResult doorbell = run_ok("bench/compute_between", args,
                                    {"--trigger", "doorbell", "--latency", "console=400+2"}, tmp.path() / "doorbell");
  const SimResult yield =
      run_ok("bench/compute_between", args, {"--trigger", "yield", "--latency", "console=400+2"}, tmp.path() / "yield");
  EXPECT_EQ(doorbell.out, letters(20));
  EXPECT_EQ(yield.out, doorbell.out);

  EXPECT_EQ(json_field(doorbell.stats, "doorbell_to_start", "median"), 1u);
  EXPECT_EQ(json_field(doorbell.stats, "start_to_host_done", "median"), kService);
  EXPECT_LT(median_latency(doorbell), kCompute + kService);

  EXPECT_GT(json_field(yield.stats, "doorbell_to_start", "median"), kCompute);
  EXPECT_GT(median_latency(yield), kCompute + kService);

  // Exactly: in the yield run the guest's first look at RESP_HEAD finds
  // nothing, so it pays its YIELD (1), the device's start on the next edge
  // (1), the whole service and a second look (j, two ldw: 9); in the
  // doorbell run the first look finds the response.
  EXPECT_EQ(median_latency(yield), median_latency(doorbell) + 1 + 1 + kService + 9);
}

// Every stage of a request, by hand. Options: --trigger doorbell --yield
// wait, host latency console=100+2 (a 1-byte WRITE takes 100 + 2*1 = 102
// cycles) and env=102 so the argument requests take as long. Memory and
// ring-window accesses cost 1 + 3 cycles, other instructions 1.
//
// submit_to_doorbell = 16: ring_submit writes the descriptor's four words
//   (stw at s, s+4, s+8, s+12), then REQ_HEAD at d = s + 16.
// doorbell_to_start = 1: the doorbell write happens on the rising edge of
//   cycle d; the device takes the request on the next falling edge, which
//   is stamped d + 1.
// start_to_host_done = 102: the modelled host latency.
// host_done_to_posted = 0: the response ring is never full with one request
//   in flight, so the response is posted at the host-done edge.
// posted_to_consumed = 24: meanwhile the guest went on to
//   ring_wait_response (ret, mv, j, la, lui, add, ldw RESP_HEAD, ldw
//   RESP_TAIL, bne after REQ_HEAD's stw) and stalled in its YIELD from
//   cycle d + 20, long before the post at d + 103. Posted on the falling
//   edge stamped p, the response wakes it at cycle p, and it runs j 3b (p),
//   ldw RESP_HEAD (p+1), ldw RESP_TAIL (p+5), bne (p+9), slli, add, lui,
//   add (p+10..p+13), ldw status (p+14), ldw length (p+18), addi, andi
//   (p+22, p+23) and writes RESP_TAIL at p + 24: consumed.
// So every consumed request's round trip is 1 + 102 + 0 + 24 = 127.
TEST(StudyHandCalculation, StagesOfAOneByteWrite) {
  TempDir tmp;
  const SimResult r = run_ok(
      "bench/latency", {"5"},
      {"--trigger", "doorbell", "--yield", "wait", "--latency", "console=100+2", "--latency", "env=102"}, tmp.path());
  EXPECT_EQ(r.out, letters(5));

  const std::vector<RequestRow> rows = parse_requests(r.requests);
  std::size_t writes = 0, consumed = 0;
  for (const RequestRow& row : rows) {
    SCOPED_TRACE("request " + std::to_string(row.seq) + " (" + row.name + ")");
    EXPECT_EQ(row.doorbell - row.submit, 16u);
    ASSERT_TRUE(row.has_start && row.has_host_done && row.has_posted);
    EXPECT_EQ(row.start - row.doorbell, 1u);
    if (row.name == "EXIT") continue;  // the run ends before anyone consumes it
    EXPECT_EQ(row.host_done - row.start, 102u);
    EXPECT_EQ(row.posted, row.host_done);
    ASSERT_TRUE(row.has_consumed);
    EXPECT_EQ(row.consumed - row.posted, 24u);
    EXPECT_EQ(row.consumed - row.doorbell, 127u);
    writes += row.name == "WRITE";
    ++consumed;
  }
  EXPECT_EQ(writes, 6u);  // five letters and the newline

  struct Expected {
    const char* stage;
    std::uint64_t cycles;
  };
  for (const Expected& e :
       {Expected{"submit_to_doorbell", 16}, Expected{"doorbell_to_start", 1}, Expected{"start_to_host_done", 102},
        Expected{"host_done_to_posted", 0}, Expected{"posted_to_consumed", 24}, Expected{"latency_cycles", 127}}) {
    SCOPED_TRACE(e.stage);
    EXPECT_EQ(json_field(r.stats, e.stage, "count"), consumed);
    EXPECT_EQ(json_field(r.stats, e.stage, "min"), e.cycles);
    EXPECT_EQ(json_field(r.stats, e.stage, "max"), e.cycles);
  }
}

// With the completion line, a stalled YIELD sleeps until it rises. One
// request in flight never gathers K = 4 completions, so the line rises T
// cycles after the post, and every round trip grows by exactly T over the
// uncoalesced line (K = 1), which rises at the post itself -- once per
// request, the EXIT's included.
TEST(StudyIrqCoalescing, TimeoutDelaysASingleRequestByT) {
  TempDir tmp;
  constexpr std::uint64_t kT = 500;
  const SimResult single =
      run_ok("bench/latency", {"20"}, {"--irq", "on", "--irq-coalesce", "1,0"}, tmp.path() / "single");
  const SimResult coalesced = run_ok(
      "bench/latency", {"20"}, {"--irq", "on", "--irq-coalesce", "4," + std::to_string(kT)}, tmp.path() / "coalesced");
  EXPECT_EQ(single.out, letters(20));
  EXPECT_EQ(coalesced.out, single.out);

  EXPECT_EQ(json_number(single.stats, "irqs"), json_field(single.stats, "requests", "total"));
  EXPECT_EQ(median_latency(coalesced), median_latency(single) + kT);
  EXPECT_EQ(json_field(coalesced.stats, "posted_to_consumed", "median"),
            json_field(single.stats, "posted_to_consumed", "median") + kT);
  // The run ends at the EXIT's post, before its timeout.
  EXPECT_EQ(json_number(coalesced.stats, "irqs"), json_field(coalesced.stats, "latency_cycles", "count"));
}

// --yield spin:N makes YIELD cost N cycles instead of stalling, so the
// guest's wait loop polls RESP_HEAD again and again: more instructions,
// no stalled cycles, the same output.
TEST(StudySpin, SpinningPollsMoreForTheSameOutput) {
  TempDir tmp;
  const SimResult wait = run_ok("bench/latency", {"10"}, {"--trigger", "yield"}, tmp.path() / "wait");
  const SimResult spin =
      run_ok("bench/latency", {"10"}, {"--trigger", "yield", "--yield", "spin:20"}, tmp.path() / "spin");
  EXPECT_EQ(wait.out, letters(10));
  EXPECT_EQ(spin.out, wait.out);
  EXPECT_GT(json_number(spin.stats, "instructions"), json_number(wait.stats, "instructions"));
  EXPECT_GT(json_number(spin.stats, "yields"), json_number(wait.stats, "yields"));
  EXPECT_EQ(json_number(spin.stats, "yield_wait_cycles"), 0u);
  EXPECT_GT(json_number(wait.stats, "yield_wait_cycles"), 0u);
}

}  // namespace
