// --trace-events: a timeline in the Chrome trace-event JSON format, which
// ui.perfetto.dev and chrome://tracing open. Tracks: the CPU (working,
// spinning, yield_wait, halt_wait spans), the device (each request in
// service), the host (each host operation) and request lanes with one
// slice per stage of each request, named by opcode and seq; flow arrows
// go from each doorbell through the start of service to the consumption
// of the response. Times are simulated (1 us of trace time is 1 us
// simulated); slices are clipped to the trace window.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace s32::trace {

// One request's stages, in cycles (as in --requests-csv).
struct TimelineRequest {
  std::uint64_t seq = 0;
  std::string name;  // opcode name
  std::uint64_t submit = 0, doorbell = 0, start = 0, host_done = 0, posted = 0, consumed = 0;
  bool served = false, posted_ok = false, consumed_ok = false;
};

// What the CPU spends cycles on besides working.
struct TimelineSpan {
  const char* name;  // "spinning", "yield_wait", "halt_wait"
  std::uint64_t from, to;
};

class EventTrace {
 public:
  // `period_ps` converts cycles to time.
  explicit EventTrace(std::uint64_t period_ps) : period_ps_(period_ps) {}

  void cpu_span(const char* name, std::uint64_t from, std::uint64_t to) { spans_.push_back({name, from, to}); }

  // Writes the whole timeline of the window [from, to) of a run that ended
  // at cycle `end`; returns false if a write failed. Closes `out`.
  bool write(std::FILE* out, const std::vector<TimelineRequest>& requests, std::uint64_t from, std::uint64_t to,
             std::uint64_t end) const;

  // The stage names, in order: submit->doorbell, doorbell->start,
  // start->host_done, host_done->posted, posted->consumed.
  static const char* const kStages[5];

 private:
  std::uint64_t period_ps_;
  std::vector<TimelineSpan> spans_;
};

}  // namespace s32::trace
