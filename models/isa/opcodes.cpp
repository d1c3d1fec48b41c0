#include "opcodes.hpp"

#include <array>

namespace s32::isa {

namespace {

constexpr std::array<const OpInfo*, kNumOpcodeSlots> build_index() {
  std::array<const OpInfo*, kNumOpcodeSlots> index{};
  for (const OpInfo& info : kOpTable) index[static_cast<unsigned>(info.op)] = &info;
  return index;
}

constexpr auto kIndex = build_index();

}  // namespace

const OpInfo* op_info(std::uint8_t opcode) {
  return opcode < kNumOpcodeSlots ? kIndex[opcode] : nullptr;
}

const OpInfo* op_info_by_mnemonic(std::string_view mnemonic) {
  for (const OpInfo& info : kOpTable)
    if (info.mnemonic == mnemonic) return &info;
  return nullptr;
}

PairUse pair_operands(Op op) {
  switch (op) {
    case Op::FADD_D: case Op::FSUB_D: case Op::FMUL_D: case Op::FDIV_D:
      return {true, true, true};
    case Op::FEQ_D: case Op::FLT_D: case Op::FLE_D:
      return {false, true, true};
    case Op::FSQRT_D: case Op::FNEG_D: case Op::FABS_D:
      return {true, true, false};
    case Op::FCVT_W_D: case Op::FCVT_WU_D: case Op::FCVT_S_D:
      return {false, true, false};
    case Op::FCVT_D_W: case Op::FCVT_D_WU: case Op::FCVT_D_S:
      return {true, false, false};
    case Op::FCVT_L_S: case Op::FCVT_LU_S:
      return {true, false, false};
    case Op::FCVT_S_L: case Op::FCVT_S_LU:
      return {false, true, false};
    case Op::FCVT_L_D: case Op::FCVT_LU_D: case Op::FCVT_D_L: case Op::FCVT_D_LU:
      return {true, true, false};
    default:
      return {};
  }
}

std::string_view op_class_name(OpClass cls) {
  switch (cls) {
    case OpClass::Alu: return "alu";
    case OpClass::Mul: return "multiply";
    case OpClass::Div: return "divide";
    case OpClass::Load: return "load";
    case OpClass::Store: return "store";
    case OpClass::Branch: return "branch";
    case OpClass::Jump: return "jump";
    case OpClass::Fp: return "fp";
    case OpClass::System: return "system";
  }
  return "?";
}

}  // namespace s32::isa
