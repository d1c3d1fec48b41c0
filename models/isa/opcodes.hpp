// The SLOW-32 instruction set as one table. The decoder, executor, cycle-cost
// defaults, disassembler and assembler are all driven from S32_OPCODES so an
// opcode's facts live in exactly one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace s32::isa {

// How an instruction's operands are encoded and written in assembly.
enum class Form : std::uint8_t {
  R3,      // op rd, rs1, rs2
  R2,      // op rd, rs1              (rs2 unused: sqrt, conversions, sign ops)
  I,       // op rd, rs1, imm         (imm sign- or zero-extended, see ImmExt)
  Load,    // op rd, rs1+imm
  Store,   // op rs1+imm, rs2
  Branch,  // op rs1, rs2, target     (target = pc + 4 + imm)
  U,       // op rd, imm20
  Jal,     // op rd, target           (target = pc + imm)
  Jalr,    // op rd, rs1, imm
  Src2,    // op rs1, rs2             (assert_eq)
  Src1,    // op rs1                  (debug)
  None,    // op                      (yield, halt, the 0x50 nop)
};

enum class ImmExt : std::uint8_t { None, Sign, Zero };

// Groups that share a default cycle cost and a statistics bucket.
enum class OpClass : std::uint8_t { Alu, Mul, Div, Load, Store, Branch, Jump, Fp, System };

// X(Name, mnemonic, opcode, Form, ImmExt, OpClass)
#define S32_OPCODES(X)                                     \
  X(ADD, "add", 0x00, R3, None, Alu)                       \
  X(SUB, "sub", 0x01, R3, None, Alu)                       \
  X(XOR, "xor", 0x02, R3, None, Alu)                       \
  X(OR, "or", 0x03, R3, None, Alu)                         \
  X(AND, "and", 0x04, R3, None, Alu)                       \
  X(SLL, "sll", 0x05, R3, None, Alu)                       \
  X(SRL, "srl", 0x06, R3, None, Alu)                       \
  X(SRA, "sra", 0x07, R3, None, Alu)                       \
  X(SLT, "slt", 0x08, R3, None, Alu)                       \
  X(SLTU, "sltu", 0x09, R3, None, Alu)                     \
  X(MUL, "mul", 0x0A, R3, None, Mul)                       \
  X(MULH, "mulh", 0x0B, R3, None, Mul)                     \
  X(DIV, "div", 0x0C, R3, None, Div)                       \
  X(REM, "rem", 0x0D, R3, None, Div)                       \
  X(SEQ, "seq", 0x0E, R3, None, Alu)                       \
  X(SNE, "sne", 0x0F, R3, None, Alu)                       \
  X(ADDI, "addi", 0x10, I, Sign, Alu)                      \
  X(ORI, "ori", 0x11, I, Zero, Alu)                        \
  X(ANDI, "andi", 0x12, I, Zero, Alu)                      \
  X(SLLI, "slli", 0x13, I, Sign, Alu)                      \
  X(SRLI, "srli", 0x14, I, Sign, Alu)                      \
  X(SRAI, "srai", 0x15, I, Sign, Alu)                      \
  X(SLTI, "slti", 0x16, I, Sign, Alu)                      \
  X(SLTIU, "sltiu", 0x17, I, Zero, Alu)                    \
  X(SGT, "sgt", 0x18, R3, None, Alu)                       \
  X(SGTU, "sgtu", 0x19, R3, None, Alu)                     \
  X(SLE, "sle", 0x1A, R3, None, Alu)                       \
  X(SLEU, "sleu", 0x1B, R3, None, Alu)                     \
  X(SGE, "sge", 0x1C, R3, None, Alu)                       \
  X(SGEU, "sgeu", 0x1D, R3, None, Alu)                     \
  X(XORI, "xori", 0x1E, I, Zero, Alu)                      \
  X(MULHU, "mulhu", 0x1F, R3, None, Mul)                   \
  X(LUI, "lui", 0x20, U, None, Alu)                        \
  X(LDB, "ldb", 0x30, Load, Sign, Load)                    \
  X(LDH, "ldh", 0x31, Load, Sign, Load)                    \
  X(LDW, "ldw", 0x32, Load, Sign, Load)                    \
  X(LDBU, "ldbu", 0x33, Load, Sign, Load)                  \
  X(LDHU, "ldhu", 0x34, Load, Sign, Load)                  \
  X(STB, "stb", 0x38, Store, Sign, Store)                  \
  X(STH, "sth", 0x39, Store, Sign, Store)                  \
  X(STW, "stw", 0x3A, Store, Sign, Store)                  \
  X(ASSERT_EQ, "assert_eq", 0x3F, Src2, None, System)      \
  X(JAL, "jal", 0x40, Jal, Sign, Jump)                     \
  X(JALR, "jalr", 0x41, Jalr, Sign, Jump)                  \
  X(BEQ, "beq", 0x48, Branch, Sign, Branch)                \
  X(BNE, "bne", 0x49, Branch, Sign, Branch)                \
  X(BLT, "blt", 0x4A, Branch, Sign, Branch)                \
  X(BGE, "bge", 0x4B, Branch, Sign, Branch)                \
  X(BLTU, "bltu", 0x4C, Branch, Sign, Branch)              \
  X(BGEU, "bgeu", 0x4D, Branch, Sign, Branch)              \
  X(NOP, "nop", 0x50, None, None, System)                  \
  X(YIELD, "yield", 0x51, None, None, System)              \
  X(DEBUG, "debug", 0x52, Src1, None, System)              \
  X(FADD_S, "fadd.s", 0x53, R3, None, Fp)                  \
  X(FSUB_S, "fsub.s", 0x54, R3, None, Fp)                  \
  X(FMUL_S, "fmul.s", 0x55, R3, None, Fp)                  \
  X(FDIV_S, "fdiv.s", 0x56, R3, None, Fp)                  \
  X(FSQRT_S, "fsqrt.s", 0x57, R2, None, Fp)                \
  X(FEQ_S, "feq.s", 0x58, R3, None, Fp)                    \
  X(FLT_S, "flt.s", 0x59, R3, None, Fp)                    \
  X(FLE_S, "fle.s", 0x5A, R3, None, Fp)                    \
  X(FCVT_W_S, "fcvt.w.s", 0x5B, R2, None, Fp)              \
  X(FCVT_WU_S, "fcvt.wu.s", 0x5C, R2, None, Fp)            \
  X(FCVT_S_W, "fcvt.s.w", 0x5D, R2, None, Fp)              \
  X(FCVT_S_WU, "fcvt.s.wu", 0x5E, R2, None, Fp)            \
  X(FNEG_S, "fneg.s", 0x5F, R2, None, Fp)                  \
  X(FABS_S, "fabs.s", 0x60, R2, None, Fp)                  \
  X(FADD_D, "fadd.d", 0x61, R3, None, Fp)                  \
  X(FSUB_D, "fsub.d", 0x62, R3, None, Fp)                  \
  X(FMUL_D, "fmul.d", 0x63, R3, None, Fp)                  \
  X(FDIV_D, "fdiv.d", 0x64, R3, None, Fp)                  \
  X(FSQRT_D, "fsqrt.d", 0x65, R2, None, Fp)                \
  X(FEQ_D, "feq.d", 0x66, R3, None, Fp)                    \
  X(FLT_D, "flt.d", 0x67, R3, None, Fp)                    \
  X(FLE_D, "fle.d", 0x68, R3, None, Fp)                    \
  X(FCVT_W_D, "fcvt.w.d", 0x69, R2, None, Fp)              \
  X(FCVT_WU_D, "fcvt.wu.d", 0x6A, R2, None, Fp)            \
  X(FCVT_D_W, "fcvt.d.w", 0x6B, R2, None, Fp)              \
  X(FCVT_D_WU, "fcvt.d.wu", 0x6C, R2, None, Fp)            \
  X(FCVT_D_S, "fcvt.d.s", 0x6D, R2, None, Fp)              \
  X(FCVT_S_D, "fcvt.s.d", 0x6E, R2, None, Fp)              \
  X(FNEG_D, "fneg.d", 0x6F, R2, None, Fp)                  \
  X(FABS_D, "fabs.d", 0x70, R2, None, Fp)                  \
  X(FCVT_L_S, "fcvt.l.s", 0x71, R2, None, Fp)              \
  X(FCVT_LU_S, "fcvt.lu.s", 0x72, R2, None, Fp)            \
  X(FCVT_S_L, "fcvt.s.l", 0x73, R2, None, Fp)              \
  X(FCVT_S_LU, "fcvt.s.lu", 0x74, R2, None, Fp)            \
  X(FCVT_L_D, "fcvt.l.d", 0x75, R2, None, Fp)              \
  X(FCVT_LU_D, "fcvt.lu.d", 0x76, R2, None, Fp)            \
  X(FCVT_D_L, "fcvt.d.l", 0x77, R2, None, Fp)              \
  X(FCVT_D_LU, "fcvt.d.lu", 0x78, R2, None, Fp)            \
  X(HALT, "halt", 0x7F, None, None, System)

enum class Op : std::uint8_t {
#define S32_ENUM(name, mn, code, form, ext, cls) name = code,
  S32_OPCODES(S32_ENUM)
#undef S32_ENUM
};

struct OpInfo {
  Op op;
  std::string_view mnemonic;
  Form form;
  ImmExt ext;
  OpClass cls;
};

inline constexpr OpInfo kOpTable[] = {
#define S32_INFO(name, mn, code, form, ext, cls) \
  {Op::name, mn, Form::form, ImmExt::ext, OpClass::cls},
    S32_OPCODES(S32_INFO)
#undef S32_INFO
};

inline constexpr unsigned kNumOpcodeSlots = 128;

// The entry for a 7-bit opcode value, or nothing when the value is illegal.
const OpInfo* op_info(std::uint8_t opcode);
const OpInfo* op_info_by_mnemonic(std::string_view mnemonic);

inline bool is_legal(std::uint8_t opcode) { return op_info(opcode) != nullptr; }

// f64 and 64-bit integer operands occupy the even/odd pair rN, rN+1.
struct PairUse {
  bool rd = false, rs1 = false, rs2 = false;
};
PairUse pair_operands(Op op);

std::string_view op_class_name(OpClass cls);

}  // namespace s32::isa
