// The ISA core on sparse memory with no SystemC: the harness unit tests and
// microbenchmarks use to run a loaded program. Every image region is a
// direct region charging the default 3 memory cycles per access; YIELD is a
// no-op and DEBUG output is collected.
#pragma once

#include <cstdint>
#include <string>

#include "isa/core.hpp"
#include "isa/image.hpp"
#include "memory/sparse_memory.hpp"

namespace s32::test {

struct BareRun {
  isa::StopReason stop = isa::StopReason::CycleLimit;
  std::string output;  // DEBUG bytes
  std::uint32_t r1 = 0;
  std::uint64_t instret = 0;
  std::uint64_t cycles = 0;
  isa::Fault fault;
};

class BareMachine {
 public:
  static constexpr std::uint32_t kMemoryLatency = 3;

  explicit BareMachine(const isa::Image& image, const isa::CycleCosts& costs = isa::CycleCosts::defaults());

  // How run() executes: the interpreter, or the translating engine (builds
  // with S32_HAVE_JIT; elsewhere run() throws std::logic_error).
  enum class Engine { Interp, Jit };

  // Runs until HALT, a fault, a failed assertion or `max_cycles`.
  BareRun run(std::uint64_t max_cycles = 20'000'000'000ull, Engine engine = Engine::Interp);

  isa::Core& core() { return core_; }
  memory::SparseMemory& memory() { return mem_; }

 private:
  memory::SparseMemory mem_;
  isa::Core core_;
};

BareRun run_s32x(const std::string& path, std::uint64_t max_cycles = 20'000'000'000ull);

}  // namespace s32::test
