// Cycles and simulated time on the platform clock, and the two-phase rule
// that keeps every run deterministic: the CPU acts on rising edges (time
// cycle * period) and devices act on falling edges, half a period earlier
// than the rising edge of the cycle they are stamped with. A device action
// stamped k is therefore seen by a CPU access in cycle k and never by one
// in cycle k - 1, whatever order the kernel runs processes in, and in fast
// and cycle-stepped mode alike.
#pragma once

#include <cmath>
#include <cstdint>

#include <systemc>

namespace s32::interconnect {

class CycleTime {
 public:
  // The period is rounded to an even number of picoseconds so half a
  // period is exact at SystemC's default 1 ps resolution.
  explicit CycleTime(double clock_mhz)
      : period_ps_(2 * static_cast<std::uint64_t>(std::llround(1e6 / clock_mhz / 2.0))) {}

  sc_core::sc_time period() const { return ps(period_ps_); }
  std::uint64_t period_ps() const { return period_ps_; }
  std::uint64_t falling_ps(std::uint64_t cycle) const { return cycle * period_ps_ - period_ps_ / 2; }
  double period_ns() const { return static_cast<double>(period_ps_) / 1000.0; }

  // Rising edge starting `cycle`.
  sc_core::sc_time rising(std::uint64_t cycle) const { return ps(cycle * period_ps_); }
  // Falling edge at which a device action stamped `cycle` happens.
  sc_core::sc_time falling(std::uint64_t cycle) const { return ps(cycle * period_ps_ - period_ps_ / 2); }

  // First cycle whose rising edge is at or after `t`.
  std::uint64_t cycle_at_or_after(const sc_core::sc_time& t) const {
    return (time_ps(t) + period_ps_ - 1) / period_ps_;
  }
  // Whole cycles in a duration (rounded up: a partial cycle still costs one).
  std::uint64_t cycles_in(const sc_core::sc_time& d) const { return cycle_at_or_after(d); }
  // The stamp of a device action happening at `t` (a falling edge).
  std::uint64_t stamp(const sc_core::sc_time& t) const { return cycle_at_or_after(t); }

 private:
  static sc_core::sc_time ps(std::uint64_t v) {
    return sc_core::sc_time::from_value(v * ps_to_value());
  }
  static std::uint64_t time_ps(const sc_core::sc_time& t) { return t.value() / ps_to_value(); }
  // sc_time values count the kernel's time resolution (1 ps by default).
  static std::uint64_t ps_to_value() {
    static const std::uint64_t v = sc_core::sc_time(1, sc_core::SC_PS).value();
    return v;
  }

  std::uint64_t period_ps_;
};

}  // namespace s32::interconnect
