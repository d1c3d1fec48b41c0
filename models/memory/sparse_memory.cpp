#include "sparse_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "isa/image.hpp"

namespace s32::memory {

SparseMemory::SparseMemory() {
  void* p = mmap(nullptr, kSpan, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    throw std::runtime_error(std::string("cannot reserve the 4 GiB guest address space: ") + std::strerror(errno));
  base_ = static_cast<std::uint8_t*>(p);
}

SparseMemory::~SparseMemory() { munmap(base_, kSpan); }

std::size_t SparseMemory::resident_bytes() const {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t chunk_pages = 1 << 16;
  std::vector<unsigned char> vec(chunk_pages);
  std::size_t resident = 0;
  for (std::uint64_t off = 0; off < kSpan; off += chunk_pages * page) {
    if (mincore(base_ + off, chunk_pages * page, vec.data()) != 0) continue;
    for (unsigned char v : vec) resident += (v & 1) ? page : 0;
  }
  return resident;
}

void load_image(SparseMemory& mem, const isa::Image& image) {
  for (const isa::Segment& s : image.segments)
    if (!s.bytes.empty()) std::memcpy(mem.host(s.vaddr), s.bytes.data(), s.bytes.size());
}

}  // namespace s32::memory
