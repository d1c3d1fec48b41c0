// Addresses as a person reads them, `function+0xoff`, from the program's
// symbol table: one spelling for the disassembler, fault messages, progress
// lines, instruction traces and the waveform's pc filter.
#pragma once

#include <cstdint>
#include <string>

namespace s32::isa {

struct Image;

// "name" at a symbol, "name+0x1c" past one; empty when no symbol lies at or
// below `addr`, or the nearest one has a size and `addr` is beyond it.
std::string symbolize(const Image& image, std::uint32_t addr);

// "0x0000001c <main+0x1c>", or just the address when nothing names it.
std::string describe_address(const Image* image, std::uint32_t addr);

}  // namespace s32::isa
