// Unit tests of the SLOW-32 ISA core on the bare machine (no SystemC): the
// result of every opcode, the immediate, branch and conversion rules of
// isa.md, events, faults, the cost model and the sparse stack. Programs are
// assembled by s32as; where the bit layout itself is under test the words
// are literals worked out by hand from isa.md's field layouts, so the
// encoder and the decoder cannot agree on a mistake.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "assembler.hpp"
#include "bare_machine.hpp"
#include "isa/core.hpp"
#include "isa/cycle_costs.hpp"
#include "isa/image.hpp"
#include "isa/instruction.hpp"
#include "isa/opcodes.hpp"

namespace {

namespace isa = s32::isa;
using isa::FaultKind;
using isa::StopReason;

// Far more than any program here needs, so a runaway loop fails instead of hanging.
constexpr std::uint64_t kRunLimit = 1'000'000;
constexpr std::uint32_t kSentinel = 0x5A5A5A5Au;

constexpr std::uint32_t kF32QuietNan = 0x7FC00000u;
constexpr std::uint32_t kF32Inf = 0x7F800000u;
constexpr std::uint64_t kF64QuietNan = 0x7FF8000000000000ull;

std::uint32_t f32_bits(float f) {
  std::uint32_t v;
  std::memcpy(&v, &f, sizeof v);
  return v;
}

std::uint64_t f64_bits(double d) {
  std::uint64_t v;
  std::memcpy(&v, &d, sizeof v);
  return v;
}

std::string word_directive(std::uint32_t w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ".word 0x%08" PRIX32 "\n", w);
  return buf;
}

std::string half_directive(std::uint32_t h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ".half 0x%04" PRIX32 "\n", h & 0xFFFFu);
  return buf;
}

std::uint32_t encode(const char* mnemonic, unsigned rd, unsigned rs1, unsigned rs2, std::int64_t imm = 0) {
  return isa::encode(*isa::op_info_by_mnemonic(mnemonic), rd, rs1, rs2, imm);
}

std::uint8_t opcode(const char* mnemonic) { return static_cast<std::uint8_t>(isa::op_info_by_mnemonic(mnemonic)->op); }

class CoreTest : public testing::Test {
 protected:
  // Assembles `body` behind a `_start:` label onto a fresh bare machine.
  void load(const std::string& body, const s32::as::Options& options = {},
            const isa::CycleCosts& costs = isa::CycleCosts::defaults()) {
    image_ = isa::load_s32x(s32::as::assemble("_start:\n" + body + "\n", options));
    machine_ = std::make_unique<s32::test::BareMachine>(image_, costs);
  }

  StopReason run() { return core().run(kRunLimit); }

  void expect_halt() { EXPECT_EQ(run(), StopReason::Halt) << describe_fault(); }

  // Loads and runs `body`, which must reach HALT.
  void exec(const std::string& body, const s32::as::Options& options = {}) {
    load(body, options);
    expect_halt();
  }

  std::string describe_fault() {
    const isa::Fault& f = core().fault();
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s at pc 0x%08" PRIX32 " addr 0x%08" PRIX32, isa::fault_kind_name(f.kind), f.pc,
                  f.addr);
    return buf;
  }

  isa::Core& core() { return machine_->core(); }
  std::uint32_t reg(unsigned i) { return core().reg(i); }
  std::uint64_t pair(unsigned i) { return reg(i) | std::uint64_t{reg(i + 1)} << 32; }
  void set_pair(unsigned i, std::uint64_t v) {
    core().set_reg(i, static_cast<std::uint32_t>(v));
    core().set_reg(i + 1, static_cast<std::uint32_t>(v >> 32));
  }

  std::uint32_t symbol(const std::string& name) {
    const isa::Symbol* s = image_.find_symbol(name);
    EXPECT_NE(s, nullptr) << name;
    return s ? s->value : 0;
  }

  std::uint32_t mem32(std::uint32_t addr) {
    std::uint32_t v;
    std::memcpy(&v, machine_->memory().host(addr), sizeof v);
    return v;
  }

  // `mn r3, r1, r2` with r1 = a, r2 = b; returns r3.
  std::uint32_t op_rr(const std::string& mn, std::uint32_t a, std::uint32_t b) {
    load(mn + " r3, r1, r2\nhalt");
    core().set_reg(1, a);
    core().set_reg(2, b);
    expect_halt();
    return reg(3);
  }

  // `mn r3, r1, imm` with r1 = a; returns r3.
  std::uint32_t op_ri(const std::string& mn, std::uint32_t a, int imm) {
    load(mn + " r3, r1, " + std::to_string(imm) + "\nhalt");
    core().set_reg(1, a);
    expect_halt();
    return reg(3);
  }

  // f64 `mn r6, r2, r4` on the pairs r3:r2 and r5:r4; returns r7:r6 (r7
  // stays 0 for the compares, whose result is one register).
  std::uint64_t op_dd(const std::string& mn, std::uint64_t a, std::uint64_t b) {
    load(mn + " r6, r2, r4\nhalt");
    set_pair(2, a);
    set_pair(4, b);
    expect_halt();
    return pair(6);
  }

  // Conversion `mn r6, r4`. Which side is a pair follows from the mnemonic
  // (fcvt.<to>.<from>; d, l and lu are 64 bits): a 32-bit source leaves a
  // sentinel in r5 the core must not read, and a 32-bit result must leave
  // the sentinel in r7 alone.
  std::uint64_t convert(const std::string& mn, std::uint64_t src) {
    const std::size_t dot = mn.rfind('.');
    const auto wide = [](const std::string& t) { return t == "d" || t == "l" || t == "lu"; };
    const bool wide_to = wide(mn.substr(5, dot - 5)), wide_from = wide(mn.substr(dot + 1));
    load(mn + " r6, r4\nhalt");
    core().set_reg(4, static_cast<std::uint32_t>(src));
    core().set_reg(5, wide_from ? static_cast<std::uint32_t>(src >> 32) : kSentinel);
    core().set_reg(7, kSentinel);
    expect_halt();
    if (wide_to) return pair(6);
    EXPECT_EQ(reg(7), kSentinel) << mn << " wrote beyond its 32-bit result";
    return reg(6);
  }

  isa::Image image_;
  std::unique_ptr<s32::test::BareMachine> machine_;
};

using CoreAlu = CoreTest;
using CoreMulDiv = CoreTest;
using CoreControl = CoreTest;
using CoreMemory = CoreTest;
using CoreFault = CoreTest;
using CoreFp = CoreTest;
using CoreEvent = CoreTest;
using CoreTiming = CoreTest;

struct RCase {
  const char* mn;
  std::uint32_t a, b, want;
};

// ---- integer ----------------------------------------------------------------

TEST_F(CoreAlu, RegisterRegisterResults) {
  // Operands are chosen so signed and unsigned readings disagree.
  const RCase cases[] = {
      {"add", 0xFFFFFFFF, 1, 0},
      {"add", 0x7FFFFFFF, 1, 0x80000000},
      {"sub", 0, 1, 0xFFFFFFFF},
      {"sub", 0x80000000, 1, 0x7FFFFFFF},
      {"xor", 0xF0F0F0F0, 0xFF00FF00, 0x0FF00FF0},
      {"or", 0xF0F0F0F0, 0xFF00FF00, 0xFFF0FFF0},
      {"and", 0xF0F0F0F0, 0xFF00FF00, 0xF000F000},
      {"sll", 0x80000001, 4, 0x00000010},
      {"srl", 0x80000000, 4, 0x08000000},
      {"sra", 0x80000000, 4, 0xF8000000},
      {"sra", 0x40000000, 4, 0x04000000},
      {"slt", 0xFFFFFFFF, 1, 1},
      {"slt", 1, 0xFFFFFFFF, 0},
      {"slt", 3, 3, 0},
      {"sltu", 0xFFFFFFFF, 1, 0},
      {"sltu", 1, 0xFFFFFFFF, 1},
      {"sltu", 3, 3, 0},
      {"seq", 5, 5, 1},
      {"seq", 5, 6, 0},
      {"sne", 5, 6, 1},
      {"sne", 5, 5, 0},
      {"sgt", 1, 0xFFFFFFFF, 1},
      {"sgt", 3, 3, 0},
      {"sgtu", 1, 0xFFFFFFFF, 0},
      {"sgtu", 0xFFFFFFFF, 1, 1},
      {"sgtu", 3, 3, 0},
      {"sle", 3, 3, 1},
      {"sle", 1, 0xFFFFFFFF, 0},
      {"sleu", 1, 0xFFFFFFFF, 1},
      {"sleu", 0xFFFFFFFF, 1, 0},
      {"sleu", 3, 3, 1},
      {"sge", 3, 3, 1},
      {"sge", 0xFFFFFFFF, 1, 0},
      {"sgeu", 0xFFFFFFFF, 1, 1},
      {"sgeu", 1, 0xFFFFFFFF, 0},
      {"sgeu", 3, 3, 1},
  };
  for (const RCase& c : cases) EXPECT_EQ(op_rr(c.mn, c.a, c.b), c.want) << c.mn << " " << c.a << ", " << c.b;
}

TEST_F(CoreAlu, ShiftAmountsUseLowFiveBitsOfRs2) {
  EXPECT_EQ(op_rr("sll", 1, 33), 2u);
  EXPECT_EQ(op_rr("srl", 0x80000000, 0xFFFFFFFF), 1u);
  EXPECT_EQ(op_rr("sra", 0x80000000, 32), 0x80000000u);
  EXPECT_EQ(op_rr("sra", 0x80000000, 63), 0xFFFFFFFFu);
}

TEST_F(CoreAlu, ImmediateResults) {
  EXPECT_EQ(op_ri("addi", 5, -6), 0xFFFFFFFFu);
  EXPECT_EQ(op_ri("addi", 0, 2047), 2047u);
  EXPECT_EQ(op_ri("addi", 0, -2048), 0xFFFFF800u);
  EXPECT_EQ(op_ri("slli", 1, 31), 0x80000000u);
  EXPECT_EQ(op_ri("srli", 0x80000000, 31), 1u);
  EXPECT_EQ(op_ri("srai", 0x80000000, 31), 0xFFFFFFFFu);
  EXPECT_EQ(op_ri("srai", 0x40000000, 30), 1u);
  EXPECT_EQ(op_ri("slti", 0xFFFFFFFE, -1), 1u);
  EXPECT_EQ(op_ri("slti", 0xFFFFFFFF, -1), 0u);
  EXPECT_EQ(op_ri("slti", 0, -1), 0u);
  EXPECT_EQ(op_ri("slti", 0x80000000, 0), 1u);
}

TEST_F(CoreAlu, ShiftImmediatesUseLowFiveBits) {
  // s32as refuses shift amounts above 31, so the 12-bit fields are encoded directly.
  struct {
    const char* mn;
    std::uint32_t a;
    int imm;
    std::uint32_t want;
  } const cases[] = {
      {"slli", 1, 33, 2},
      {"srli", 0x80000000, 63, 1},
      {"srai", 0x80000000, 0x7E0 | 4, 0xF8000000},
      {"srai", 0x80000000, -1, 0xFFFFFFFF},  // all twelve bits set: a shift by 31
  };
  for (const auto& c : cases) {
    load(word_directive(encode(c.mn, 3, 1, 0, c.imm)) + "halt");
    core().set_reg(1, c.a);
    expect_halt();
    EXPECT_EQ(reg(3), c.want) << c.mn << " " << c.imm;
  }
}

TEST_F(CoreAlu, LogicalImmediatesAndSltiuZeroExtend) {
  EXPECT_EQ(op_ri("xori", 0x12345678, 0xFFF), 0x12345987u);
  EXPECT_EQ(op_ri("xori", 0x12345678, -1), 0x12345987u);
  EXPECT_EQ(op_ri("xori", 0, 0x800), 0x800u);
  EXPECT_EQ(op_ri("ori", 0x80000000, 0x800), 0x80000800u);
  EXPECT_EQ(op_ri("ori", 0, -1), 0xFFFu);
  EXPECT_EQ(op_ri("andi", 0xFFFFFFFF, 0xFFF), 0xFFFu);
  EXPECT_EQ(op_ri("andi", 0xFFFFFFFF, 0x800), 0x800u);
  // Sign extension would compare against 0xFFFFFFFF and give 1.
  EXPECT_EQ(op_ri("sltiu", 0xFFFFF000, 0xFFF), 0u);
  EXPECT_EQ(op_ri("sltiu", 0xFFE, 0xFFF), 1u);
  EXPECT_EQ(op_ri("sltiu", 0xFFF, 0xFFF), 0u);
}

TEST_F(CoreAlu, LuiLoadsTheUpperTwentyBits) {
  exec("lui r1, 0xABCDE\nlui r2, 0xFFFFF\nlui r3, 1\nhalt");
  EXPECT_EQ(reg(1), 0xABCDE000u);
  EXPECT_EQ(reg(2), 0xFFFFF000u);
  EXPECT_EQ(reg(3), 0x00001000u);
  // U-type keeps bits [31:12] of the word whatever they are: rd = 1 here.
  exec(word_directive(0xFFFFF0A0) + "halt");
  EXPECT_EQ(reg(1), 0xFFFFF000u);
}

TEST_F(CoreAlu, WritesToR0AreDiscarded) {
  exec(
      "addi r0, r0, 5\n"
      "lui r0, 0x12345\n"
      "ldw r0, sp+0\n"
      "fadd.s r0, r1, r1\n"
      "jal r0, next\n"
      "next:\n"
      "add r1, r0, r0\n"
      "sub r2, r0, r0\n"
      "halt");
  EXPECT_EQ(reg(0), 0u);
  EXPECT_EQ(reg(1), 0u);
  EXPECT_EQ(reg(2), 0u);
  core().set_reg(0, 7);
  EXPECT_EQ(reg(0), 0u);
}

TEST_F(CoreAlu, Opcode0x50IsANopThatRetires) {
  load(word_directive(0x50) + "halt");
  core().set_reg(1, 11);
  expect_halt();
  EXPECT_EQ(reg(1), 11u);
  EXPECT_EQ(core().pc(), 8u);
  EXPECT_EQ(core().opcode_counts()[0x50], 1u);
}

// ---- multiply and divide ----------------------------------------------------

TEST_F(CoreMulDiv, MultiplyLowAndHighHalves) {
  const RCase cases[] = {
      {"mul", 0x10001, 0x10001, 0x00020001},
      {"mul", 0xFFFFFFFF, 3, 0xFFFFFFFD},
      {"mul", 0x80000000, 2, 0},
      {"mulh", 0x80000000, 2, 0xFFFFFFFF},
      {"mulh", 0xFFFFFFFF, 0xFFFFFFFF, 0},
      {"mulh", 0x80000000, 0x80000000, 0x40000000},
      {"mulh", 0x7FFFFFFF, 0x7FFFFFFF, 0x3FFFFFFF},
      {"mulhu", 0x80000000, 2, 1},
      {"mulhu", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE},
      {"mulhu", 0x80000000, 0x80000000, 0x40000000},
  };
  for (const RCase& c : cases) EXPECT_EQ(op_rr(c.mn, c.a, c.b), c.want) << c.mn << " " << c.a << ", " << c.b;
}

TEST_F(CoreMulDiv, SignedDivisionTruncatesTowardZero) {
  const RCase cases[] = {
      {"div", 7, 2, 3},
      {"div", static_cast<std::uint32_t>(-7), 2, static_cast<std::uint32_t>(-3)},
      {"div", 7, static_cast<std::uint32_t>(-2), static_cast<std::uint32_t>(-3)},
      {"div", 0x80000000, 2, 0xC0000000},
      {"rem", 7, 2, 1},
      {"rem", static_cast<std::uint32_t>(-7), 2, static_cast<std::uint32_t>(-1)},
      {"rem", 7, static_cast<std::uint32_t>(-2), 1},
  };
  for (const RCase& c : cases) EXPECT_EQ(op_rr(c.mn, c.a, c.b), c.want) << c.mn << " " << c.a << ", " << c.b;
}

TEST_F(CoreMulDiv, DivisionByZeroDoesNotTrap) {
  EXPECT_EQ(op_rr("div", 42, 0), 0xFFFFFFFFu);
  EXPECT_EQ(op_rr("div", 0x80000000, 0), 0xFFFFFFFFu);
  EXPECT_EQ(op_rr("rem", 42, 0), 42u);
  EXPECT_EQ(op_rr("rem", 0x80000000, 0), 0x80000000u);
}

TEST_F(CoreMulDiv, IntMinByMinusOneDoesNotTrap) {
  EXPECT_EQ(op_rr("div", 0x80000000, 0xFFFFFFFF), 0x80000000u);
  EXPECT_EQ(op_rr("rem", 0x80000000, 0xFFFFFFFF), 0u);
}

// ---- control flow -----------------------------------------------------------

struct BranchCase {
  const char* mn;
  std::uint32_t a, b;
  bool taken;
};

TEST_F(CoreControl, BranchesTargetPcPlusFourPlusImmediate) {
  const BranchCase cases[] = {
      {"beq", 5, 5, true},           {"beq", 5, 6, false},          {"bne", 5, 6, true},
      {"bne", 5, 5, false},          {"blt", 0xFFFFFFFF, 1, true},  {"blt", 1, 0xFFFFFFFF, false},
      {"blt", 3, 3, false},          {"bge", 1, 0xFFFFFFFF, true},  {"bge", 3, 3, true},
      {"bge", 0xFFFFFFFF, 1, false}, {"bltu", 1, 0xFFFFFFFF, true}, {"bltu", 0xFFFFFFFF, 1, false},
      {"bltu", 3, 3, false},         {"bgeu", 0xFFFFFFFF, 1, true}, {"bgeu", 3, 3, true},
      {"bgeu", 1, 0xFFFFFFFF, false},
  };
  // The branch sits at 8 so a target computed from 0 or from pc would show.
  for (const BranchCase& c : cases) {
    for (const int imm : {12, -8}) {
      load(".word 0, 0\n" + word_directive(encode(c.mn, 0, 1, 2, imm)) + "halt\nhalt\nhalt\nhalt\nhalt");
      core().set_pc(8);
      core().set_reg(1, c.a);
      core().set_reg(2, c.b);
      EXPECT_EQ(core().step(), StopReason::CycleLimit);
      EXPECT_EQ(core().pc(), c.taken ? static_cast<std::uint32_t>(12 + imm) : 12u)
          << c.mn << " " << c.a << ", " << c.b << " imm " << imm;
    }
  }
}

TEST_F(CoreControl, HandEncodedBranchAndJumpLayouts) {
  // beq r0, r0, -8: imm[12|10:5] = 1|111111, imm[4:1|11] = 1100|1.
  load(".word 0, 0\n" + word_directive(0xFE000CC8) + "halt");
  core().set_pc(8);
  core().step();
  EXPECT_EQ(core().pc(), 4u);

  // jal r5, +8 at 4 (imm[10:1] = 4) and jal r0, -4 at 12 (all imm bits set but imm[0]).
  load(".word 0\n" + word_directive(0x008002C0) + ".word 0\n" + word_directive(0xFFDFF040) + "halt");
  core().set_pc(4);
  core().step();
  EXPECT_EQ(core().pc(), 12u);
  EXPECT_EQ(reg(5), 8u);
  core().step();
  EXPECT_EQ(core().pc(), 8u);
  EXPECT_EQ(reg(0), 0u);
}

TEST_F(CoreControl, JalTargetsPcPlusImmediateAndLinksPcPlusFour) {
  exec(
      "nop\n"
      "jal r5, target\n"
      "halt\n"
      "target:\n"
      "addi r6, r0, 1\n"
      "halt");
  EXPECT_EQ(reg(5), 8u);
  EXPECT_EQ(reg(6), 1u);
  EXPECT_EQ(core().pc(), symbol("target") + 8);
}

TEST_F(CoreControl, JalrClearsBitZeroAndReadsRs1BeforeLinking) {
  // Both land on target+8: a positive odd offset, and a negative one that
  // only works if the immediate is sign-extended.
  for (const char* setup : {"la r1, target\njalr r1, r1, 9\n", "la r1, target+16\njalr r1, r1, -7\n"}) {
    exec(std::string(setup) +
         "halt\n"
         "target:\n"
         "halt\n"
         "halt\n"
         "addi r7, r0, 1\n"
         "halt");
    EXPECT_EQ(reg(7), 1u) << setup;
    EXPECT_EQ(reg(1), 12u) << setup;
    EXPECT_EQ(core().pc(), symbol("target") + 16) << setup;
  }
}

TEST_F(CoreControl, MisalignedPcExecutesTheUnalignedWord) {
  const std::uint32_t addi = encode("addi", 7, 0, 0, 42);
  const std::uint32_t halt = encode("halt", 0, 0, 0);
  exec("la r1, odd\n"
       "jalr r0, r1, 2\n"
       "halt\n"
       "odd:\n" +
       half_directive(0) + half_directive(addi) + half_directive(addi >> 16) + half_directive(halt) +
       half_directive(halt >> 16) + half_directive(0));
  EXPECT_EQ(reg(7), 42u);
  EXPECT_EQ(core().pc(), symbol("odd") + 10);
  EXPECT_EQ(core().instret(), 5u);

  // The aligned word at `odd` (add r0, r0, r25 from the halves around it)
  // shares a predecode slot with odd+2 and must still run as itself.
  core().set_reg(7, 0);
  core().set_pc(symbol("odd"));
  core().step();
  EXPECT_EQ(reg(7), 0u);
  EXPECT_EQ(core().pc(), symbol("odd") + 4);
  core().set_pc(symbol("odd") + 2);
  core().step();
  EXPECT_EQ(reg(7), 42u);
}

TEST_F(CoreControl, LoopOverLabels) {
  exec(
      "li r1, 0\n"
      "li r2, 1\n"
      "li r3, 11\n"
      "loop:\n"
      "add r1, r1, r2\n"
      "addi r2, r2, 1\n"
      "bne r2, r3, loop\n"
      "halt");
  EXPECT_EQ(reg(1), 55u);
  EXPECT_EQ(core().instret(), 34u);
}

// ---- loads and stores -------------------------------------------------------

TEST_F(CoreMemory, LoadsExtendBySizeAndMayBeMisaligned) {
  exec(
      "la r1, d\n"
      "ldb r2, r1+0\n"
      "ldbu r3, r1+0\n"
      "ldh r4, r1+0\n"
      "ldhu r5, r1+0\n"
      "ldw r6, r1+0\n"
      "ldw r7, r1+1\n"
      "ldh r8, r1+1\n"
      "ldb r9, r1+2\n"
      "ldhu r10, r1+3\n"
      "halt\n"
      ".data\n"
      "d: .byte 0x80, 0xFF, 0x34, 0x12, 0x78, 0x56");
  EXPECT_EQ(reg(2), 0xFFFFFF80u);
  EXPECT_EQ(reg(3), 0x80u);
  EXPECT_EQ(reg(4), 0xFFFFFF80u);
  EXPECT_EQ(reg(5), 0xFF80u);
  EXPECT_EQ(reg(6), 0x1234FF80u);
  EXPECT_EQ(reg(7), 0x781234FFu);
  EXPECT_EQ(reg(8), 0x34FFu);
  EXPECT_EQ(reg(9), 0x34u);
  EXPECT_EQ(reg(10), 0x7812u);
}

TEST_F(CoreMemory, LoadOffsetsAreSignExtended) {
  exec(
      "la r1, d+8\n"
      "ldw r2, r1-8\n"
      "ldbu r3, r1-7\n"
      "ldh r4, r1+-4\n"
      "halt\n"
      ".data\n"
      "d: .word 0x11223344, 0x55667788, 0xAABBCCDD");
  EXPECT_EQ(reg(2), 0x11223344u);
  EXPECT_EQ(reg(3), 0x33u);
  EXPECT_EQ(reg(4), 0x7788u);
}

TEST_F(CoreMemory, StoresWriteOnlyTheirWidth) {
  exec(
      "la r1, d\n"
      "li r2, 0xAABBCCDD\n"
      "stb r1+0, r2\n"
      "sth r1+4, r2\n"
      "stw r1+8, r2\n"
      "stw r1+13, r2\n"
      "addi r3, r1, 24\n"
      "stb r3-1, r2\n"
      "halt\n"
      ".data\n"
      "d: .word 0x11111111, 0x11111111, 0x11111111, 0x11111111, 0x11111111, 0x11111111");
  const std::uint32_t d = symbol("d");
  EXPECT_EQ(mem32(d + 0), 0x111111DDu);
  EXPECT_EQ(mem32(d + 4), 0x1111CCDDu);
  EXPECT_EQ(mem32(d + 8), 0xAABBCCDDu);
  EXPECT_EQ(mem32(d + 12), 0xBBCCDD11u);
  EXPECT_EQ(mem32(d + 16), 0x111111AAu);
  EXPECT_EQ(mem32(d + 20), 0xDD111111u);
}

TEST_F(CoreMemory, StackAtTheDefaultBaseStaysSparse) {
  exec(
      "li r1, 0x5A5A5A5A\n"
      "stw sp+-4, r1\n"
      "ldw r2, sp+-4\n"
      "stw sp+12, r1\n"
      "la r3, __stack_end\n"
      "stw r3+0, r1\n"
      "halt");
  EXPECT_EQ(image_.stack_pointer, 0x0FFFFFF0u);
  EXPECT_EQ(reg(29), 0x0FFFFFF0u);
  EXPECT_EQ(reg(2), 0x5A5A5A5Au);
  EXPECT_EQ(mem32(0x0FFFFFFC), 0x5A5A5A5Au);
  EXPECT_EQ(mem32(symbol("__stack_end")), 0x5A5A5A5Au);
  // A handful of 4 KiB pages; the bound leaves room for transparent huge
  // pages yet is far below the 256 MiB a flat array would cost.
  EXPECT_LT(machine_->memory().resident_bytes(), std::size_t{8} << 20);
}

// ---- faults -----------------------------------------------------------------

TEST_F(CoreFault, LoadFromUnmappedAddress) {
  load("li r1, 0xF0000000\nldh r2, r1+4\nhalt");
  EXPECT_EQ(run(), StopReason::Fault);
  const isa::Fault& f = core().fault();
  EXPECT_EQ(f.kind, FaultKind::Load);
  EXPECT_EQ(f.addr, 0xF0000004u);
  EXPECT_EQ(f.size, 2u);
  EXPECT_EQ(f.pc, 8u);
  EXPECT_EQ(core().pc(), 8u);
  EXPECT_EQ(reg(2), 0u);
  EXPECT_EQ(core().instret(), 3u);
}

TEST_F(CoreFault, LoadRunningPastTheStackTop) {
  // The stack region ends at stack_base + 16 = 0x10000000: a halfword at
  // 0x0FFFFFFE fits, a word there does not.
  load("li r1, 0x0FFFFFFE\nldh r2, r1+0\nldw r3, r1+0\nhalt");
  EXPECT_EQ(run(), StopReason::Fault);
  EXPECT_EQ(core().fault().kind, FaultKind::Load);
  EXPECT_EQ(core().fault().addr, 0x0FFFFFFEu);
  EXPECT_EQ(core().fault().size, 4u);
  EXPECT_EQ(core().pc(), 12u);
}

TEST_F(CoreFault, StoreToUnmappedAddress) {
  load("li r1, 0xF0000000\nstb r1+0, r1\nhalt");
  EXPECT_EQ(run(), StopReason::Fault);
  const isa::Fault& f = core().fault();
  EXPECT_EQ(f.kind, FaultKind::Store);
  EXPECT_EQ(f.addr, 0xF0000000u);
  EXPECT_EQ(f.size, 1u);
  EXPECT_EQ(f.pc, 8u);
  EXPECT_EQ(core().instret(), 3u);
}

TEST_F(CoreFault, FetchAtCodeLimitIsNotCounted) {
  load("la r1, __code_end\njalr r0, r1, 0\nhalt");
  EXPECT_EQ(run(), StopReason::Fault);
  const isa::Fault& f = core().fault();
  EXPECT_EQ(f.kind, FaultKind::Fetch);
  EXPECT_EQ(f.pc, image_.code_limit);
  EXPECT_EQ(f.addr, image_.code_limit);
  EXPECT_EQ(f.word, 0u);
  EXPECT_EQ(core().pc(), image_.code_limit);
  EXPECT_EQ(core().instret(), 3u);
}

TEST_F(CoreFault, FetchFromReadableDataFaults) {
  load("la r1, d\njalr r0, r1, 0\nhalt\n.data\nd: .word 0");
  EXPECT_EQ(run(), StopReason::Fault);
  EXPECT_EQ(core().fault().kind, FaultKind::Fetch);
  EXPECT_EQ(core().fault().pc, symbol("d"));
}

TEST_F(CoreFault, StoresIntoCodeAndRodataFaultUnderWxorX) {
  load("stw r0+0, r1\nhalt");
  EXPECT_EQ(run(), StopReason::Fault);
  EXPECT_EQ(core().fault().kind, FaultKind::Store);
  EXPECT_EQ(core().fault().addr, 0u);

  load("la r1, ro\nldw r2, r1+0\nstb r1+1, r2\nhalt\n.rodata\nro: .word 0x12345678");
  EXPECT_EQ(run(), StopReason::Fault);
  EXPECT_EQ(reg(2), 0x12345678u);
  EXPECT_EQ(core().fault().kind, FaultKind::Store);
  EXPECT_EQ(core().fault().addr, symbol("ro") + 1);
}

TEST_F(CoreFault, StoresIntoCodeAndRodataAllowedWithoutWxorX) {
  s32::as::Options no_wxorx;
  no_wxorx.wxorx = false;
  exec(
      "li r2, 0x99\n"
      "la r1, ro\n"
      "stb r1+1, r2\n"
      "la r1, spare\n"
      "stw r1+0, r2\n"
      "halt\n"
      "spare: .word 0\n"
      ".rodata\n"
      "ro: .word 0x12345678",
      no_wxorx);
  EXPECT_EQ(mem32(symbol("ro")), 0x12349978u);
  EXPECT_EQ(mem32(symbol("spare")), 0x99u);
}

TEST_F(CoreFault, IllegalOpcodeRecordsTheWordAndIsCounted) {
  for (const std::uint32_t w : {0xDEADBEA1u, 0x0000007Eu}) {
    load("nop\n" + word_directive(w) + "halt");
    EXPECT_EQ(run(), StopReason::Fault);
    const isa::Fault& f = core().fault();
    EXPECT_EQ(f.kind, FaultKind::IllegalOpcode);
    EXPECT_EQ(f.word, w);
    EXPECT_EQ(f.pc, 4u);
    EXPECT_EQ(core().pc(), 4u);
    EXPECT_EQ(core().instret(), 2u);
  }
}

TEST_F(CoreFault, EveryOpcodeMissingFromTheTableIsIllegal) {
  unsigned illegal = 0;
  for (unsigned op = 0; op < isa::kNumOpcodeSlots; ++op) {
    if (isa::is_legal(static_cast<std::uint8_t>(op))) continue;
    ++illegal;
    const std::uint32_t w = 0xFFFFFF80u | op;
    load(word_directive(w) + "halt");
    EXPECT_EQ(run(), StopReason::Fault) << "opcode " << op;
    EXPECT_EQ(core().fault().kind, FaultKind::IllegalOpcode) << "opcode " << op;
    EXPECT_EQ(core().fault().word, w);
  }
  // isa.md lists 92 opcodes.
  EXPECT_EQ(illegal, isa::kNumOpcodeSlots - 92);
}

// ---- self-modifying code ----------------------------------------------------

// Runs `patch` and the add after it, lets `store` rewrite them from the
// copies at `replacement` (r1 and r2 point at both), then runs them again.
std::string self_modifying(const std::string& store) {
  return "la r1, patch\n"
         "la r2, replacement\n"
         "ldw r3, r2+0\n"
         "patch:\n"
         "addi r4, r0, 1\n"
         "add r5, r5, r4\n"
         "bne r6, r0, done\n"
         "addi r6, r0, 1\n" +
         store +
         "\n"
         "j patch\n"
         "done:\n"
         "halt\n"
         "replacement:\n"
         "addi r4, r0, 2\n"
         "sub r5, r5, r4\n";
}

TEST_F(CoreMemory, SelfModifyingCodeExecutesTheNewInstruction) {
  s32::as::Options no_wxorx;
  no_wxorx.wxorx = false;
  exec(self_modifying("stw r1+0, r3"), no_wxorx);
  EXPECT_EQ(reg(4), 2u);
  EXPECT_EQ(reg(5), 3u);
}

TEST_F(CoreMemory, PartialStoreIntoCodeInvalidatesTheWord) {
  s32::as::Options no_wxorx;
  no_wxorx.wxorx = false;
  // Byte 3 holds imm[11:4]; with imm[3:0] = 1 the immediate becomes 0x11.
  exec(self_modifying("addi r3, r0, 1\nstb r1+3, r3"), no_wxorx);
  EXPECT_EQ(reg(4), 0x11u);
  EXPECT_EQ(reg(5), 0x12u);
}

TEST_F(CoreMemory, MisalignedStoreIntoCodeInvalidatesBothWords) {
  s32::as::Options no_wxorx;
  no_wxorx.wxorx = false;
  // The word at replacement+2 is the new immediate of `patch` and the
  // opcode of sub for the add after it: r5 = 1, then 1 - 2.
  exec(self_modifying("ldw r3, r2+2\nstw r1+2, r3"), no_wxorx);
  EXPECT_EQ(reg(4), 2u);
  EXPECT_EQ(reg(5), 0xFFFFFFFFu);
}

TEST_F(CoreMemory, InvalidateCodeAfterAnOutsideWrite) {
  exec("addi r4, r0, 1\nhalt");
  EXPECT_EQ(reg(4), 1u);
  const std::uint32_t w = encode("addi", 4, 0, 0, 2);
  std::memcpy(machine_->memory().host(0), &w, sizeof w);
  core().invalidate_code();
  core().set_pc(0);
  expect_halt();
  EXPECT_EQ(reg(4), 2u);
}

// ---- floating point ---------------------------------------------------------

TEST_F(CoreFp, SinglePrecisionArithmeticIsBitExact) {
  const RCase cases[] = {
      {"fadd.s", 0x3FC00000, 0x40100000, 0x40700000},  // 1.5 + 2.25 = 3.75
      {"fsub.s", 0x3FC00000, 0x40100000, 0xBF400000},  // 1.5 - 2.25 = -0.75
      {"fmul.s", 0x3FC00000, 0x40100000, 0x40580000},  // 1.5 * 2.25 = 3.375
      {"fdiv.s", 0x3F800000, 0x40400000, 0x3EAAAAAB},  // 1 / 3
      {"fdiv.s", 0x3F800000, 0x00000000, kF32Inf},     // 1 / 0
      {"fdiv.s", 0xBF800000, 0x00000000, 0xFF800000},  // -1 / 0
      // Halfway cases round to even.
      {"fadd.s", 0x3F800000, 0x33800000, 0x3F800000},  // 1 + 2^-24
      {"fadd.s", 0x3F800001, 0x33800000, 0x3F800002},  // (1 + 2^-23) + 2^-24
  };
  for (const RCase& c : cases) EXPECT_EQ(op_rr(c.mn, c.a, c.b), c.want) << c.mn << " " << c.a << ", " << c.b;
  EXPECT_EQ(op_rr("fsqrt.s", 0x40000000, 0), 0x3FB504F3u);
  EXPECT_EQ(op_rr("fsqrt.s", 0x40800000, 0), 0x40000000u);
  EXPECT_EQ(op_rr("fsqrt.s", 0xBF800000, 0) & 0x7FC00000u, kF32QuietNan);
}

TEST_F(CoreFp, SinglePrecisionComparesAreFalseOnNan) {
  const std::uint32_t one = 0x3F800000, two = 0x40000000, nan = kF32QuietNan;
  const RCase cases[] = {
      {"feq.s", one, one, 1},  {"feq.s", one, two, 0},          {"feq.s", 0, 0x80000000, 1},
      {"feq.s", nan, nan, 0},  {"feq.s", nan, one, 0},          {"flt.s", one, two, 1},
      {"flt.s", two, one, 0},  {"flt.s", one, one, 0},          {"flt.s", nan, one, 0},
      {"flt.s", one, nan, 0},  {"fle.s", one, one, 1},          {"fle.s", two, one, 0},
      {"fle.s", nan, nan, 0},  {"fle.s", 0xFF800000, nan, 0},   {"fle.s", 0xFF800000, one, 1},
  };
  for (const RCase& c : cases) EXPECT_EQ(op_rr(c.mn, c.a, c.b), c.want) << c.mn << " " << c.a << ", " << c.b;
}

TEST_F(CoreFp, SignOperationsOnlyTouchTheSignBit) {
  const RCase cases[] = {
      {"fneg.s", 0x3F800000, 0, 0xBF800000}, {"fneg.s", 0, 0, 0x80000000},
      {"fneg.s", 0x7FC00001, 0, 0xFFC00001}, {"fneg.s", 0x7F800001, 0, 0xFF800001},
      {"fabs.s", 0xBF800000, 0, 0x3F800000}, {"fabs.s", 0x80000000, 0, 0},
      {"fabs.s", 0xFFC00001, 0, 0x7FC00001}, {"fabs.s", 0x7F800001, 0, 0x7F800001},
  };
  for (const RCase& c : cases) EXPECT_EQ(op_rr(c.mn, c.a, 0), c.want) << c.mn << " " << c.a;
  EXPECT_EQ(op_dd("fneg.d", 0x7FF8000000000001ull, 0), 0xFFF8000000000001ull);
  EXPECT_EQ(op_dd("fneg.d", 0, 0), 0x8000000000000000ull);
  EXPECT_EQ(op_dd("fabs.d", 0xFFF0000000000001ull, 0), 0x7FF0000000000001ull);
  EXPECT_EQ(op_dd("fabs.d", 0xBFF0000000000000ull, 0), 0x3FF0000000000000ull);
}

struct DCase {
  const char* mn;
  std::uint64_t a, b, want;
};

TEST_F(CoreFp, DoublePrecisionArithmeticOnRegisterPairs) {
  const std::uint64_t one = 0x3FF0000000000000, three = 0x4008000000000000;
  const std::uint64_t tenth = 0x3FB999999999999A, fifth = 0x3FC999999999999A;
  const DCase cases[] = {
      {"fadd.d", tenth, fifth, 0x3FD3333333333334},  // 0.1 + 0.2
      {"fsub.d", one, tenth, 0x3FECCCCCCCCCCCCD},    // 1 - 0.1
      {"fmul.d", tenth, three, 0x3FD3333333333334},  // 0.1 * 3
      {"fdiv.d", one, three, 0x3FD5555555555555},    // 1 / 3
      {"fsqrt.d", 0x4000000000000000, 0, 0x3FF6A09E667F3BCD},
  };
  for (const DCase& c : cases) EXPECT_EQ(op_dd(c.mn, c.a, c.b), c.want) << c.mn;
  // rN is the low word, rN+1 the high word.
  op_dd("fadd.d", tenth, fifth);
  EXPECT_EQ(reg(6), 0x33333334u);
  EXPECT_EQ(reg(7), 0x3FD33333u);
}

// Which NaN comes back is ours to say (IEEE-754 leaves it open, and a
// compiler may swap the operands of + and *, which once gave the run and
// the stepped interpreter different answers): the first NaN operand,
// quieted.
TEST_F(CoreFp, ArithmeticOnNansAnswersTheFirstNanOperandQuieted) {
  const std::uint32_t qa = 0x7FC00123, qb = 0xFFC00456, sa = 0x7F800001, one = 0x3F800000;
  for (const char* mn : {"fadd.s", "fsub.s", "fmul.s", "fdiv.s"}) {
    EXPECT_EQ(op_rr(mn, qa, qb), qa) << mn;
    EXPECT_EQ(op_rr(mn, qb, qa), qb) << mn;
    EXPECT_EQ(op_rr(mn, one, qb), qb) << mn;
    EXPECT_EQ(op_rr(mn, sa, qb), sa | 0x00400000u) << mn << ": a signalling NaN comes back quiet";
  }
  const std::uint64_t da = 0x7FF8000000000123, db = 0xFFF8000000000456, dsa = 0x7FF0000000000001;
  const std::uint64_t done = 0x3FF0000000000000;
  for (const char* mn : {"fadd.d", "fsub.d", "fmul.d", "fdiv.d"}) {
    EXPECT_EQ(op_dd(mn, da, db), da) << mn;
    EXPECT_EQ(op_dd(mn, db, da), db) << mn;
    EXPECT_EQ(op_dd(mn, done, db), db) << mn;
    EXPECT_EQ(op_dd(mn, dsa, db), dsa | (std::uint64_t{1} << 51)) << mn;
  }
}

TEST_F(CoreFp, DoublePrecisionComparesAreFalseOnNan) {
  const std::uint64_t one = 0x3FF0000000000000, two = 0x4000000000000000, nan = kF64QuietNan;
  const DCase cases[] = {
      {"feq.d", one, one, 1},  {"feq.d", one, two, 0}, {"feq.d", 0, 0x8000000000000000, 1},
      {"feq.d", nan, nan, 0},  {"flt.d", one, two, 1}, {"flt.d", two, one, 0},
      {"flt.d", nan, one, 0},  {"flt.d", one, nan, 0}, {"fle.d", one, one, 1},
      {"fle.d", two, one, 0},  {"fle.d", nan, nan, 0}, {"fle.d", one, nan, 0},
      // Equal high words: the low word must take part.
      {"flt.d", one, one + 1, 1},
  };
  for (const DCase& c : cases) EXPECT_EQ(op_dd(c.mn, c.a, c.b), c.want) << c.mn << " " << c.a << ", " << c.b;
}

struct CvtCase {
  const char* mn;
  std::uint64_t src, want;
};

// core.cpp's rule: truncate toward zero; NaN and values above the range give
// the largest integer, values below it the smallest.
TEST_F(CoreFp, FloatToIntegerConversionsTruncateAndSaturate) {
  const std::uint64_t i32max = 0x7FFFFFFF, i32min = 0x80000000, u32max = 0xFFFFFFFF;
  const std::uint64_t i64max = 0x7FFFFFFFFFFFFFFF, i64min = 0x8000000000000000, u64max = ~0ull;
  const CvtCase cases[] = {
      {"fcvt.w.s", f32_bits(2.9f), 2},
      {"fcvt.w.s", f32_bits(-2.9f), 0xFFFFFFFE},
      {"fcvt.w.s", f32_bits(-0.5f), 0},
      {"fcvt.w.s", f32_bits(3e9f), i32max},
      {"fcvt.w.s", f32_bits(-3e9f), i32min},
      {"fcvt.w.s", 0x4F000000, i32max},  // 2^31
      {"fcvt.w.s", 0xCF000000, i32min},  // -2^31 fits
      {"fcvt.w.s", kF32QuietNan, i32max},
      {"fcvt.w.s", 0xFFC00000, i32max},  // NaN with the sign bit set
      {"fcvt.w.s", kF32Inf, i32max},
      {"fcvt.w.s", 0xFF800000, i32min},
      {"fcvt.wu.s", f32_bits(2.9f), 2},
      {"fcvt.wu.s", f32_bits(3e9f), 3000000000},
      {"fcvt.wu.s", 0x4F7FFFFF, 4294967040},
      {"fcvt.wu.s", 0x4F800000, u32max},  // 2^32
      {"fcvt.wu.s", f32_bits(-0.9f), 0},
      {"fcvt.wu.s", f32_bits(-1.0f), 0},
      {"fcvt.wu.s", kF32QuietNan, u32max},
      {"fcvt.wu.s", kF32Inf, u32max},
      {"fcvt.wu.s", 0xFF800000, 0},
      {"fcvt.w.d", f64_bits(2.9), 2},
      {"fcvt.w.d", f64_bits(-2.9), 0xFFFFFFFE},
      {"fcvt.w.d", f64_bits(2147483647.9), i32max},
      {"fcvt.w.d", f64_bits(2147483648.0), i32max},
      {"fcvt.w.d", f64_bits(-2147483648.9), i32min},
      {"fcvt.w.d", f64_bits(-2147483649.0), i32min},
      {"fcvt.w.d", kF64QuietNan, i32max},
      {"fcvt.wu.d", f64_bits(4294967294.5), 0xFFFFFFFE},
      {"fcvt.wu.d", f64_bits(4294967296.0), u32max},
      {"fcvt.wu.d", f64_bits(-0.9), 0},
      {"fcvt.wu.d", f64_bits(-1.0), 0},
      {"fcvt.wu.d", kF64QuietNan, u32max},
      {"fcvt.l.s", f32_bits(-2.9f), 0xFFFFFFFFFFFFFFFE},
      {"fcvt.l.s", 0x53800000, 0x10000000000},  // 2^40
      {"fcvt.l.s", 0x5F000000, i64max},         // 2^63
      {"fcvt.l.s", 0xDF000000, i64min},         // -2^63 fits
      {"fcvt.l.s", kF32QuietNan, i64max},
      {"fcvt.l.s", 0xFF800000, i64min},
      {"fcvt.lu.s", 0x5F000000, 0x8000000000000000},
      {"fcvt.lu.s", 0x5F800000, u64max},  // 2^64
      {"fcvt.lu.s", f32_bits(-1.0f), 0},
      {"fcvt.lu.s", kF32QuietNan, u64max},
      {"fcvt.l.d", f64_bits(-1e18), 0xF21F494C589C0000},
      {"fcvt.l.d", f64_bits(-2.5), 0xFFFFFFFFFFFFFFFE},
      {"fcvt.l.d", f64_bits(9.3e18), i64max},
      {"fcvt.l.d", f64_bits(-9.3e18), i64min},
      {"fcvt.l.d", 0xC3E0000000000000, i64min},  // -2^63 fits
      {"fcvt.l.d", kF64QuietNan, i64max},
      {"fcvt.lu.d", f64_bits(1.8e19), 18000000000000000000ull},
      {"fcvt.lu.d", f64_bits(1.9e19), u64max},
      {"fcvt.lu.d", f64_bits(-0.5), 0},
      {"fcvt.lu.d", f64_bits(-1e18), 0},
      {"fcvt.lu.d", kF64QuietNan, u64max},
  };
  for (const CvtCase& c : cases) EXPECT_EQ(convert(c.mn, c.src), c.want) << c.mn << " of 0x" << std::hex << c.src;
}

TEST_F(CoreFp, IntegerToFloatConversionsRoundToNearestEven) {
  const CvtCase cases[] = {
      {"fcvt.s.w", 0xFFFFFFFF, 0xBF800000},       // -1
      {"fcvt.s.w", 0x80000000, 0xCF000000},       // -2^31
      {"fcvt.s.w", 16777217, 0x4B800000},         // 2^24 + 1 rounds to 2^24
      {"fcvt.s.w", 16777219, 0x4B800002},         // 2^24 + 3 rounds up to 2^24 + 4
      {"fcvt.s.wu", 0xFFFFFFFF, 0x4F800000},      // 2^32
      {"fcvt.s.wu", 0x80000000, 0x4F000000},      // 2^31
      {"fcvt.d.w", 0x80000000, 0xC1E0000000000000},
      {"fcvt.d.w", 0xFFFFFFFF, 0xBFF0000000000000},
      {"fcvt.d.wu", 0xFFFFFFFF, 0x41EFFFFFFFE00000},
      {"fcvt.s.l", ~0ull, 0xBF800000},
      {"fcvt.s.l", 0x8000000000000000, 0xDF000000},
      {"fcvt.s.l", 0x0000000100000000, 0x4F800000},  // only the high word set
      {"fcvt.s.lu", ~0ull, 0x5F800000},
      {"fcvt.s.lu", 0x8000000000000000, 0x5F000000},
      {"fcvt.d.l", 0x0020000000000001, 0x4340000000000000},  // 2^53 + 1 rounds to 2^53
      {"fcvt.d.l", ~0ull, 0xBFF0000000000000},
      {"fcvt.d.l", 0x8000000000000000, 0xC3E0000000000000},
      {"fcvt.d.lu", ~0ull, 0x43F0000000000000},
      {"fcvt.d.lu", 0x8000000000000000, 0x43E0000000000000},
  };
  for (const CvtCase& c : cases) EXPECT_EQ(convert(c.mn, c.src), c.want) << c.mn << " of 0x" << std::hex << c.src;
}

TEST_F(CoreFp, ConversionsBetweenSingleAndDouble) {
  const CvtCase cases[] = {
      {"fcvt.d.s", 0x3DCCCCCD, 0x3FB99999A0000000},  // 0.1f widens exactly
      {"fcvt.d.s", kF32Inf, 0x7FF0000000000000},
      {"fcvt.d.s", 0x80000000, 0x8000000000000000},
      {"fcvt.s.d", 0x3FB999999999999A, 0x3DCCCCCD},  // 0.1 rounds
      {"fcvt.s.d", f64_bits(1e300), kF32Inf},
      {"fcvt.s.d", f64_bits(1e-300), 0},
      {"fcvt.s.d", f64_bits(-1e-300), 0x80000000},
  };
  for (const CvtCase& c : cases) EXPECT_EQ(convert(c.mn, c.src), c.want) << c.mn << " of 0x" << std::hex << c.src;
}

struct PairOperands {
  const char* mn;
  bool rd, rs1, rs2;
};

// Which operands are pairs, from isa.md: f64 values and 64-bit integers.
constexpr PairOperands kPairOps[] = {
    {"fadd.d", true, true, true},     {"fsub.d", true, true, true},     {"fmul.d", true, true, true},
    {"fdiv.d", true, true, true},     {"fsqrt.d", true, true, false},   {"fneg.d", true, true, false},
    {"fabs.d", true, true, false},    {"feq.d", false, true, true},     {"flt.d", false, true, true},
    {"fle.d", false, true, true},     {"fcvt.w.d", false, true, false}, {"fcvt.wu.d", false, true, false},
    {"fcvt.s.d", false, true, false}, {"fcvt.d.w", true, false, false}, {"fcvt.d.wu", true, false, false},
    {"fcvt.d.s", true, false, false}, {"fcvt.l.s", true, false, false}, {"fcvt.lu.s", true, false, false},
    {"fcvt.s.l", false, true, false}, {"fcvt.s.lu", false, true, false}, {"fcvt.l.d", true, true, false},
    {"fcvt.lu.d", true, true, false}, {"fcvt.d.l", true, true, false},  {"fcvt.d.lu", true, true, false},
};

TEST_F(CoreFp, PairOperandInOddRegisterOrR31Faults) {
  for (const PairOperands& p : kPairOps) {
    const bool is_pair[3] = {p.rd, p.rs1, p.rs2};
    for (unsigned pos = 0; pos < 3; ++pos) {
      for (const unsigned odd : {3u, 31u}) {
        unsigned regs[3] = {2, 4, 6};
        regs[pos] = odd;
        const std::uint32_t w = encode(p.mn, regs[0], regs[1], regs[2]);
        load(word_directive(w) + "halt");
        const StopReason stop = run();
        const char* field = pos == 0 ? "rd" : pos == 1 ? "rs1" : "rs2";
        if (!is_pair[pos]) {
          // A single-register operand, or rs2 of a two-operand form (not encoded).
          EXPECT_EQ(stop, StopReason::Halt) << p.mn << " " << field << " = r" << odd << ": " << describe_fault();
          continue;
        }
        EXPECT_EQ(stop, StopReason::Fault) << p.mn << " " << field << " = r" << odd;
        EXPECT_EQ(core().fault().kind, FaultKind::BadRegisterPair) << p.mn << " " << field << " = r" << odd;
        EXPECT_EQ(core().fault().word, w);
        EXPECT_EQ(core().fault().pc, 0u);
        EXPECT_EQ(core().pc(), 0u);
        EXPECT_EQ(core().instret(), 1u);
      }
    }
  }
}

// ---- events -----------------------------------------------------------------

TEST_F(CoreEvent, YieldStopsPastItself) {
  load("yield\naddi r1, r0, 3\nhalt");
  EXPECT_EQ(run(), StopReason::Yield);
  EXPECT_EQ(core().pc(), 4u);
  EXPECT_EQ(core().instret(), 1u);
  expect_halt();
  EXPECT_EQ(reg(1), 3u);
}

TEST_F(CoreEvent, DebugReportsTheLowByteOfRs1) {
  load("li r1, 0x1234\ndebug r1\nhalt");
  EXPECT_EQ(run(), StopReason::Debug);
  EXPECT_EQ(core().debug_byte(), 0x34u);
  EXPECT_EQ(core().pc(), 12u);
  expect_halt();
}

TEST_F(CoreEvent, HaltStopsPastItself) {
  load("addi r1, r0, 7\nhalt\naddi r1, r0, 8");
  EXPECT_EQ(run(), StopReason::Halt);
  EXPECT_EQ(core().pc(), 8u);
  EXPECT_EQ(reg(1), 7u);
  EXPECT_EQ(core().instret(), 2u);
}

TEST_F(CoreEvent, AssertEqFailsOnlyWhenValuesDiffer) {
  load(
      "addi r1, r0, 5\n"
      "addi r2, r0, 5\n"
      "assert_eq r1, r2\n"
      "addi r2, r0, 6\n"
      "assert_eq r1, r2\n"
      "halt");
  EXPECT_EQ(run(), StopReason::AssertFailed);
  EXPECT_EQ(core().pc(), 16u);
  EXPECT_EQ(core().instret(), 5u);
  EXPECT_EQ(core().fault().kind, FaultKind::None);
}

// ---- timing -----------------------------------------------------------------

struct CostCase {
  const char* source;
  std::uint64_t cycles, memory;
};

TEST_F(CoreTiming, DefaultCostsPerInstruction) {
  // Memory instructions: 1 to issue + the bare machine's 3-cycle memory.
  const CostCase cases[] = {
      {"add r3, r1, r2", 1, 0},
      {"addi r3, r1, 1", 1, 0},
      {"xori r3, r1, 1", 1, 0},
      {"lui r3, 1", 1, 0},
      {"sltu r3, r1, r2", 1, 0},
      {"mul r3, r1, r2", 32, 0},
      {"mulh r3, r1, r2", 32, 0},
      {"mulhu r3, r1, r2", 32, 0},
      {"div r3, r1, r2", 64, 0},
      {"rem r3, r1, r2", 64, 0},
      {"ldb r3, sp+0", 4, 3},
      {"ldh r3, sp+0", 4, 3},
      {"ldw r3, sp+0", 4, 3},
      {"ldbu r3, sp+0", 4, 3},
      {"ldhu r3, sp+0", 4, 3},
      {"stb sp+0, r1", 4, 3},
      {"sth sp+0, r1", 4, 3},
      {"stw sp+0, r1", 4, 3},
      {"beq r0, r0, next\nnext:", 1, 0},
      {"bne r0, r0, next\nnext:", 1, 0},
      {"jal r0, next\nnext:", 1, 0},
      {"jalr r0, r0, 4", 1, 0},
      {"fadd.s r3, r1, r2", 1, 0},
      {"fsqrt.s r3, r1", 1, 0},
      {"fdiv.d r2, r4, r6", 1, 0},
      {"fcvt.d.lu r2, r4", 1, 0},
      {"nop", 1, 0},
      {".word 0x50", 1, 0},
      {"assert_eq r0, r0", 1, 0},
  };
  for (const CostCase& c : cases) {
    load(std::string(c.source) + "\nhalt");
    expect_halt();
    EXPECT_EQ(core().cycles(), c.cycles + 1) << c.source;
    EXPECT_EQ(core().memory_cycles(), c.memory) << c.source;
    EXPECT_EQ(core().instret(), 2u) << c.source;
  }
  const std::pair<const char*, StopReason> events[] = {{"yield", StopReason::Yield}, {"debug r1", StopReason::Debug}};
  for (const auto& [source, stop] : events) {
    load(std::string(source) + "\nhalt");
    EXPECT_EQ(run(), stop) << source;
    EXPECT_EQ(core().cycles(), 1u) << source;
    expect_halt();
    EXPECT_EQ(core().cycles(), 2u) << source;
  }
}

TEST_F(CoreTiming, CostsSetByMnemonicAndByClass) {
  isa::CycleCosts costs = isa::CycleCosts::defaults();
  EXPECT_EQ(costs.set("fdiv.d", 20), "");
  EXPECT_EQ(costs.set("load", 2), "");
  EXPECT_EQ(costs.set("branch", 3), "");
  EXPECT_EQ(costs[opcode("fdiv.d")], 20u);
  EXPECT_EQ(costs[opcode("fdiv.s")], 1u);
  EXPECT_EQ(costs[opcode("ldb")], 2u);
  EXPECT_EQ(costs[opcode("ldhu")], 2u);
  EXPECT_EQ(costs[opcode("stw")], 1u);
  EXPECT_EQ(costs[opcode("bgeu")], 3u);
  EXPECT_EQ(costs[opcode("jal")], 1u);

  EXPECT_EQ(costs.set("fp", 7), "");
  EXPECT_EQ(costs[opcode("fadd.s")], 7u);
  EXPECT_EQ(costs[opcode("fdiv.d")], 7u);
  EXPECT_EQ(costs[opcode("fcvt.d.lu")], 7u);

  load("fdiv.d r2, r4, r6\nldw r3, sp+0\nbeq r0, r0, next\nnext:\nhalt", {}, costs);
  expect_halt();
  EXPECT_EQ(core().cycles(), 7u + (2 + 3) + 3 + 1);
  EXPECT_EQ(core().memory_cycles(), 3u);
}

TEST_F(CoreTiming, ZeroCostAndUnknownNamesAreRefused) {
  isa::CycleCosts costs = isa::CycleCosts::defaults();
  EXPECT_NE(costs.set("add", 0), "");
  EXPECT_NE(costs.set("fp", 0), "");
  EXPECT_NE(costs.set("frobnicate", 3), "");
  EXPECT_EQ(costs[opcode("add")], 1u);
  EXPECT_EQ(costs[opcode("fadd.s")], 1u);
}

TEST_F(CoreTiming, RunStopsAtOrJustPastTheCycleLimit) {
  load("loop:\naddi r1, r1, 1\nj loop");
  EXPECT_EQ(core().run(10), StopReason::CycleLimit);
  EXPECT_EQ(core().cycles(), 10u);
  EXPECT_EQ(core().instret(), 10u);
  EXPECT_EQ(reg(1), 5u);
  EXPECT_EQ(core().run(25), StopReason::CycleLimit);
  EXPECT_EQ(core().cycles(), 25u);

  // div (64) then j (65) are below 100; the next div ends at 129.
  load("loop:\ndiv r3, r1, r2\nj loop");
  EXPECT_EQ(core().run(100), StopReason::CycleLimit);
  EXPECT_EQ(core().cycles(), 129u);
  EXPECT_EQ(core().instret(), 3u);
}

TEST_F(CoreTiming, StepExecutesExactlyOneInstruction) {
  load("div r3, r1, r2\naddi r1, r0, 5\nhalt");
  EXPECT_EQ(core().step(), StopReason::CycleLimit);
  EXPECT_EQ(core().pc(), 4u);
  EXPECT_EQ(core().instret(), 1u);
  EXPECT_EQ(core().cycles(), 64u);
  EXPECT_EQ(reg(1), 0u);
  EXPECT_EQ(core().step(), StopReason::CycleLimit);
  EXPECT_EQ(core().pc(), 8u);
  EXPECT_EQ(reg(1), 5u);
  EXPECT_EQ(core().step(), StopReason::Halt);
  EXPECT_EQ(core().instret(), 3u);
}

TEST_F(CoreTiming, OpcodeCountsAndMemoryCycles) {
  exec(
      "add r1, r0, r0\n"
      "add r2, r0, r0\n"
      "nop\n"
      "addi r3, r0, 2\n"
      "loop:\n"
      "ldw r4, sp+0\n"
      "stw sp+4, r4\n"
      "addi r3, r3, -1\n"
      "bne r3, r0, loop\n"
      "halt");
  const auto& counts = core().opcode_counts();
  EXPECT_EQ(counts[opcode("add")], 3u);  // nop is add r0, r0, r0
  EXPECT_EQ(counts[opcode("addi")], 3u);
  EXPECT_EQ(counts[opcode("ldw")], 2u);
  EXPECT_EQ(counts[opcode("stw")], 2u);
  EXPECT_EQ(counts[opcode("bne")], 2u);
  EXPECT_EQ(counts[opcode("halt")], 1u);
  EXPECT_EQ(counts[opcode("sub")], 0u);
  std::uint64_t total = 0;
  for (const std::uint64_t n : counts) total += n;
  EXPECT_EQ(total, core().instret());
  EXPECT_EQ(core().memory_cycles(), 4u * 3);
  EXPECT_EQ(core().cycles(), core().instret() + core().memory_cycles());
}

// The interpreter keeps the two regions used last inline; a third one in
// between must still be found and charged its own latency.
TEST(CoreRegions, AccessesRotatingOverThreeRegionsChargeEachItsLatency) {
  std::vector<std::uint8_t> mem(0x4000, 0);
  const auto put = [&](std::uint32_t addr, std::uint32_t v) { std::memcpy(&mem[addr], &v, 4); };
  const auto enc = [](const char* mn, unsigned rd, unsigned rs1, unsigned rs2, std::int64_t imm) {
    return isa::encode(*isa::op_info_by_mnemonic(mn), rd, rs1, rs2, imm);
  };
  // r10..r12 = 0x1000, 0x2000, 0x3000: one base per data region.
  const std::uint32_t program[] = {
      enc("lui", 10, 0, 0, 1),        enc("lui", 11, 0, 0, 2),        enc("lui", 12, 0, 0, 3),
      enc("ldw", 1, 10, 0, 0),        enc("ldw", 2, 11, 0, 0),        enc("ldw", 3, 12, 0, 0),
      enc("stw", 0, 11, 1, 4),        enc("ldw", 4, 10, 0, 0),        enc("ldw", 5, 11, 0, 4),
      enc("ldw", 6, 12, 0, 0),        enc("halt", 0, 0, 0, 0)};
  for (std::size_t i = 0; i < std::size(program); ++i) put(static_cast<std::uint32_t>(4 * i), program[i]);
  put(0x1000, 11);
  put(0x2000, 22);
  put(0x3000, 33);
  isa::Core core;
  core.add_direct_region({0, 0x1000, mem.data(), isa::kPermRead | isa::kPermExec, 100});
  core.add_direct_region({0x1000, 0x1000, mem.data() + 0x1000, isa::kPermRead, 1});
  core.add_direct_region({0x2000, 0x1000, mem.data() + 0x2000, isa::kPermRead | isa::kPermWrite, 5});
  core.add_direct_region({0x3000, 0x1000, mem.data() + 0x3000, isa::kPermRead, 9});
  core.set_code_limit(4 * std::size(program));
  core.reset(0, 0);
  ASSERT_EQ(core.run(1000), StopReason::Halt);
  EXPECT_EQ(core.reg(1), 11u);
  EXPECT_EQ(core.reg(2), 22u);
  EXPECT_EQ(core.reg(3), 33u);
  EXPECT_EQ(core.reg(4), 11u);
  EXPECT_EQ(core.reg(5), 11u);
  EXPECT_EQ(core.reg(6), 33u);
  EXPECT_EQ(core.memory_cycles(), 1u + 5 + 9 + 5 + 1 + 5 + 9);
}

// A slow access sees the core as it stands at the accessing instruction
// (pc on it, the instruction counted, its start cycle passed along), and
// code rewritten from there takes effect at once in the same run.
class CodeRewritingPort : public isa::MemoryPort {
 public:
  CodeRewritingPort(isa::Core& core, std::vector<std::uint8_t>& mem) : core_(core), mem_(mem) {}
  isa::SlowAccess read(std::uint32_t, unsigned, std::uint32_t& value, std::uint64_t cycle) override {
    seen_.push_back({core_.pc(), core_.instret(), cycle});
    if (seen_.size() == 1) {
      const std::uint32_t w = encode("addi", 2, 2, 0, 100);
      std::memcpy(mem_.data(), &w, 4);
      core_.invalidate_code();
    }
    value = 0;
    return {true, 7};
  }
  isa::SlowAccess write(std::uint32_t, unsigned, std::uint32_t, std::uint64_t) override { return {}; }

  struct Seen {
    std::uint32_t pc;
    std::uint64_t instret;
    std::uint64_t cycle;
  };
  std::vector<Seen> seen_;

 private:
  isa::Core& core_;
  std::vector<std::uint8_t>& mem_;
};

TEST(CoreRegions, SlowAccessSeesTheAccessingInstructionAndMayRewriteCode) {
  std::vector<std::uint8_t> mem(0x100, 0);
  const std::uint32_t program[] = {encode("addi", 2, 2, 0, 1),  encode("addi", 3, 3, 0, 1),
                                   encode("ldw", 1, 0, 0, 0x800), encode("slti", 4, 3, 0, 2),
                                   encode("bne", 0, 4, 0, -20),  encode("halt", 0, 0, 0)};
  std::memcpy(mem.data(), program, sizeof program);
  isa::Core core;
  CodeRewritingPort port(core, mem);
  core.add_direct_region({0, 0x100, mem.data(), isa::kPermRead | isa::kPermWrite | isa::kPermExec, 3});
  core.set_port(&port);
  core.set_code_limit(sizeof program);
  core.reset(0, 0);
  ASSERT_EQ(core.run(1000), StopReason::Halt);
  EXPECT_EQ(core.reg(2), 101u) << "the rewritten word did not run";
  ASSERT_EQ(port.seen_.size(), 2u);
  EXPECT_EQ(port.seen_[0].pc, 8u);
  EXPECT_EQ(port.seen_[0].instret, 3u);
  EXPECT_EQ(port.seen_[0].cycle, 2u);
  EXPECT_EQ(port.seen_[1].pc, 8u);
  EXPECT_EQ(port.seen_[1].instret, 8u);
  EXPECT_EQ(port.seen_[1].cycle, 2u + 1 + 7 + 4);
  EXPECT_EQ(core.instret(), 11u);
  EXPECT_EQ(core.cycles(), 11u + 2 * 7);
}

}  // namespace
