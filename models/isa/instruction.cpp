#include "instruction.hpp"

namespace s32::isa {

namespace {

constexpr std::uint32_t bits(std::uint32_t w, unsigned hi, unsigned lo) {
  return (w >> lo) & ((1u << (hi - lo + 1)) - 1u);
}

constexpr std::int32_t sign_extend(std::uint32_t value, unsigned width) {
  const std::uint32_t m = 1u << (width - 1);
  return static_cast<std::int32_t>((value ^ m) - m);
}

}  // namespace

Decoded decode(std::uint32_t w) {
  Decoded d;
  d.opcode = static_cast<std::uint8_t>(w & 0x7F);
  d.rd = static_cast<std::uint8_t>(bits(w, 11, 7));
  d.rs1 = static_cast<std::uint8_t>(bits(w, 19, 15));
  d.rs2 = static_cast<std::uint8_t>(bits(w, 24, 20));
  const OpInfo* info = op_info(d.opcode);
  if (!info) return d;
  switch (info->form) {
    case Form::I:
    case Form::Load:
    case Form::Jalr:
      d.imm = info->ext == ImmExt::Zero ? static_cast<std::int32_t>(bits(w, 31, 20))
                                        : sign_extend(bits(w, 31, 20), 12);
      break;
    case Form::Store:
      d.imm = sign_extend((bits(w, 31, 25) << 5) | bits(w, 11, 7), 12);
      d.rd = 0;
      break;
    case Form::Branch:
      d.imm = sign_extend((bits(w, 31, 31) << 12) | (bits(w, 7, 7) << 11) |
                              (bits(w, 30, 25) << 5) | (bits(w, 11, 8) << 1),
                          13);
      d.rd = 0;
      break;
    case Form::U:
      d.imm = static_cast<std::int32_t>(w & 0xFFFFF000u);
      break;
    case Form::Jal:
      d.imm = sign_extend((bits(w, 31, 31) << 20) | (bits(w, 19, 12) << 12) |
                              (bits(w, 20, 20) << 11) | (bits(w, 30, 21) << 1),
                          21);
      break;
    case Form::R3:
    case Form::R2:
    case Form::Src2:
    case Form::Src1:
    case Form::None:
      break;
  }
  return d;
}

ImmRange imm_range(const OpInfo& info) {
  switch (info.form) {
    case Form::I:
      // Zero-extending opcodes also take negative values, meaning their low
      // 12 bits (so `xori rd, rs, -1` is the 0xFFF mask compilers emit).
      return info.ext == ImmExt::Zero ? ImmRange{-2048, 4095, 1} : ImmRange{-2048, 2047, 1};
    case Form::Load:
    case Form::Store:
    case Form::Jalr:
      return {-2048, 2047, 1};
    case Form::Branch:
      return {-4096, 4094, 2};
    case Form::U:
      return {-(1 << 19), (1 << 20) - 1, 1};
    case Form::Jal:
      return {-(1 << 20), (1 << 20) - 2, 2};
    default:
      return {0, 0, 1};
  }
}

std::uint32_t encode(const OpInfo& info, unsigned rd, unsigned rs1, unsigned rs2,
                     std::int64_t imm) {
  const std::uint32_t op = static_cast<std::uint32_t>(info.op);
  const std::uint32_t u = static_cast<std::uint32_t>(imm);
  const std::uint32_t frd = (rd & 31u) << 7, frs1 = (rs1 & 31u) << 15, frs2 = (rs2 & 31u) << 20;
  switch (info.form) {
    case Form::R3:
      return op | frd | frs1 | frs2;
    case Form::R2:
      return op | frd | frs1;
    case Form::Src2:
      return op | frs1 | frs2;
    case Form::Src1:
      return op | frs1;
    case Form::None:
      return op;
    case Form::I:
    case Form::Load:
    case Form::Jalr:
      return op | frd | frs1 | ((u & 0xFFFu) << 20);
    case Form::Store:
      return op | frs1 | frs2 | ((u & 0x1Fu) << 7) | (((u >> 5) & 0x7Fu) << 25);
    case Form::Branch:
      return op | frs1 | frs2 | (((u >> 11) & 1u) << 7) | (((u >> 1) & 0xFu) << 8) |
             (((u >> 5) & 0x3Fu) << 25) | (((u >> 12) & 1u) << 31);
    case Form::U:
      return op | frd | ((u & 0xFFFFFu) << 12);
    case Form::Jal:
      return op | frd | (((u >> 12) & 0xFFu) << 12) | (((u >> 11) & 1u) << 20) |
             (((u >> 1) & 0x3FFu) << 21) | (((u >> 20) & 1u) << 31);
  }
  return op;
}

}  // namespace s32::isa
