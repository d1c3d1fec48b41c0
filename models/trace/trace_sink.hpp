// Where traced values go. Modules declare the values they trace and report
// each change with its simulated time; the sink decides the format (a VCD
// writer, or nothing). Times never go backwards between calls.
#pragma once

#include <cstdint>
#include <string>

namespace s32::trace {

class TraceSink {
 public:
  using Id = std::uint32_t;
  virtual ~TraceSink() = default;
  // `scope` is the module ("cpu"); `width` in bits (1..64).
  virtual Id declare(const std::string& scope, const std::string& name, unsigned width) = 0;
  virtual void change(Id id, std::uint64_t value, std::uint64_t time_ps) = 0;
};

}  // namespace s32::trace
