// How the core reaches memory. Hot accesses go through a few direct regions
// (host pointer + bounds + permissions, the shape of a TLM DMI grant) checked
// inline; everything else (the ring window, unmapped addresses) goes through
// one virtual slow path that the owner implements: a sparse store in unit
// tests, bus transactions in the SystemC platform.
#pragma once

#include <cstdint>

namespace s32::isa {

enum Perm : std::uint8_t {
  kPermRead = 1,
  kPermWrite = 2,
  kPermExec = 4,
};

// A window of guest memory the core may access through a host pointer.
// `latency` is charged, in cycles, for every data access that hits it.
struct DirectRegion {
  std::uint32_t base = 0;
  std::uint32_t size = 0;  // bytes; 0 marks an unused slot
  std::uint8_t* host = nullptr;
  std::uint8_t perms = 0;
  std::uint32_t latency = 0;
};

struct SlowAccess {
  bool ok = false;
  std::uint32_t latency = 0;  // cycles the access took, charged to the instruction
};

class MemoryPort {
 public:
  virtual ~MemoryPort() = default;
  // `cycle` is the cycle at which the accessing instruction started, so a
  // timed implementation can place the transaction exactly.
  virtual SlowAccess read(std::uint32_t addr, unsigned size, std::uint32_t& value,
                          std::uint64_t cycle) = 0;
  virtual SlowAccess write(std::uint32_t addr, unsigned size, std::uint32_t value,
                           std::uint64_t cycle) = 0;
};

}  // namespace s32::isa
