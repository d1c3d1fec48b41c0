// Backing store for the 32-bit guest address space. It reserves the whole
// 4 GiB range once with mmap(MAP_NORESERVE); the kernel gives a page real
// memory only when it is first written, so a program whose stack sits at
// 0x0FFFFFF0 costs the pages it touches, not 256 MiB. One contiguous range
// also makes every region a single DMI pointer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace s32::isa {
struct Image;
}

namespace s32::memory {

class SparseMemory {
 public:
  static constexpr std::uint64_t kSpan = std::uint64_t{1} << 32;

  SparseMemory();
  ~SparseMemory();
  SparseMemory(const SparseMemory&) = delete;
  SparseMemory& operator=(const SparseMemory&) = delete;

  std::uint8_t* host(std::uint32_t addr) { return base_ + addr; }
  const std::uint8_t* host(std::uint32_t addr) const { return base_ + addr; }

  // Host bytes actually backed by memory (pages touched so far).
  std::size_t resident_bytes() const;

 private:
  std::uint8_t* base_ = nullptr;
};

// Copies the image's segments into memory (the rest stays zero).
void load_image(SparseMemory& mem, const isa::Image& image);

}  // namespace s32::memory
