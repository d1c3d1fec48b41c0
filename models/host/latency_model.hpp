// Modelled host latency: a fixed cost per opcode class plus a cost per byte
// moved, in device clock cycles. It is a model, not the host's wall time,
// so every run is deterministic.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace s32::host {

// Process is EXEC: starting a child, plus a cost per cycle the child ran
// (its "bytes" are its simulated cycles), so a parent waits as long as the
// child's run in the model.
enum class ServiceClass : std::uint8_t { Console, File, Time, Env, Control, Process };
inline constexpr unsigned kNumServiceClasses = 6;
const char* service_class_name(ServiceClass c);

struct LatencyModel {
  struct Cost {
    std::uint64_t fixed = 0;
    std::uint64_t per_byte = 0;
  };
  // Defaults (cycles): console 400 + 2/byte, file 2000 + 1/byte, time 200,
  // env 200 + 1/byte, control 50, process 100000 + 1 per child cycle.
  std::array<Cost, kNumServiceClasses> cost = {{{400, 2}, {2000, 1}, {200, 0}, {200, 1}, {50, 0}, {100000, 1}}};

  static LatencyModel zero() {
    LatencyModel m;
    m.cost = {};
    return m;
  }
  std::uint64_t cycles(ServiceClass c, std::uint64_t bytes) const {
    const Cost& k = cost[static_cast<unsigned>(c)];
    return k.fixed + k.per_byte * bytes;
  }
  // Sets "console" / "file" / ... to "FIXED" or "FIXED+PERBYTE"; returns an
  // error message, empty on success.
  std::string set(std::string_view cls, std::string_view value);
};

}  // namespace s32::host
