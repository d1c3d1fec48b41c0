// A validated, loaded SLOW-32 program: what to put where in memory, the
// memory map with permissions, the initial state and the symbols. Produced
// by the .s32x loader; consumed by whoever owns memory (unit-test harness,
// the platform's RAM and bus) without any knowledge of the file format.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace s32::isa {

class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class RegionKind : std::uint8_t { Code, Rodata, Data, Heap, Stack, Mmio };
const char* region_kind_name(RegionKind kind);

struct Region {
  RegionKind kind;
  std::uint32_t base;
  std::uint64_t size;  // may reach 2^32 - base
  std::uint8_t perms;  // isa::Perm bits
  std::uint64_t end() const { return base + size; }
  bool contains(std::uint64_t addr, std::uint64_t len = 1) const {
    return addr >= base && addr + len <= end();
  }
};

struct Segment {
  std::string name;
  std::uint32_t vaddr = 0;
  std::uint32_t mem_size = 0;       // bytes in memory; beyond bytes.size() is zero
  std::vector<std::uint8_t> bytes;  // initial contents
};

struct Symbol {
  std::string name;
  std::uint32_t value = 0;
  std::uint32_t size = 0;
  std::uint8_t type = 0;
  std::uint8_t binding = 0;
  bool absolute = false;  // section 0xFFFF: defined by the linker, not a location
};

struct Image {
  std::uint32_t entry = 0;
  std::uint32_t stack_pointer = 0;  // initial r29
  std::uint32_t flags = 0;          // header flags
  std::uint32_t code_limit = 0;
  std::uint32_t rodata_limit = 0;
  std::uint32_t data_limit = 0;
  std::uint32_t heap_base = 0;  // the header's field, for the guest library
  std::optional<std::uint32_t> mmio_base;
  std::vector<Region> regions;  // sorted by base, non-overlapping
  std::vector<Segment> segments;
  std::vector<Symbol> symbols;  // sorted by value

  bool wxorx() const;
  const Region* region_at(std::uint32_t addr) const;
  // The symbol covering `addr` (or the nearest one below it), if any.
  const Symbol* symbol_for(std::uint32_t addr) const;
  const Symbol* find_symbol(const std::string& name) const;
};

// Parses and validates a .s32x. Throws LoadError with one clear line naming
// what is wrong; never reads outside `bytes`.
Image load_s32x(const std::vector<std::uint8_t>& bytes);
Image load_s32x_file(const std::string& path);

}  // namespace s32::isa
