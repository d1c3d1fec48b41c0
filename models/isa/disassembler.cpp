#include "disassembler.hpp"

#include <cstdio>

#include "image.hpp"
#include "instruction.hpp"
#include "symbolizer.hpp"

namespace s32::isa {

namespace {

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

std::string target_text(std::uint32_t target, const Image* image) {
  std::string s = hex32(target);
  if (image) {
    const std::string name = symbolize(*image, target);
    if (!name.empty()) s += "  # <" + name + ">";
  }
  return s;
}

}  // namespace

std::string reg_name(unsigned r) {
  switch (r & 31) {
    case 29: return "sp";
    case 30: return "fp";
    case 31: return "lr";
    default: return "r" + std::to_string(r & 31);
  }
}

std::string disassemble(std::uint32_t word, std::uint32_t pc, const Image* image) {
  if (word == 0) return "nop";
  const OpInfo* info = op_info(static_cast<std::uint8_t>(word & 0x7F));
  // The 0x50 NOP has no spelling of its own: `nop` is the all-zero word.
  if (!info || info->op == Op::NOP) {
    char buf[40];
    std::snprintf(buf, sizeof buf, ".word 0x%08x  # %s", word, info ? "nop (opcode 0x50)" : "illegal");
    return buf;
  }
  const Decoded d = decode(word);
  const std::string mn(info->mnemonic);
  const auto rd = reg_name(d.rd), rs1 = reg_name(d.rs1), rs2 = reg_name(d.rs2);
  switch (info->form) {
    case Form::R3: return mn + " " + rd + ", " + rs1 + ", " + rs2;
    case Form::R2: return mn + " " + rd + ", " + rs1;
    case Form::I: return mn + " " + rd + ", " + rs1 + ", " + std::to_string(d.imm);
    case Form::Load: return mn + " " + rd + ", " + rs1 + "+" + std::to_string(d.imm);
    case Form::Store: return mn + " " + rs1 + "+" + std::to_string(d.imm) + ", " + rs2;
    case Form::Branch:
      return mn + " " + rs1 + ", " + rs2 + ", " + target_text(pc + 4 + static_cast<std::uint32_t>(d.imm), image);
    case Form::U: return mn + " " + rd + ", " + std::to_string(static_cast<std::uint32_t>(d.imm) >> 12);
    case Form::Jal: return mn + " " + rd + ", " + target_text(pc + static_cast<std::uint32_t>(d.imm), image);
    case Form::Jalr: return mn + " " + rd + ", " + rs1 + ", " + std::to_string(d.imm);
    case Form::Src2: return mn + " " + rs1 + ", " + rs2;
    case Form::Src1: return mn + " " + rs1;
    case Form::None: return mn;
  }
  return mn;
}

}  // namespace s32::isa
