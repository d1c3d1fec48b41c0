// The 64 KiB ring window of ring-abi.md as seen from its base address.
#pragma once

#include <cstdint>

namespace s32::ring {

inline constexpr std::uint32_t kWindowSize = 0x10000;
inline constexpr std::uint32_t kReqHead = 0x0000;
inline constexpr std::uint32_t kReqTail = 0x0004;
inline constexpr std::uint32_t kReqRing = 0x1000;
inline constexpr std::uint32_t kRespHead = 0x2000;
inline constexpr std::uint32_t kRespTail = 0x2004;
inline constexpr std::uint32_t kRespRing = 0x3000;
inline constexpr std::uint32_t kDataBuffer = 0x4000;
inline constexpr std::uint32_t kRingEntries = 256;
inline constexpr std::uint32_t kDescriptorSize = 16;  // opcode, length, offset, status
inline constexpr std::uint32_t kRingBytes = kRingEntries * kDescriptorSize;

// Entries in use in a ring whose indices are `head` (producer) and `tail`.
constexpr std::uint32_t ring_used(std::uint32_t head, std::uint32_t tail) {
  return (head - tail) % kRingEntries;
}
// A ring is full at 255 entries: (head + 1) % 256 == tail.
constexpr bool ring_full(std::uint32_t head, std::uint32_t tail) { return (head + 1) % kRingEntries == tail; }

}  // namespace s32::ring
