// Which part of a run the traces show. A window of cycles [from, to) opens
// at --trace-from, or at a trigger (a pc reached, a request published) at
// or after it, and closes at --trace-to; every trace (waveform,
// instruction trace, timeline) keeps to it. A selection of waveform
// signals, by name or glob ("cpu.pc", "ring.*"), keeps the VCD small.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trace/trace_sink.hpp"

namespace s32::trace {

class VcdWriter;

// What the options ask for; the platform resolves `start_at`.
struct TraceConfig {
  std::uint64_t from = 0;             // cycle
  std::uint64_t to = 0;               // cycle, exclusive; 0: to the end
  std::vector<std::string> signals;   // name globs; empty: every signal
  std::string start_at;               // "", SYMBOL, pc=ADDR or request=N
  bool windowed() const { return from || to || !start_at.empty(); }
};

class TraceWindow {
 public:
  // `triggered`: the window opens at the first trigger at or after `from`.
  TraceWindow(std::uint64_t from, std::uint64_t to, bool triggered)
      : from_(from), to_(to ? to : UINT64_MAX), armed_(triggered) {
    if (!triggered) start_ = from;
  }
  // The cycle the window opens at, once known.
  std::optional<std::uint64_t> start() const { return start_; }
  std::uint64_t from() const { return from_; }
  std::uint64_t end() const { return to_; }
  bool armed() const { return armed_; }
  bool contains(std::uint64_t cycle) const { return start_ && cycle >= *start_ && cycle < to_; }
  // A trigger seen at `cycle`: opens the window if it is armed and the cycle
  // is at or after --trace-from.
  void trigger(std::uint64_t cycle) {
    if (!armed_ || cycle < from_) return;
    armed_ = false;
    start_ = cycle;
  }
  // The next cycle after `cycle` at which contains() can change, UINT64_MAX
  // when it cannot (an armed trigger can fire at any time).
  std::uint64_t next_change(std::uint64_t cycle) const;

 private:
  std::uint64_t from_, to_;
  bool armed_;
  std::optional<std::uint64_t> start_;
};

// True if `full` ("cpu.pc", "clk") matches one of the comma-free globs.
bool signal_selected(const std::vector<std::string>& globs, const std::string& full);
// "cpu.pc" from scope "cpu" and name "pc"; the name alone without a scope.
std::string signal_name(const std::string& scope, const std::string& name);

// A sink layer over a VCD writer: forwards only the selected signals and
// only inside the window, and starts the file with the full state at the
// window's first cycle so a viewer shows correct values from there on.
class WindowedSink : public TraceSink {
 public:
  WindowedSink(VcdWriter& out, const TraceWindow& window, std::uint64_t period_ps, std::vector<std::string> globs);

  Id declare(const std::string& scope, const std::string& name, unsigned width) override;
  void change(Id id, std::uint64_t value, std::uint64_t time_ps) override;

  bool selected(const std::string& scope, const std::string& name) const;
  // Throws std::runtime_error naming a glob that selects none of the
  // declared signals (nor one of `also`, such as the clock).
  void check_selection(const std::vector<std::string>& also) const;
  // Writes up to the end of the window or `end_ps`, whichever is first,
  // and closes the writer; returns false if any write failed.
  bool close(std::uint64_t end_ps);

 private:
  void open(std::uint64_t t);

  struct Signal {
    std::string full;
    bool selected;
    Id down;
    std::uint64_t value;
  };
  VcdWriter& out_;
  const TraceWindow& window_;
  std::uint64_t period_ps_;
  std::vector<std::string> globs_;
  std::vector<Signal> signals_;
  bool opened_ = false;
  std::uint64_t start_ps_ = 0;
};

}  // namespace s32::trace
