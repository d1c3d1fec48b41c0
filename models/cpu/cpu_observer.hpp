// Who watches the CPU beyond its signals: an instruction trace or a pc
// trigger sees each instruction while it asks to, and a timeline sees the
// spans the CPU spends in YIELD and HALT. Watching never changes a result:
// the CPU only stops more often, which every mode and quantum allow.
#pragma once

#include <cstdint>

#include "isa/core.hpp"

namespace s32::cpu {

enum class Activity : std::uint8_t {
  Spin,       // a YIELD that returned without stalling
  YieldWait,  // a YIELD stalled for the device
  HaltWait,   // after HALT, the device draining
};

class CpuObserver {
 public:
  virtual ~CpuObserver() = default;
  // Whether each instruction starting in `cycle` is to be reported.
  virtual bool stepping(std::uint64_t cycle) const = 0;
  // The next cycle after `cycle` at which stepping() can change.
  virtual std::uint64_t next_change(std::uint64_t cycle) const = 0;
  // The instruction `word` at `pc`, started in cycle `start`, has run;
  // `core` shows its results.
  virtual void retired(const isa::Core& core, std::uint64_t start, std::uint32_t pc, std::uint32_t word) = 0;
  virtual void span(Activity what, std::uint64_t from, std::uint64_t to) = 0;
};

}  // namespace s32::cpu
