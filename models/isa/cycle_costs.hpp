// The documented cost model (isa.md "Timing"): cycles each opcode takes to
// issue and execute. Memory time is not in this table: a load or store costs
// its entry here (1) plus whatever the memory it reaches reports (3 cycles
// by default), so the platform can count memory time once, as bus delay.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "opcodes.hpp"

namespace s32::isa {

class CycleCosts {
 public:
  // 1 per instruction, 32 per MUL/MULH/MULHU, 64 per DIV/REM; floating
  // point, which the documentation leaves open, defaults to 1.
  static CycleCosts defaults();

  std::uint32_t operator[](std::uint8_t opcode) const { return cost_[opcode & 0x7F]; }

  // `name` is a mnemonic ("fdiv.d") or an opcode class ("multiply",
  // "divide", "load", "store", "fp", ...; see op_class_name).
  // Costs below 1 are refused: every instruction takes at least one cycle.
  // Returns an error message, empty on success.
  std::string set(std::string_view name, std::uint32_t cycles);

 private:
  std::array<std::uint32_t, kNumOpcodeSlots> cost_{};
};

}  // namespace s32::isa
