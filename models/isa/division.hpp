// DIV and REM as the ISA defines them (isa.md: no trap; by 0, DIV gives
// 0xFFFFFFFF and REM its dividend; INT_MIN / -1 gives INT_MIN, remainder
// 0). The interpreter and the translator's helpers both compute them here.
#pragma once

#include <cstdint>
#include <limits>

namespace s32::isa {

inline std::uint32_t signed_divide(std::uint32_t a, std::uint32_t b) {
  const auto sa = static_cast<std::int32_t>(a), sb = static_cast<std::int32_t>(b);
  if (sb == 0) return 0xFFFFFFFFu;
  if (sa == std::numeric_limits<std::int32_t>::min() && sb == -1) return a;
  return static_cast<std::uint32_t>(sa / sb);
}

inline std::uint32_t signed_remainder(std::uint32_t a, std::uint32_t b) {
  const auto sa = static_cast<std::int32_t>(a), sb = static_cast<std::int32_t>(b);
  if (sb == 0) return a;
  if (sa == std::numeric_limits<std::int32_t>::min() && sb == -1) return 0;
  return static_cast<std::uint32_t>(sa % sb);
}

}  // namespace s32::isa
