// Writes a .s32x the way the public linker does (s32x.md): header, section
// table at 0x40, section-name strings, padding to 16, then each section's
// bytes 4-aligned, then the symbol table and its strings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isa/s32x_format.hpp"

namespace s32::as {

struct WriterSection {
  std::string name;
  std::uint32_t type = 0;
  std::uint32_t vaddr = 0;
  std::uint32_t flags = 0;
  std::vector<std::uint8_t> bytes;  // empty for bss
  std::uint32_t mem_size = 0;
};

struct WriterSymbol {
  std::string name;
  std::uint32_t value = 0;
  std::uint16_t section = 0xFFFF;  // output section index; 0xFFFF for absolute
  std::uint8_t type = 0;
  std::uint8_t binding = 0;
  std::uint32_t size = 0;
};

struct WriterInput {
  std::uint32_t entry = 0, flags = 0;
  std::uint32_t code_limit = 0, rodata_limit = 0, data_limit = 0;
  std::uint32_t stack_base = 0, stack_end = 0, heap_base = 0, mmio_base = 0, mem_size = 0;
  std::vector<WriterSection> sections;
  std::vector<WriterSymbol> symbols;  // empty: no symbol table
};

std::vector<std::uint8_t> write_s32x(const WriterInput& in);

}  // namespace s32::as
