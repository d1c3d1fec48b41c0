// Instruction words: decoding into a compact predecoded form and encoding
// from fields. The field layouts are RISC-V-like (isa.md "Field layouts").
#pragma once

#include <cstdint>

#include "opcodes.hpp"

namespace s32::isa {

// One instruction, decoded once and executed many times. Eight bytes so a
// page of code decodes into a cache-friendly array.
struct Decoded {
  std::uint8_t opcode = 0;  // raw 7-bit opcode; may be illegal
  std::uint8_t rd = 0;
  std::uint8_t rs1 = 0;
  std::uint8_t rs2 = 0;
  std::int32_t imm = 0;  // already extended the way this opcode wants
};
static_assert(sizeof(Decoded) == 8);

Decoded decode(std::uint32_t word);

// Immediate ranges the encoder accepts, per form.
struct ImmRange {
  std::int64_t min;
  std::int64_t max;
  std::int64_t align;  // required divisor (2 for branch/jump offsets)
};
ImmRange imm_range(const OpInfo& info);

// Builds the word for `info` with the given fields. `imm` must lie within
// imm_range(info); callers check first so errors can name the source line.
std::uint32_t encode(const OpInfo& info, unsigned rd, unsigned rs1, unsigned rs2,
                     std::int64_t imm);

}  // namespace s32::isa
