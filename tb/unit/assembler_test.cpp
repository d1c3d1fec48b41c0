// s32as against the normative facts: isa.md (encodings, pseudo-instruction
// expansions, syntax) and s32x.md plus the public linker's layout rules.
// Expected words come from this file's own field encoders, written from
// isa.md's field layouts, so an encoder bug in the assembler cannot hide
// behind the same bug in an expectation.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "assembler.hpp"
#include "bare_machine.hpp"
#include "isa/disassembler.hpp"
#include "isa/image.hpp"
#include "isa/opcodes.hpp"

namespace {

namespace as = s32::as;
namespace isa = s32::isa;
using Bytes = std::vector<std::uint8_t>;
using Words = std::vector<std::uint32_t>;

// ---- encoders straight from isa.md "Field layouts" -------------------------

constexpr std::uint32_t enc_r(std::uint32_t op, unsigned rd, unsigned rs1, unsigned rs2) {
  return op | rd << 7 | rs1 << 15 | rs2 << 20;
}
constexpr std::uint32_t enc_i(std::uint32_t op, unsigned rd, unsigned rs1, std::int32_t imm) {
  return op | rd << 7 | rs1 << 15 | (static_cast<std::uint32_t>(imm) & 0xFFFu) << 20;
}
constexpr std::uint32_t enc_s(std::uint32_t op, unsigned base, unsigned value, std::int32_t imm) {
  const auto u = static_cast<std::uint32_t>(imm);
  return op | (u & 0x1Fu) << 7 | base << 15 | value << 20 | ((u >> 5) & 0x7Fu) << 25;
}
constexpr std::uint32_t enc_b(std::uint32_t op, unsigned rs1, unsigned rs2, std::int32_t off) {
  const auto u = static_cast<std::uint32_t>(off);
  return op | ((u >> 11) & 1u) << 7 | ((u >> 1) & 0xFu) << 8 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x3Fu) << 25 |
         ((u >> 12) & 1u) << 31;
}
constexpr std::uint32_t enc_u(std::uint32_t op, unsigned rd, std::uint32_t imm20) {
  return op | rd << 7 | (imm20 & 0xFFFFFu) << 12;
}
constexpr std::uint32_t enc_j(std::uint32_t op, unsigned rd, std::int32_t off) {
  const auto u = static_cast<std::uint32_t>(off);
  return op | rd << 7 | ((u >> 12) & 0xFFu) << 12 | ((u >> 11) & 1u) << 20 | ((u >> 1) & 0x3FFu) << 21 |
         ((u >> 20) & 1u) << 31;
}

// Opcodes as isa.md lists them.
enum : std::uint32_t {
  kAdd = 0x00,
  kSub = 0x01,
  kSeq = 0x0E,
  kSne = 0x0F,
  kAddi = 0x10,
  kLui = 0x20,
  kLdbu = 0x33,
  kLdw = 0x32,
  kSth = 0x39,
  kStw = 0x3A,
  kAssertEq = 0x3F,
  kJal = 0x40,
  kJalr = 0x41,
  kBeq = 0x48,
  kBne = 0x49,
  kBlt = 0x4A,
  kBge = 0x4B,
  kBltu = 0x4C,
  kBgeu = 0x4D,
  kYield = 0x51,
  kDebug = 0x52,
  kHalt = 0x7F,
};

// ---- reading a .s32x without the loader, so layout checks do not depend on it

std::uint32_t le32(const Bytes& b, std::size_t off) {
  if (off + 4 > b.size()) {
    ADD_FAILURE() << "read past the end of the file at " << off;
    return 0;
  }
  return static_cast<std::uint32_t>(b[off]) | static_cast<std::uint32_t>(b[off + 1]) << 8 |
         static_cast<std::uint32_t>(b[off + 2]) << 16 | static_cast<std::uint32_t>(b[off + 3]) << 24;
}

struct RawSection {
  std::string name;
  std::uint32_t type, vaddr, offset, size, mem_size, flags;
};

std::vector<RawSection> sections_of(const Bytes& file) {
  std::vector<RawSection> out;
  const std::uint32_t n = le32(file, 0x0C), table = le32(file, 0x10), names = le32(file, 0x14);
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::size_t e = table + std::size_t{i} * 28;
    RawSection s{"",
                 le32(file, e + 4),
                 le32(file, e + 8),
                 le32(file, e + 12),
                 le32(file, e + 16),
                 le32(file, e + 20),
                 le32(file, e + 24)};
    for (std::size_t p = names + le32(file, e); p < file.size() && file[p] != 0; ++p)
      s.name.push_back(static_cast<char>(file[p]));
    out.push_back(s);
  }
  return out;
}

const RawSection* find_section(const std::vector<RawSection>& secs, const std::string& name) {
  for (const RawSection& s : secs)
    if (s.name == name) return &s;
  return nullptr;
}

Bytes section_bytes(const Bytes& file, const std::string& name) {
  const auto secs = sections_of(file);
  const RawSection* s = find_section(secs, name);
  if (!s) {
    ADD_FAILURE() << "no section " << name;
    return {};
  }
  if (std::size_t{s->offset} + s->size > file.size()) {
    ADD_FAILURE() << "section " << name << " runs past the end of the file";
    return {};
  }
  return Bytes(file.begin() + s->offset, file.begin() + s->offset + s->size);
}

Words text_words(const Bytes& file) {
  const Bytes text = section_bytes(file, ".text");
  Words w;
  for (std::size_t i = 0; i + 4 <= text.size(); i += 4) w.push_back(le32(text, i));
  return w;
}

std::uint32_t word_at(const Bytes& file, std::uint32_t pc) {
  const Words w = text_words(file);
  if (pc / 4 >= w.size()) {
    ADD_FAILURE() << "no code word at " << pc;
    return 0;
  }
  return w[pc / 4];
}

void put_le(Bytes& b, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// ---- assembling -----------------------------------------------------------

using Sources = std::vector<std::pair<std::string, std::string>>;

// The AssemblyError that assembling `files` must throw.
struct Failure {
  std::vector<as::Diagnostic> diags;
  std::string what;
};

Failure failure_of(const Sources& files, const as::Options& options = {}) {
  as::Assembler a(options);
  for (const auto& [name, text] : files) a.add_source(name, text);
  try {
    a.link();
  } catch (const as::AssemblyError& e) {
    return {e.diagnostics(), e.what()};
  }
  ADD_FAILURE() << "assembly succeeded but should have failed";
  return {};
}

std::vector<as::Diagnostic> errors_of(const Sources& files, const as::Options& options = {}) {
  return failure_of(files, options).diags;
}

std::string describe(const std::vector<as::Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) s += "\n  " + d.str();
  return s.empty() ? " (none)" : s;
}

testing::AssertionResult has_error(const std::vector<as::Diagnostic>& diags, const std::string& file, int line,
                                   const std::string& part) {
  for (const auto& d : diags)
    if (!d.warning && d.file == file && d.line == line && d.message.find(part) != std::string::npos)
      return testing::AssertionSuccess();
  return testing::AssertionFailure() << "no error " << file << ":" << line << " containing '" << part
                                     << "'; got:" << describe(diags);
}

isa::Image image_of(const std::string& text, const as::Options& options = {}) {
  return isa::load_s32x(as::assemble(text, options));
}

std::string sanitize(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

// ---- 1. round trip: every opcode ------------------------------------------

struct RoundTripCase {
  std::string name;
  isa::Op op;
  std::uint32_t pc;  // where the instruction sits: branch and jump text is absolute
  std::string line;
  std::uint32_t word;
};

std::string at_pc(std::uint32_t pc, const std::string& line) {
  return (pc ? "  .zero " + std::to_string(pc) + "\n" : std::string()) + "  " + line + "\n";
}

std::string hex(std::uint32_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

std::vector<RoundTripCase> round_trip_cases() {
  std::vector<RoundTripCase> cases;
  for (const isa::OpInfo& info : isa::kOpTable) {
    // 0x50 has no spelling: `nop` is the all-zero word (isa.md).
    if (info.op == isa::Op::NOP) continue;
    const std::string mn(info.mnemonic);
    const auto op = static_cast<std::uint32_t>(info.op);
    const isa::PairUse pair = isa::pair_operands(info.op);
    auto add = [&](std::uint32_t pc, const std::string& operands, std::uint32_t word) {
      cases.push_back({sanitize(mn) + "_" + std::to_string(cases.size()), info.op, pc,
                       operands.empty() ? mn : mn + " " + operands, word});
    };
    // Two register sets, the second at the edges of the register file and
    // spelt with ABI names; f64 pair operands must name even registers.
    struct Regs {
      unsigned d, a, b;
      std::string td, ta, tb;
    };
    const Regs sets[2] = {
        {pair.rd ? 2u : 1u, pair.rs1 ? 4u : 5u, pair.rs2 ? 6u : 7u, pair.rd ? "r2" : "r1", pair.rs1 ? "r4" : "r5",
         pair.rs2 ? "r6" : "r7"},
        {pair.rd ? 30u : 31u, 0u, pair.rs2 ? 28u : 29u, pair.rd ? "fp" : "lr", "zero", pair.rs2 ? "s17" : "sp"},
    };
    switch (info.form) {
      case isa::Form::R3:
        for (const Regs& r : sets) add(0, r.td + ", " + r.ta + ", " + r.tb, enc_r(op, r.d, r.a, r.b));
        break;
      case isa::Form::R2:
        for (const Regs& r : sets) add(0, r.td + ", " + r.ta, enc_r(op, r.d, r.a, 0));
        break;
      case isa::Form::I: {
        const bool shift = info.op == isa::Op::SLLI || info.op == isa::Op::SRLI || info.op == isa::Op::SRAI;
        const std::vector<std::int32_t> imms = shift ? std::vector<std::int32_t>{0, 31, 7}
                                               : info.ext == isa::ImmExt::Zero
                                                   ? std::vector<std::int32_t>{0, 4095, 2048, 1, -1}
                                                   : std::vector<std::int32_t>{-2048, 2047, 0, -1};
        for (std::size_t k = 0; k < imms.size(); ++k) {
          const Regs& r = sets[k % 2];
          add(0, r.td + ", " + r.ta + ", " + std::to_string(imms[k]), enc_i(op, r.d, r.a, imms[k]));
        }
        break;
      }
      case isa::Form::Load:
        add(0, "r1, fp+-2048", enc_i(op, 1, 30, -2048));
        add(0, "lr, 2047(r5)", enc_i(op, 31, 5, 2047));
        add(0, "r7, sp+0", enc_i(op, 7, 29, 0));
        break;
      case isa::Form::Store:
        add(0, "fp+-2048, r1", enc_s(op, 30, 1, -2048));
        add(0, "lr, 2047(r5)", enc_s(op, 5, 31, 2047));
        add(0, "sp+0, lr", enc_s(op, 29, 31, 0));
        break;
      case isa::Form::Branch:
        // Offsets are relative to pc + 4: the extremes -4096 and +4094.
        add(4092, "r1, r2, 0x0", enc_b(op, 1, 2, -4096));
        add(0, "lr, zero, " + hex(4 + 4094), enc_b(op, 31, 0, 4094));
        add(8, "r5, r5, 0x8", enc_b(op, 5, 5, -4));
        break;
      case isa::Form::U:
        add(0, "r1, 0", enc_u(op, 1, 0));
        add(0, "lr, 0xFFFFF", enc_u(op, 31, 0xFFFFF));
        add(0, "r9, 0x12345", enc_u(op, 9, 0x12345));
        break;
      case isa::Form::Jal:
        // Offsets are relative to pc: the extremes -1 MiB and +1 MiB - 2.
        add(0x100000, "r0, 0x0", enc_j(op, 0, -0x100000));
        add(0, "lr, " + hex(0xFFFFE), enc_j(op, 31, 0xFFFFE));
        add(4, "r5, 0x4", enc_j(op, 5, 0));
        break;
      case isa::Form::Jalr:
        add(0, "r1, r2, -2048", enc_i(op, 1, 2, -2048));
        add(0, "r0, lr, 2047", enc_i(op, 0, 31, 2047));
        add(0, "lr, r5, 0", enc_i(op, 31, 5, 0));
        break;
      case isa::Form::Src2:
        add(0, "r1, lr", enc_r(op, 0, 1, 31));
        add(0, "zero, sp", enc_r(op, 0, 0, 29));
        break;
      case isa::Form::Src1:
        add(0, "lr", enc_r(op, 0, 31, 0));
        add(0, "a0", enc_r(op, 0, 3, 0));
        break;
      case isa::Form::None:
        add(0, "", op);
        break;
    }
  }
  return cases;
}

// Readable parameter names in test listings instead of raw bytes.
void PrintTo(const RoundTripCase& c, std::ostream* os) { *os << c.line << " @" << hex(c.pc); }

class AsmRoundTrip : public testing::TestWithParam<RoundTripCase> {};

TEST_P(AsmRoundTrip, EncodesPerIsaAndReassemblesItsDisassembly) {
  const RoundTripCase& c = GetParam();
  const Bytes original = as::assemble(at_pc(c.pc, c.line));
  const std::uint32_t word = word_at(original, c.pc);
  EXPECT_EQ(hex(word), hex(c.word)) << "'" << c.line << "' at " << hex(c.pc);
  const std::string listing = isa::disassemble(word, c.pc);
  const Bytes again = as::assemble(at_pc(c.pc, listing));
  EXPECT_EQ(hex(word_at(again, c.pc)), hex(word)) << "'" << c.line << "' -> '" << listing << "'";
  EXPECT_TRUE(again == original) << "files differ: '" << c.line << "' -> '" << listing << "'";
}

INSTANTIATE_TEST_SUITE_P(EveryOpcode, AsmRoundTrip, testing::ValuesIn(round_trip_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(AsmRoundTripCoverage, EveryOpcodeButTheUnspellable0x50HasCases) {
  std::set<isa::Op> seen;
  for (const RoundTripCase& c : round_trip_cases()) seen.insert(c.op);
  EXPECT_EQ(seen.size() + 1, std::size(isa::kOpTable));
  EXPECT_EQ(seen.count(isa::Op::NOP), 0u);
}

TEST(AsmRoundTripCoverage, WordsWithoutAMnemonicReassembleThroughTheirWordDirective) {
  // The 0x50 NOP and an illegal opcode disassemble to `.word`, which must
  // give the same word back when placed in code.
  for (const std::uint32_t word : {0x00000050u, 0x0000007Eu}) {
    const std::string listing = isa::disassemble(word, 0);
    EXPECT_EQ(hex(word_at(as::assemble(listing + "\n"), 0)), hex(word)) << listing;
  }
}

// ---- 2. pseudo-instructions and syntax variants: exact words --------------

struct ExpansionCase {
  const char* name;
  const char* source;
  Words words;  // the whole .text
};

void PrintTo(const ExpansionCase& c, std::ostream* os) { *os << c.name; }

class AsmExpansion : public testing::TestWithParam<ExpansionCase> {};

TEST_P(AsmExpansion, ProducesExactlyTheListedWords) {
  const ExpansionCase& c = GetParam();
  const Words got = text_words(as::assemble(c.source));
  std::vector<std::string> got_hex, want_hex;
  for (std::uint32_t w : got) got_hex.push_back(hex(w));
  for (std::uint32_t w : c.words) want_hex.push_back(hex(w));
  EXPECT_EQ(got_hex, want_hex) << c.source;
}

// Data placed after `.zero N` in .data sits at 0x1000 + N (no rodata).
const ExpansionCase kExpansions[] = {
    {"li_small", "li r1, 100", {enc_i(kAddi, 1, 0, 100)}},
    {"li_zero", "li r1, 0", {enc_i(kAddi, 1, 0, 0)}},
    {"li_max12", "li r1, 2047", {enc_i(kAddi, 1, 0, 2047)}},
    {"li_min12", "li r1, -2048", {enc_i(kAddi, 1, 0, -2048)}},
    {"li_2048_rounds_hi", "li r1, 2048", {enc_u(kLui, 1, 1), enc_i(kAddi, 1, 1, -2048)}},
    {"li_large_lo_zero_still_two", "li r1, 0x12345000", {enc_u(kLui, 1, 0x12345), enc_i(kAddi, 1, 1, 0)}},
    {"li_large", "li a0, 0x12345678", {enc_u(kLui, 3, 0x12345), enc_i(kAddi, 3, 3, 0x678)}},
    {"li_negative_small", "li r1, -1", {enc_i(kAddi, 1, 0, -1)}},
    {"li_negative_large", "li r1, -5000", {enc_u(kLui, 1, 0xFFFFF), enc_i(kAddi, 1, 1, -904)}},
    {"li_all_ones_is_minus_one", "li r1, 0xFFFFFFFF", {enc_i(kAddi, 1, 0, -1)}},
    {"li_0xFFFFF800_is_minus_2048", "li r1, 0xFFFFF800", {enc_i(kAddi, 1, 0, -2048)}},
    {"li_int_min", "li r1, 0x80000000", {enc_u(kLui, 1, 0x80000), enc_i(kAddi, 1, 1, 0)}},
    {"li_int_max", "li r1, 0x7FFFFFFF", {enc_u(kLui, 1, 0x80000), enc_i(kAddi, 1, 1, -1)}},
    {"li_equ_constant", ".equ K, 100\nli r1, K", {enc_i(kAddi, 1, 0, 100)}},
    {"li_label_is_two", "li r1, .Lx\n.Lx: nop", {enc_u(kLui, 1, 0), enc_i(kAddi, 1, 1, 8), 0}},
    {"la_bit11_set_rounds_hi",
     "la r2, sym\n.data\n.zero 0x800\nsym: .word 0",
     {enc_u(kLui, 2, 2), enc_i(kAddi, 2, 2, -2048)}},
    {"la_bit11_clear", "la r2, sym\n.data\n.zero 0x7FC\nsym: .word 0", {enc_u(kLui, 2, 1), enc_i(kAddi, 2, 2, 0x7FC)}},
    {"la_small_address_still_two", "la r1, .Lx\n.Lx: nop", {enc_u(kLui, 1, 0), enc_i(kAddi, 1, 1, 8), 0}},
    {"la_symbol_plus_offset",
     "la r1, sym+4\n.data\n.zero 0x7FC\nsym: .word 0",
     {enc_u(kLui, 1, 2), enc_i(kAddi, 1, 1, -2048)}},
    {"mv", "mv r1, r2", {enc_r(kAdd, 1, 2, 0)}},
    {"not", "not r3, r4", {enc_r(kSub, 3, 0, 4), enc_i(kAddi, 3, 3, -1)}},
    {"neg", "neg r3, r4", {enc_r(kSub, 3, 0, 4)}},
    {"seqz", "seqz r3, r4", {enc_r(kSeq, 3, 4, 0)}},
    {"snez", "snez r3, r4", {enc_r(kSne, 3, 4, 0)}},
    {"j", "j .Lt\nnop\n.Lt: nop", {enc_j(kJal, 0, 8), 0, 0}},
    {"call", "call .Lt\n.Lt: nop", {enc_j(kJal, 31, 4), 0}},
    {"jal_label_links_lr", "jal .Lt\n.Lt: nop", {enc_j(kJal, 31, 4), 0}},
    {"jal_explicit_rd", "jal r5, .Lt\n.Lt: nop", {enc_j(kJal, 5, 4), 0}},
    {"tail", "tail .Lt\n.Lt: nop", {enc_j(kJal, 0, 4), 0}},
    {"ret", "ret", {enc_i(kJalr, 0, 31, 0)}},
    {"jr", "jr r5", {enc_i(kJalr, 0, 5, 0)}},
    {"jalr_one_register_links_lr", "jalr r5", {enc_i(kJalr, 31, 5, 0)}},
    {"jalr_two_registers", "jalr r1, r5", {enc_i(kJalr, 1, 5, 0)}},
    {"jalr_riscv_offset", "jalr r1, 8(r5)", {enc_i(kJalr, 1, 5, 8)}},
    {"nop_is_all_zero", "nop", {0}},
    {"nop_with_operands", "nop r0, r0, 0", {0}},
    {"bgt_swaps", "bgt r1, r2, .Lt\nnop\n.Lt: nop", {enc_b(kBlt, 2, 1, 4), 0, 0}},
    {"ble_swaps", "ble r1, r2, .Lt\nnop\n.Lt: nop", {enc_b(kBge, 2, 1, 4), 0, 0}},
    {"bgtu_swaps", "bgtu r1, r2, .Lt\nnop\n.Lt: nop", {enc_b(kBltu, 2, 1, 4), 0, 0}},
    {"bleu_swaps", "bleu r1, r2, .Lt\nnop\n.Lt: nop", {enc_b(kBgeu, 2, 1, 4), 0, 0}},
    {"beqz", ".Lt: beqz r3, .Lt", {enc_b(kBeq, 3, 0, -4)}},
    {"bnez", ".Lt: bnez r3, .Lt", {enc_b(kBne, 3, 0, -4)}},
    {"yield_bare", "yield", {kYield}},
    {"yield_r0", "yield r0", {kYield}},
    {"yield_public_form", "yield r0, r0, 0", {kYield}},
    {"yield_uppercase", "YIELD", {kYield}},
    {"halt_bare", "halt", {kHalt}},
    {"halt_public_form", "halt r0, r0, 0", {kHalt}},
    {"debug", "debug r4", {enc_r(kDebug, 0, 4, 0)}},
    {"assert_eq", "assert_eq r1, r2", {enc_r(kAssertEq, 0, 1, 2)}},
    {"uppercase_everything",
     "ADDI R1, SP, 5\nLDW A0, FP+-4\nHalt",
     {enc_i(kAddi, 1, 29, 5), enc_i(kLdw, 3, 30, -4), kHalt}},
    {"load_compiler_form", "ldw r1, fp+-4", {enc_i(kLdw, 1, 30, -4)}},
    {"load_minus_offset", "ldw r1, fp-8", {enc_i(kLdw, 1, 30, -8)}},
    {"load_riscv_form", "ldw r1, 8(r2)", {enc_i(kLdw, 1, 2, 8)}},
    {"load_riscv_negative", "ldw r1, -4(fp)", {enc_i(kLdw, 1, 30, -4)}},
    {"load_bare_base", "ldbu r4, r3", {enc_i(kLdbu, 4, 3, 0)}},
    {"store_compiler_form", "stw sp+0, lr", {enc_s(kStw, 29, 31, 0)}},
    {"store_compiler_negative", "stw fp+-12, s0", {enc_s(kStw, 30, 11, -12)}},
    {"store_riscv_form", "stw r1, 8(r2)", {enc_s(kStw, 2, 1, 8)}},
    {"store_half_riscv_negative", "sth r5, -2048(r6)", {enc_s(kSth, 6, 5, -2048)}},
    {"hi_lo_of_symbol_plus_offset",
     "lui r1, %hi(sym+4)\naddi r1, r1, %lo(sym+4)\nldw r2, r1+%lo(sym+4)\nstw r1+%lo(sym+4), r2\n"
     ".data\n.zero 0x7FC\nsym: .word 0",
     {enc_u(kLui, 1, 2), enc_i(kAddi, 1, 1, -2048), enc_i(kLdw, 2, 1, -2048), enc_s(kStw, 1, 2, -2048)}},
    {"constant_expressions",
     ".equ SIZE, 16\n.set DOUBLE, SIZE*2\nWORDS = (DOUBLE + 8) / 4 - 1\n"
     "addi r1, r0, SIZE - 20\naddi r2, r0, DOUBLE\naddi r3, r0, WORDS\naddi r4, r0, -(3*(2+5))",
     {enc_i(kAddi, 1, 0, -4), enc_i(kAddi, 2, 0, 32), enc_i(kAddi, 3, 0, 9), enc_i(kAddi, 4, 0, -21)}},
    {"comments_everywhere", "# a whole-line comment\n  nop   # trailing\n\n.Lx:  # label comment\n  halt", {0, kHalt}},
};

INSTANTIATE_TEST_SUITE_P(Pseudo, AsmExpansion, testing::ValuesIn(kExpansions),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AsmSyntax, AbiRegisterNamesMapToTheirNumbers) {
  std::vector<std::pair<std::string, unsigned>> names = {{"zero", 0}, {"rv", 1},  {"t0", 2},
                                                         {"sp", 29},  {"fp", 30}, {"lr", 31}};
  for (unsigned i = 0; i < 8; ++i) names.emplace_back("a" + std::to_string(i), 3 + i);
  for (unsigned i = 0; i < 18; ++i) names.emplace_back("s" + std::to_string(i), 11 + i);
  for (unsigned i = 0; i < 32; ++i) names.emplace_back("r" + std::to_string(i), i);
  std::string src;
  Words want;
  for (const auto& [name, n] : names) {
    src += "add " + name + ", " + name + ", " + name + "\n";
    want.push_back(enc_r(kAdd, n, n, n));
  }
  EXPECT_EQ(text_words(as::assemble(src)), want);
}

TEST(AsmSyntax, LocalAndNumericLabels) {
  const Bytes file = as::assemble(R"(
        .globl _start
_start:
        addi r1, r0, 3          # 0
1:      addi r1, r1, -1         # 4
        bne r1, r0, 1b          # 8: back to 4
        beq r0, r0, 1f          # 12: forward to 20
        nop                     # 16
1:      beq r0, r0, 1f          # 20: 1f is the next 1, not this line's
        nop                     # 24
1:      j 1b                    # 28: 1b includes this line's label
.LBB0_1:
        j .LBB0_1               # 32
2:      j 1b                    # 36: back to 28
)");
  EXPECT_EQ(text_words(file),
            (Words{enc_i(kAddi, 1, 0, 3), enc_i(kAddi, 1, 1, -1), enc_b(kBne, 1, 0, -8), enc_b(kBeq, 0, 0, 4), 0,
                   enc_b(kBeq, 0, 0, 4), 0, enc_j(kJal, 0, 0), enc_j(kJal, 0, 0), enc_j(kJal, 0, -8)}));
  // Compiler-local and numeric labels stay out of the symbol table.
  const isa::Image img = isa::load_s32x(file);
  ASSERT_NE(img.find_symbol("_start"), nullptr);
  for (const isa::Symbol& s : img.symbols) EXPECT_NE(s.name.rfind(".L", 0), 0u) << s.name;
}

// ---- 3. directives as the clang back end emits them -------------------------

TEST(AsmDirectives, SectionNamesSelectRegionsAndNotesAreDiscarded) {
  const Bytes file = as::assemble(R"(
        .text
        nop
        .section ".note.GNU-stack","",@progbits
        .byte 9, 9, 9, 9
        .code
        halt
        .rodata
r:      .byte 1
        .section .rodata.str1.1,"aMS",@progbits,1
s:      .asciz "x"
        .data
d:      .byte 2
        .bss
b:      .zero 4
        .section .text.startup,"ax",@progbits
        yield
)");
  EXPECT_EQ(text_words(file), (Words{0, kHalt, kYield}));
  EXPECT_EQ(section_bytes(file, ".rodata"), (Bytes{1, 'x', 0}));
  EXPECT_EQ(section_bytes(file, ".data"), (Bytes{2}));
  const isa::Image img = isa::load_s32x(file);
  const std::pair<const char*, std::uint32_t> want[] = {{"r", 0x1000}, {"s", 0x1001}, {"d", 0x2000}, {"b", 0x2004}};
  for (const auto& [name, value] : want) {
    const isa::Symbol* sym = img.find_symbol(name);
    ASSERT_NE(sym, nullptr) << name;
    EXPECT_EQ(hex(sym->value), hex(value)) << name;
  }
}

TEST(AsmDirectives, DataDirectivesAreLittleEndianWithSymbolsAndDifferences) {
  const Bytes file = as::assemble(R"(
        nop
        .data
.La:    .word 4294967226, -1, 0x12345678
        .long sym
        .word sym+4, .Lb-.La
        .half 0xBEEF, -2
        .short 7
        .byte 1, 255, -128, 'A'
.Lb:    .quad 0x0102030405060708
sym:    .quad -2
)");
  // .La = 0x1000 (no rodata), .Lb = .La + 34, sym = .Lb + 8.
  const std::uint32_t la = 0x1000, lb = la + 34, sym = lb + 8;
  Bytes want;
  put_le(want, 4294967226u, 4);
  put_le(want, 0xFFFFFFFFu, 4);
  put_le(want, 0x12345678u, 4);
  put_le(want, sym, 4);
  put_le(want, sym + 4, 4);
  put_le(want, lb - la, 4);
  put_le(want, 0xBEEF, 2);
  put_le(want, 0xFFFE, 2);
  put_le(want, 7, 2);
  want.insert(want.end(), {1, 255, 0x80, 'A'});
  put_le(want, 0x0102030405060708ull, 8);
  put_le(want, 0xFFFFFFFFFFFFFFFEull, 8);
  EXPECT_EQ(section_bytes(file, ".data"), want);
}

TEST(AsmDirectives, StringsDecodeEscapes) {
  const Bytes file = as::assemble(R"(
        nop
        .section .rodata.str1.1,"aMS",@progbits,1
        .ascii "a\tb"
        .asciz "q\"\\"
        .string "\n\101\0007"
        .ascii "x", "y"
)");
  // Octal escapes take at most three digits: "\0007" is NUL then '7'.
  EXPECT_EQ(section_bytes(file, ".rodata"), (Bytes{'a', '\t', 'b', 'q', '"', '\\', 0, '\n', 'A', 0, '7', 0, 'x', 'y'}));
}

TEST(AsmDirectives, AlignmentPadsWithTheRequestedFill) {
  const Bytes file = as::assemble(R"(
        addi r1, r0, 1
        .p2align 3
        halt
        .data
d0:     .byte 1
        .p2align 2, 0x0
d1:     .byte 2
        .align 3
d2:     .byte 3
        .balign 4, 0xAA
d3:     .byte 4
        .balign 16
d4:     .word 5
        .space 3
        .zero 2, 0x7F
)");
  // In code the padding is zero words, i.e. `nop`.
  EXPECT_EQ(text_words(file), (Words{enc_i(kAddi, 1, 0, 1), 0, kHalt}));
  EXPECT_EQ(section_bytes(file, ".data"),
            (Bytes{1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0xAA, 0xAA, 4, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0x7F, 0x7F}));
  const isa::Image img = isa::load_s32x(file);
  EXPECT_EQ(img.find_symbol("d4")->value, 0x1010u);
}

TEST(AsmDirectives, LocationCounterInEquAndSetIsWhereTheDirectiveStands) {
  const Bytes file = as::assemble(R"(
_start: li r2, msg_len
        la r3, after_msg
        halt
        .rodata
msg:    .ascii "Hello"
msg_len = . - msg
        .equ after_msg, .
        .data
        .word msg_len, after_msg
)");
  Bytes want;
  put_le(want, 5, 4);
  put_le(want, 0x1005, 4);
  EXPECT_EQ(section_bytes(file, ".data"), want);
  s32::test::BareMachine m(isa::load_s32x(file));
  ASSERT_EQ(m.run(1000).stop, isa::StopReason::Halt);
  EXPECT_EQ(m.core().reg(2), 5u);
  EXPECT_EQ(hex(m.core().reg(3)), hex(0x1005));
}

TEST(AsmDirectives, CommonSymbolsGoToBssGlobalUnlessLocal) {
  const Bytes file = as::assemble(R"(
        nop
        .data
x:      .word 1
        .comm buf,64,16
        .local lbuf
        .comm lbuf,8,8
)");
  const isa::Image img = isa::load_s32x(file);
  const isa::Symbol* buf = img.find_symbol("buf");
  const isa::Symbol* lbuf = img.find_symbol("lbuf");
  ASSERT_NE(buf, nullptr);
  ASSERT_NE(lbuf, nullptr);
  // bss follows data (0x1000..0x1004), aligned to the largest request.
  EXPECT_EQ(hex(buf->value), hex(0x1010));
  EXPECT_EQ(hex(lbuf->value), hex(0x1050));
  EXPECT_EQ(buf->binding, 1);
  EXPECT_EQ(lbuf->binding, 0);
  EXPECT_EQ(buf->type, 2);
  EXPECT_EQ(hex(img.data_limit), hex(0x1058));
  const auto secs = sections_of(file);
  const RawSection* bss = find_section(secs, ".bss");
  ASSERT_NE(bss, nullptr);
  EXPECT_EQ(bss->size, 0u);
  EXPECT_EQ(hex(bss->vaddr), hex(0x1010));
  EXPECT_EQ(bss->mem_size, 0x48u);
}

// With -g, clang writes DWARF 5 file entries whose MD5 is a 128-bit literal.
TEST(AsmDirectives, DebugFileEntriesWithAnMd5AreAccepted) {
  const Bytes file = as::assemble(R"(
        .text
        .file   0 "/src" "m.c" md5 0x00112233445566778899aabbccddeeff
        .file   1 "/src" "m.h" md5 0xffeeddccbbaa99887766554433221100
        .loc    1 7 2 prologue_end
        halt
)");
  EXPECT_EQ(text_words(file), (Words{kHalt}));
}

// The clang back end puts a zero-initialised global in .bss as `.word 0`.
TEST(AsmDirectives, ZeroValuedDataIsAcceptedInBss) {
  const Bytes file = as::assemble(R"(
        nop
        .bss
counter: .word 0
        .half 0, 0x0
        .byte 0
after:  .zero 3
)");
  const isa::Image img = isa::load_s32x(file);
  ASSERT_NE(img.find_symbol("counter"), nullptr);
  ASSERT_NE(img.find_symbol("after"), nullptr);
  EXPECT_EQ(hex(img.find_symbol("counter")->value), hex(0x1000));
  EXPECT_EQ(hex(img.find_symbol("after")->value), hex(0x1009));
  const auto secs = sections_of(file);
  const RawSection* bss = find_section(secs, ".bss");
  ASSERT_NE(bss, nullptr);
  EXPECT_EQ(bss->size, 0u);
  EXPECT_EQ(bss->mem_size, 12u);
}

// Exception tables (.gcc_except_table) hold LEB128 label differences. As in
// the public assembler, a value known when the directive is read takes its
// shortest form; a forward reference takes a fixed 5 bytes.
TEST(AsmDirectives, Leb128IsShortestWhenKnownAndFiveBytesForForwardReferences) {
  const Bytes file = as::assemble(R"(
        .text
f0:     nop
        nop
        nop
f3:     nop
        .set three, 3
        .section .gcc_except_table,"a",@progbits
t0:     .uleb128 t1-t0
        .uleb128 f3-f0, three
        .sleb128 f0-f3
        .uleb128 300
        .sleb128 -129, 64
t1:     .sleb128 t2-t1
t2:     .sleb128 t0-t3
t3:     .byte 0xEE
)");
  // t1 = t0 + 5 + 1 + 1 + 1 + 2 + 2 + 2 = t0 + 14; t2 = t1 + 5; t3 = t2 + 5.
  EXPECT_EQ(section_bytes(file, ".rodata"),
            (Bytes{0x8E, 0x80, 0x80, 0x80, 0x00,  // 14, padded
                   0x0C, 0x03, 0x74,              // 12, 3, -12
                   0xAC, 0x02,                    // 300
                   0xFF, 0x7E, 0xC0, 0x00,        // -129, 64
                   0x85, 0x80, 0x80, 0x80, 0x00,  // 5, padded
                   0xE8, 0xFF, 0xFF, 0xFF, 0x7F,  // -24, padded
                   0xEE}));
}

TEST(AsmDirectives, CompilerBookkeepingIsAcceptedAndTypesAndSizesReachTheSymbolTable) {
  const isa::Image img = image_of(R"(
        .text
        .file   "f.c"
        .globl  f                               # -- Begin function f
        .p2align        2
        .type   f,@function
f:                                      # @f
        addi rv, zero, 1
        ret
.Lfunc_end0:
        .size   f, .Lfunc_end0-f
h:      nop
        nop
        nop
        .size   h, .-h
        .global g
        .type   g,@object
        .data
g:      .word 0
        .size   g, 4
        .ident  "clang version 19.1.0"
        .section        ".note.GNU-stack","",@progbits
        .addrsig
        .addrsig_sym f
)");
  const isa::Symbol* f = img.find_symbol("f");
  const isa::Symbol* g = img.find_symbol("g");
  ASSERT_NE(f, nullptr);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(f->type, 1);
  EXPECT_EQ(f->binding, 1);
  EXPECT_EQ(f->size, 8u);
  // `.` in a .size expression is where the directive stands.
  ASSERT_NE(img.find_symbol("h"), nullptr);
  EXPECT_EQ(img.find_symbol("h")->size, 12u);
  EXPECT_EQ(g->type, 2);
  EXPECT_EQ(g->binding, 1);
  EXPECT_EQ(g->size, 4u);
}

// ---- 4. errors name file and line; nothing is silently truncated -----------

struct ErrorCase {
  const char* name;
  const char* source;
  int line;
  const char* part;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class AsmError : public testing::TestWithParam<ErrorCase> {};

TEST_P(AsmError, IsReportedAtItsFileAndLine) {
  const ErrorCase& c = GetParam();
  const Failure f = failure_of({{"case.s", c.source}});
  EXPECT_TRUE(has_error(f.diags, "case.s", c.line, c.part));
  // The exception text is what the CLI prints: FILE:LINE: error: ...
  EXPECT_NE(f.what.find("case.s:" + std::to_string(c.line) + ": error: "), std::string::npos) << f.what;
}

const ErrorCase kErrors[] = {
    {"addi_2048", "nop\naddi r1, r1, 2048\n", 2, "2048"},
    {"addi_minus_2049", "addi r1, r1, -2049\n", 1, "-2049"},
    {"ori_4096", "nop\nnop\nori r1, r1, 4096\n", 3, "4096"},
    {"lui_0x100000", "lui r1, 0x100000\n", 1, "1048576"},
    {"slli_32", "nop\nslli r1, r1, 32\n", 2, "32"},
    {"srai_negative", "srai r1, r1, -1\n", 1, "-1"},
    {"load_offset_2048", "ldw r1, r2+2048\n", 1, "2048"},
    {"store_offset_minus_2049", "nop\nstw r2+-2049, r1\n", 2, "-2049"},
    {"jalr_offset_2048", "jalr r0, r1, 2048\n", 1, "2048"},
    {"branch_forward_4096", "beq r1, r2, far\n.zero 4096\nfar: nop\n", 1, "4096"},
    {"branch_backward_4100", "back: nop\n.zero 4092\nbeq r1, r2, back\n", 3, "-4100"},
    {"jal_past_1MiB", "nop\njal far\n.zero 0x100000\nfar: nop\n", 2, "1048576"},
    {"jal_before_minus_1MiB", "back: nop\n.zero 0x100000\nj back\n", 3, "-1048580"},
    {"branch_target_odd", "nop\nbeq r1, r2, 7\n", 2, "aligned"},
    {"jal_target_odd", "jal r0, 3\n", 1, "aligned"},
    {"li_over_32_bits", "li r1, 0x100000000\n", 1, "32 bits"},
    {"li_below_int_min", "nop\nli r1, -2147483649\n", 2, "32 bits"},
    {"byte_256", "nop\n.data\n.byte 256\n", 3, "256"},
    {"half_65536", "nop\n.data\n.half 65536\n", 3, "65536"},
    {"word_2_pow_32", "nop\n.data\n.word 0x100000000\n", 3, "4294967296"},
    {"fill_256", "nop\n.data\n.zero 4, 256\n", 3, "fill"},
    {"balign_3", "nop\n.balign 3\n", 2, "power of two"},
    {"unknown_instruction", "nop\nfrob r1, r2\n", 2, "unknown instruction 'frob'"},
    {"unknown_directive", ".text\n.frobnicate 3\n", 2, "unknown directive '.frobnicate'"},
    {"undefined_symbol", "nop\nnop\nj nowhere\n", 3, "undefined symbol 'nowhere'"},
    {"undefined_symbol_in_data", "nop\n.data\n.word 1, missing\n", 3, "undefined symbol 'missing'"},
    {"duplicate_label", "dup: nop\nnop\ndup: nop\n", 3, "already defined"},
    {"initialised_data_in_bss", "nop\n.bss\n.zero 4\n.word 5\n", 4, ".bss"},
    {"string_in_bss", "nop\n.bss\n.asciz \"x\"\n", 3, ".bss"},
    {"address_in_bss", "nop\n.bss\nself: .word self\n", 3, ".bss"},
    {"number_over_64_bits", "nop\n.data\n.word 0x10000000000000000\n", 3, "too large"},
    {"uleb128_negative", "nop\n.data\n.uleb128 -1\n", 3, ".uleb128"},
    {"uleb128_negative_forward", "nop\n.data\na: .uleb128 a-b\nb:\n", 3, ".uleb128"},
    {"instruction_in_data", "nop\n.data\n.word 1\naddi r1, r1, 1\n", 4, "outside a code section"},
    {"instruction_in_rodata", "nop\n.rodata\nhalt\n", 3, "outside a code section"},
    {"bad_register", "add r1, r2, r32\n", 1, "r32"},
    {"missing_operand", "nop\naddi r1, r1\n", 2, "','"},
    {"backward_reference_without_label", "nop\nj 1b\n", 2, "1b"},
    {"unterminated_string", "nop\n.data\n.asciz \"abc\n", 3, "unterminated"},
    {"unknown_section_without_flags", "nop\n.section .weird\n", 2, ".weird"},
};

INSTANTIATE_TEST_SUITE_P(Cases, AsmError, testing::ValuesIn(kErrors),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AsmErrors, EveryErrorInAPassIsReportedNotJustTheFirst) {
  const auto encode = errors_of({{"e.s", "addi r1, r1, 2048\nnop\nori r1, r1, 4096\n"}});
  EXPECT_TRUE(has_error(encode, "e.s", 1, "2048"));
  EXPECT_TRUE(has_error(encode, "e.s", 3, "4096"));
  const auto parse = errors_of({{"p.s", "frob\nnop\n.frob\n"}});
  EXPECT_TRUE(has_error(parse, "p.s", 1, "frob"));
  EXPECT_TRUE(has_error(parse, "p.s", 3, ".frob"));
}

// Found by fuzzing (issue 8): each once crashed s32as (stack overflow) or
// was silently accepted.
TEST(AsmErrors, DeepExpressionsAreRefusedAtTheirLineNotACrash) {
  const std::string minus = "_start: halt\n.word " + std::string(50000, '-') + "1\n";
  EXPECT_TRUE(has_error(errors_of({{"m.s", minus}}), "m.s", 2, "expression nests too deeply"));
  const std::string parens = "_start: halt\n\n.word " + std::string(100000, '(') + "1" + std::string(100000, ')') + "\n";
  EXPECT_TRUE(has_error(errors_of({{"p.s", parens}}), "p.s", 3, "expression nests too deeply"));
  std::string chain = "_start: halt\n.word 1";
  for (int i = 0; i < 100000; ++i) chain += "+1";
  EXPECT_TRUE(has_error(errors_of({{"c.s", chain + "\n"}}), "c.s", 2, "expression nests too deeply"));
  // Ordinary nesting is untouched.
  EXPECT_EQ(image_of("_start: halt\n.data\nx: .word ((((-(-(1 + 2) * 3)))))\n").segments.size() > 0, true);
}

TEST(AsmErrors, EscapesAboveAByteAreRefusedAtTheirLine) {
  EXPECT_TRUE(has_error(errors_of({{"o.s", "_start: halt\n.data\n.asciz \"\\777\"\n"}}), "o.s", 3, "\\777"));
  EXPECT_TRUE(has_error(errors_of({{"x.s", "_start: halt\n.data\n.asciz \"\\x1ff\"\n"}}), "x.s", 3, "0xff"));
  EXPECT_TRUE(
      has_error(errors_of({{"w.s", "_start: halt\n.data\n.ascii \"\\x1000000ff\"\n"}}), "w.s", 3, "0xff"));
  const isa::Image ok = image_of("_start: halt\n.data\nx: .ascii \"\\377\\xff\\101\"\n");
  const auto* sym = ok.find_symbol("x");
  ASSERT_NE(sym, nullptr);
}

TEST(AsmErrors, HaltYieldAndNopTakeOnlyZeroOperands) {
  EXPECT_TRUE(has_error(errors_of({{"h.s", "_start: nop\n  halt r3, r4\n"}}), "h.s", 2, "'halt' takes no operands"));
  EXPECT_TRUE(has_error(errors_of({{"y.s", "_start: yield 5\n"}}), "y.s", 1, "'yield' takes no operands"));
  EXPECT_TRUE(has_error(errors_of({{"n.s", "_start: nop r1\n halt\n"}}), "n.s", 1, "'nop' takes no operands"));
  EXPECT_NO_THROW(as::assemble("_start: yield zero, r0, 0\n nop r0\n halt r0, r0, 0\n"));
}

TEST(AsmErrors, MissingStartWarnsThatTheEntryIsTheStartOfText) {
  as::Assembler a;
  a.add_source("m.s", "main: nop\n  halt\n");
  a.link();
  ASSERT_EQ(a.diagnostics().size(), 1u);
  EXPECT_TRUE(a.diagnostics()[0].warning);
  EXPECT_NE(a.diagnostics()[0].message.find("no '_start' symbol"), std::string::npos);
  as::Assembler b;
  b.add_source("s.s", "_start: halt\n");
  b.link();
  EXPECT_TRUE(b.diagnostics().empty());
}

TEST(AsmErrors, GlobalDefinedInTwoFilesNamesTheSecondDefinition) {
  const auto diags = errors_of({{"a.s", ".globl f\nf: nop\n"}, {"b.s", ".globl f\nnop\nf: nop\n"}});
  EXPECT_TRUE(has_error(diags, "b.s", 3, "'f'"));
}

TEST(AsmErrors, UndefinedSymbolNamesTheReferencingFile) {
  const auto diags = errors_of({{"a.s", "nop\n"}, {"b.s", "nop\ncall missing\n"}});
  EXPECT_TRUE(has_error(diags, "b.s", 2, "missing"));
}

TEST(AsmErrors, SymbolsWithoutGloblAreNotVisibleToOtherFiles) {
  const auto diags =
      errors_of({{"a.s", "helper: ret\n.local lbuf\n.comm lbuf,4,4\n"}, {"b.s", "call helper\nla r1, lbuf\n"}});
  EXPECT_TRUE(has_error(diags, "b.s", 1, "helper"));
  EXPECT_TRUE(has_error(diags, "b.s", 2, "lbuf"));
}

// The CLI binary: a located error on stderr, a failing exit status and no
// output file that a build could mistake for a result.
class AsmCli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("s32as_test_" + std::to_string(::getpid()) + "_" +
                                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // Runs s32as; returns its exit status, or -1 when it did not exit normally.
  int run(const std::string& args, std::string& err) {
    const std::string err_path = (dir_ / "stderr.txt").string();
    const int status = std::system((std::string(S32_AS_PATH) + " " + args + " 2>'" + err_path + "'").c_str());
    err = slurp(err_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::filesystem::path dir_;
};

TEST_F(AsmCli, BadSourceFailsWithLocatedErrorAndLeavesNoOutput) {
  const std::string src = write("bad.s", "_start:\n  nop\n  addi r1, r1, 5000\n  halt\n");
  const std::string out = (dir_ / "bad.s32x").string();
  std::string err;
  EXPECT_NE(run("-o '" + out + "' '" + src + "'", err), 0);
  EXPECT_NE(err.find(src + ":3: error:"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(AsmCli, GoodSourcesLinkToTheSameBytesAsTheLibrary) {
  const std::string a = write("a.s", ".globl _start\n_start: call f\n  halt\n");
  const std::string b = write("b.s", ".globl f\nf: li r1, 7\n  ret\n");
  const std::string out = (dir_ / "ok.s32x").string();
  std::string err;
  ASSERT_EQ(run("--mmio -o '" + out + "' '" + a + "' '" + b + "'", err), 0) << err;
  as::Options options;
  options.mmio = true;
  as::Assembler lib(options);
  lib.add_source(a, slurp(a));
  lib.add_source(b, slurp(b));
  const Bytes want = lib.link();
  const std::string got = slurp(out);
  EXPECT_EQ(Bytes(got.begin(), got.end()), want);
}

// ---- 5. layout ---------------------------------------------------------------

constexpr const char* kLayoutProgram = R"(
        .text
        .globl _start
_start: la r1, msg
        la r2, counter
        la r3, buf
        halt
        .section .rodata
msg:    .asciz "hello"
        .data
counter: .word 1, 2, 3
        .bss
        .p2align 3
buf:    .zero 100
)";

TEST(AsmLayout, RegionsFollowThePublicLinker) {
  as::Assembler a;
  a.add_source("layout.s", kLayoutProgram);
  const Bytes file = a.link();
  const as::Layout& l = a.layout();
  // 28 bytes of code -> one page; 6 of rodata -> one page; data at 0x2000
  // (12 bytes), bss aligned to 8 right after it, 100 bytes long.
  EXPECT_EQ(hex(l.code_limit), hex(0x1000));
  EXPECT_EQ(hex(l.rodata_limit), hex(0x2000));
  EXPECT_EQ(hex(l.data_limit), hex(0x2010 + 100));
  EXPECT_EQ(hex(l.heap_base), hex(0x3000));
  EXPECT_EQ(hex(l.stack_base), hex(0x0FFFFFF0));
  EXPECT_EQ(hex(l.stack_end), hex(0x0FFFFFF0 - 0x10000));
  EXPECT_EQ(l.mmio_base, 0u);
  EXPECT_EQ(l.entry, 0u);

  EXPECT_EQ(le32(file, 0x00), 0x53333258u);
  EXPECT_EQ(file[4] | file[5] << 8, 1);
  EXPECT_EQ(file[6], 1);
  EXPECT_EQ(file[7], 0x32);
  EXPECT_EQ(le32(file, 0x08), 0u);
  EXPECT_EQ(hex(le32(file, 0x1C)), hex(0x01));
  EXPECT_EQ(hex(le32(file, 0x20)), hex(0x1000));
  EXPECT_EQ(hex(le32(file, 0x24)), hex(0x2000));
  EXPECT_EQ(hex(le32(file, 0x28)), hex(0x2074));
  EXPECT_EQ(hex(le32(file, 0x2C)), hex(0x0FFFFFF0));
  EXPECT_EQ(hex(le32(file, 0x30)), hex(0x10000000));
  EXPECT_EQ(hex(le32(file, 0x34)), hex(0x3000));
  EXPECT_EQ(hex(le32(file, 0x38)), hex(0x0FFEFFF0));
  EXPECT_EQ(le32(file, 0x3C), 0u);

  // The addresses are also what the code computes.
  EXPECT_EQ(text_words(file), (Words{enc_u(kLui, 1, 1), enc_i(kAddi, 1, 1, 0), enc_u(kLui, 2, 2), enc_i(kAddi, 2, 2, 0),
                                     enc_u(kLui, 3, 2), enc_i(kAddi, 3, 3, 0x10), kHalt}));
}

TEST(AsmLayout, FileLayoutAndSectionTable) {
  const Bytes file = as::assemble(kLayoutProgram);
  const std::uint32_t n = le32(file, 0x0C), str_offset = le32(file, 0x14), str_size = le32(file, 0x18);
  EXPECT_EQ(le32(file, 0x10), 0x40u);
  EXPECT_EQ(str_offset, 0x40 + n * 28);
  ASSERT_LT(str_offset, file.size());
  EXPECT_EQ(file[str_offset], 0) << "the section-name table starts with NUL";

  const auto secs = sections_of(file);
  std::vector<std::string> names;
  for (const auto& s : secs) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{".text", ".rodata", ".data", ".bss", ".symtab", ".strtab"}));
  ASSERT_EQ(secs.size(), 6u);
  const std::uint32_t types[] = {0x01, 0x04, 0x02, 0x03, 0x21, 0x22};
  const std::uint32_t flags[] = {0x0D, 0x0C, 0x0E, 0x0E, 0, 0};
  const std::uint32_t vaddrs[] = {0, 0x1000, 0x2000, 0x2010, 0, 0};
  const std::uint32_t mem_sizes[] = {28, 6, 12, 100, 0, 0};
  for (std::size_t i = 0; i < secs.size(); ++i) {
    SCOPED_TRACE(secs[i].name);
    EXPECT_EQ(hex(secs[i].type), hex(types[i]));
    EXPECT_EQ(hex(secs[i].flags), hex(flags[i]));
    EXPECT_EQ(hex(secs[i].vaddr), hex(vaddrs[i]));
    EXPECT_EQ(secs[i].mem_size, mem_sizes[i]);
  }
  EXPECT_EQ(secs[3].size, 0u) << "bss has no file bytes";

  // Section data: padded to 16 after the names, each 4-aligned, in order,
  // inside the file; the symbol tables come last.
  const std::uint32_t expected_first = (str_offset + str_size + 15) / 16 * 16;
  std::uint32_t previous_end = 0;
  for (const auto& s : secs) {
    if (s.size == 0) continue;
    SCOPED_TRACE(s.name);
    EXPECT_EQ(s.offset % 4, 0u);
    if (previous_end == 0) {
      EXPECT_EQ(s.offset, expected_first);
    }
    EXPECT_GE(s.offset, previous_end);
    EXPECT_LE(std::uint64_t{s.offset} + s.size, file.size());
    previous_end = s.offset + s.size;
  }
  EXPECT_EQ(previous_end, file.size());
  EXPECT_EQ(secs[4].size % 16, 0u);
  EXPECT_EQ(file[secs[5].offset], 0) << "the symbol string table starts with NUL";
  EXPECT_EQ(section_bytes(file, ".rodata"), (Bytes{'h', 'e', 'l', 'l', 'o', 0}));
}

TEST(AsmLayout, SymbolsCarryTheirAddressesAndBindings) {
  const isa::Image img = image_of(kLayoutProgram);
  const std::tuple<const char*, std::uint32_t, std::uint8_t> want[] = {
      {"_start", 0, 1}, {"msg", 0x1000, 0}, {"counter", 0x2000, 0}, {"buf", 0x2010, 0}};
  for (const auto& [name, value, binding] : want) {
    const isa::Symbol* s = img.find_symbol(name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_EQ(hex(s->value), hex(value)) << name;
    EXPECT_EQ(s->binding, binding) << name;
    EXPECT_FALSE(s->absolute) << name;
  }
  const isa::Symbol* heap = img.find_symbol("__heap_start");
  ASSERT_NE(heap, nullptr);
  EXPECT_TRUE(heap->absolute);
}

TEST(AsmLayout, WithoutRodataDataFollowsCodeAndLargeCodeRoundsUp) {
  as::Assembler a;
  a.add_source("big.s", ".zero 4100\nhalt\n.data\n.word 1\n");
  a.link();
  EXPECT_EQ(hex(a.layout().code_limit), hex(0x2000));
  EXPECT_EQ(hex(a.layout().rodata_limit), hex(0x2000));
  EXPECT_EQ(hex(a.layout().data_limit), hex(0x2004));
  EXPECT_EQ(hex(a.layout().heap_base), hex(0x3000));
}

TEST(AsmLayout, CodeOnlyProgramHasEmptyDataRegions) {
  as::Assembler a;
  a.add_source("tiny.s", "halt\n");
  const Bytes file = a.link();
  EXPECT_EQ(hex(a.layout().code_limit), hex(0x1000));
  EXPECT_EQ(hex(a.layout().rodata_limit), hex(0x1000));
  EXPECT_EQ(hex(a.layout().data_limit), hex(0x1000));
  // The loader never maps the heap below 0x3000 (s32x.md), so neither does s32as.
  EXPECT_EQ(hex(a.layout().heap_base), hex(0x3000));
  EXPECT_EQ(find_section(sections_of(file), ".data"), nullptr);
  EXPECT_EQ(find_section(sections_of(file), ".bss"), nullptr);
}

TEST(AsmLayout, MmioWindowFollowsTheHeap) {
  as::Options options;
  options.mmio = true;
  as::Assembler a(options);
  a.add_source("mmio.s", kLayoutProgram);
  const Bytes file = a.link();
  // heap_base 0x3000 + 1 MiB default heap, rounded to 4 KiB.
  EXPECT_EQ(hex(a.layout().mmio_base), hex(0x103000));
  EXPECT_EQ(hex(le32(file, 0x3C)), hex(0x103000));
  EXPECT_EQ(hex(le32(file, 0x1C)), hex(0x81));
  const isa::Image img = isa::load_s32x(file);
  ASSERT_TRUE(img.mmio_base.has_value());
  EXPECT_EQ(hex(*img.mmio_base), hex(0x103000));
  ASSERT_NE(img.find_symbol("__mmio_base"), nullptr);
  ASSERT_NE(img.find_symbol("__mmio_end"), nullptr);
  EXPECT_EQ(hex(img.find_symbol("__mmio_base")->value), hex(0x103000));
  EXPECT_EQ(hex(img.find_symbol("__mmio_end")->value), hex(0x113000));

  options.heap_size = 0x1234;
  as::Assembler small(options);
  small.add_source("mmio.s", kLayoutProgram);
  small.link();
  EXPECT_EQ(hex(small.layout().mmio_base), hex(0x5000));
}

TEST(AsmLayout, NoMmioSymbolsWithoutTheWindow) {
  const isa::Image img = image_of(kLayoutProgram);
  EXPECT_EQ(img.find_symbol("__mmio_base"), nullptr);
  EXPECT_FALSE(img.mmio_base.has_value());
  const auto diags = errors_of({{"m.s", "la r1, __mmio_base\n"}});
  EXPECT_TRUE(has_error(diags, "m.s", 1, "__mmio_base"));
}

TEST(AsmLayout, OptionsSetStackSizeAndWxorX) {
  as::Options options;
  options.stack_size = 0x4000;
  options.wxorx = false;
  const Bytes file = as::assemble("halt\n", options);
  EXPECT_EQ(hex(le32(file, 0x38)), hex(0x0FFFFFF0 - 0x4000));
  EXPECT_EQ(le32(file, 0x1C), 0u);
}

TEST(AsmLayout, StripLeavesOutTheSymbolTables) {
  as::Options options;
  options.strip = true;
  const Bytes file = as::assemble(kLayoutProgram, options);
  EXPECT_EQ(find_section(sections_of(file), ".symtab"), nullptr);
  EXPECT_EQ(find_section(sections_of(file), ".strtab"), nullptr);
  EXPECT_EQ(text_words(file), text_words(as::assemble(kLayoutProgram)));
}

TEST(AsmLayout, LinkerSymbolsResolveInCodeAndData) {
  as::Options options;
  options.mmio = true;
  const std::string src = R"(
        .globl _start
_start: la r1, __bss_start
        la r2, __bss_end
        la r3, _end
        la r4, __heap_start
        la r5, __stack_top
        la r6, __mmio_base
        lui r7, %hi(pair)
        ldw r8, r7+%lo(pair)
        ldw r9, r7+%lo(pair+4)
        halt
        .data
pair:   .word __heap_start, _end
        .bss
        .zero 40
)";
  const isa::Image img = isa::load_s32x(as::assemble(src, options));
  s32::test::BareMachine m(img);
  const auto run = m.run(10000);
  ASSERT_EQ(run.stop, isa::StopReason::Halt);
  auto& core = m.core();
  // data: 8 bytes at 0x1000; bss 40 bytes right after.
  EXPECT_EQ(hex(core.reg(1)), hex(0x1008));
  EXPECT_EQ(hex(core.reg(2)), hex(0x1030));
  EXPECT_EQ(hex(core.reg(3)), hex(0x1030));
  EXPECT_EQ(hex(core.reg(4)), hex(0x3000));  // heap: page-rounded, never below 0x3000
  EXPECT_EQ(hex(core.reg(5)), hex(0x0FFFFFF0));
  EXPECT_EQ(hex(core.reg(6)), hex(0x103000));
  EXPECT_EQ(hex(core.reg(8)), hex(0x3000));
  EXPECT_EQ(hex(core.reg(9)), hex(0x1030));
}

TEST(AsmLayout, EntryIsStartEvenWhenNotFirstElseTheStartOfText) {
  const isa::Image with = image_of("helper: nop\n  ret\n  .globl _start\n_start: halt\n");
  EXPECT_EQ(with.entry, 8u);
  const isa::Image local = image_of("helper: nop\n_start: halt\n");
  EXPECT_EQ(local.entry, 4u);
  const isa::Image without = image_of("main: nop\n  halt\n");
  EXPECT_EQ(without.entry, 0u);
}

// ---- multi-file and whole programs ------------------------------------------

TEST(AsmMultiFile, CallsAcrossFilesWhileSameNamedLocalsStayApart) {
  // b.s comes first, so _start is not at address 0.
  as::Assembler a;
  a.add_source("b.s", R"(
        .text
        .globl greet
greet:  j helper
helper: addi r4, zero, 66      # 'B'
1:      debug r4
.Ldone: ret
)");
  a.add_source("a.s", R"(
        .text
        .globl _start
_start: call greet
        jal helper
        halt
helper: addi r4, zero, 65      # 'A'
1:      debug r4
.Ldone: ret
)");
  const Bytes file = a.link();
  const isa::Image img = isa::load_s32x(file);
  ASSERT_NE(img.find_symbol("_start"), nullptr);
  EXPECT_EQ(hex(img.entry), hex(img.find_symbol("_start")->value));
  EXPECT_EQ(hex(img.entry), hex(16));
  EXPECT_EQ(hex(img.find_symbol("greet")->value), hex(0));
  std::vector<std::uint32_t> helpers;
  for (const isa::Symbol& s : img.symbols)
    if (s.name == "helper") helpers.push_back(s.value);
  EXPECT_EQ(helpers, (std::vector<std::uint32_t>{4, 28}));

  s32::test::BareMachine m(img);
  const auto run = m.run(10000);
  EXPECT_EQ(run.stop, isa::StopReason::Halt);
  EXPECT_EQ(run.output, "BA");
}

// Shaped like clang's output for the C below (debug() standing for the DEBUG
// instruction), with a _start placed after main:
//   int count = 3; int total;
//   void put(const char *s) { while (*s) debug(*s++); }
//   int main(void) { for (int i = 0; i < count; i++) { total += i; put("Hi\n"); }
//                    debug('0' + total); debug('\n'); return 0; }
constexpr const char* kCompilerStyleProgram = R"asm(	.text
	.file	"greet.c"
	.globl	put                             # -- Begin function put
	.p2align	2
	.type	put,@function
put:                                    # @put
# %bb.0:                                # %entry
	addi sp, sp, -8
	stw sp+4, fp
	addi fp, sp, 8
	ldbu r2, r3+0
	beq r2, zero, .LBB0_3
.LBB0_1:                                # %while.body
                                        # =>This Inner Loop Header: Depth=1
	debug r2
	addi r3, r3, 1
	ldbu r2, r3+0
	bne r2, zero, .LBB0_1
.LBB0_3:                                # %while.end
	ldw fp, sp+4
	addi sp, sp, 8
	ret
.Lfunc_end0:
	.size	put, .Lfunc_end0-put
                                        # -- End function
	.globl	main                            # -- Begin function main
	.p2align	2
	.type	main,@function
main:                                   # @main
# %bb.0:                                # %entry
	addi sp, sp, -16
	stw sp+12, lr
	stw sp+8, fp
	addi fp, sp, 16
	stw fp+-12, s0
	addi s0, zero, 0
	lui r2, %hi(count)
	ldw r2, r2+%lo(count)
	bge s0, r2, .LBB1_3
.LBB1_1:                                # %for.body
	lui r2, %hi(total)
	ldw r4, r2+%lo(total)
	add r4, r4, s0
	stw r2+%lo(total), r4
	lui r3, %hi(.L.str)
	addi r3, r3, %lo(.L.str)
	jal put
	addi s0, s0, 1
	lui r2, %hi(count)
	ldw r2, r2+%lo(count)
	blt s0, r2, .LBB1_1
.LBB1_3:                                # %for.end
	lui r2, %hi(total)
	ldw r2, r2+%lo(total)
	addi r2, r2, 48
	debug r2
	addi r2, zero, 10
	debug r2
	addi rv, zero, 0
	ldw s0, fp+-12
	ldw fp, sp+8
	ldw lr, sp+12
	addi sp, sp, 16
	ret
.Lfunc_end1:
	.size	main, .Lfunc_end1-main
                                        # -- End function
	.globl	_start
	.p2align	2
	.type	_start,@function
_start:
	call main
	halt
.Lfunc_end2:
	.size	_start, .Lfunc_end2-_start

	.type	count,@object                   # @count
	.data
	.globl	count
	.p2align	2, 0x0
count:
	.word	3                               # 0x3
	.size	count, 4

	.type	.L.str,@object                  # @.str
	.section	.rodata.str1.1,"aMS",@progbits,1
.L.str:
	.asciz	"Hi\n"
	.size	.L.str, 4

	.type	total,@object                   # @total
	.comm	total,4,4
	.ident	"clang version 19.1.0 (slow32)"
	.section	".note.GNU-stack","",@progbits
	.addrsig
	.addrsig_sym put
)asm";

TEST(AsmProgram, CompilerStyleOutputRunsAndPrints) {
  const isa::Image img = image_of(kCompilerStyleProgram);
  ASSERT_NE(img.find_symbol("_start"), nullptr);
  EXPECT_NE(img.entry, 0u);
  EXPECT_EQ(img.entry, img.find_symbol("_start")->value);
  s32::test::BareMachine m(img);
  const auto run = m.run(100000);
  EXPECT_EQ(run.stop, isa::StopReason::Halt) << isa::fault_kind_name(run.fault.kind) << " at pc " << hex(run.fault.pc);
  EXPECT_EQ(run.output, "Hi\nHi\nHi\n3\n");
  EXPECT_EQ(run.r1, 0u);
  // The global stays in .data, the string in rodata, the common in bss.
  EXPECT_EQ(img.find_symbol("count")->value, img.rodata_limit);
  EXPECT_GE(img.find_symbol("total")->value, img.rodata_limit + 4);
}

TEST(AsmProgram, SymbolisedListingOfAWholeProgramReassemblesToTheSameCode) {
  const Bytes file = as::assemble(kCompilerStyleProgram);
  const isa::Image img = isa::load_s32x(file);
  const Words words = text_words(file);
  std::string listing;
  for (std::size_t i = 0; i < words.size(); ++i)
    listing += isa::disassemble(words[i], static_cast<std::uint32_t>(4 * i), &img) + "\n";
  EXPECT_EQ(text_words(as::assemble(listing)), words) << listing;
}

}  // namespace

TEST(AsmErrors, F64OperandInAnOddRegisterIsRejectedAtItsLine) {
  try {
    as::assemble(".text\n_start: fadd.d r2, r4, r6\n fcvt.d.w r3, r4\n halt\n");
    FAIL() << "odd f64 destination accepted";
  } catch (const as::AssemblyError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].line, 3);
    EXPECT_NE(e.diagnostics()[0].message.find("even register"), std::string::npos);
  }
}

// The public interpreter's own load checks (its s32x_loader): what our files
// must pass for it to run them too.
TEST(AsmLayout, OutputPassesThePublicInterpretersLoadChecks) {
  const std::string src = R"(
        .text
        .globl _start
_start: la r3, table
        halt
        .section .rodata
table:  .word 1, 2, 3
        .data
value:  .word 7
        .bss
buf:    .zero 5000
)";
  for (const bool mmio : {false, true}) {
    as::Options options;
    options.mmio = mmio;
    const Bytes f = as::assemble(src, options);
    SCOPED_TRACE(mmio ? "with --mmio" : "without --mmio");
    EXPECT_EQ(le32(f, 0x00), 0x53333258u);
    EXPECT_EQ(f[4] | f[5] << 8, 1);  // version
    EXPECT_EQ(f[7], 0x32);           // machine
    const std::uint32_t entry = le32(f, 0x08), flags = le32(f, 0x1C), code_limit = le32(f, 0x20),
                        rodata_limit = le32(f, 0x24), data_limit = le32(f, 0x28), stack_base = le32(f, 0x2C),
                        mem_size = le32(f, 0x30), stack_end = le32(f, 0x38), mmio_base = le32(f, 0x3C);
    EXPECT_EQ(flags & ~0x81u, 0u) << "only W^X and MMIO flags";
    EXPECT_LE(code_limit, 0x100000u);
    EXPECT_LT(entry, code_limit);
    EXPECT_LE(mem_size, 0x10000000u);
    EXPECT_LE(data_limit, 0x10000000u);
    EXPECT_LE(stack_base, 0x10000000u);
    if (mmio) {
      EXPECT_LE(std::uint64_t{mmio_base} + 0x10000, stack_end);
    }
    for (const RawSection& s : sections_of(f)) {
      if (s.mem_size == 0) continue;
      EXPECT_LT(s.vaddr, mem_size) << s.name;
      // Every loaded byte lies in code, rodata or data (where it writes them).
      const std::uint64_t end = std::uint64_t{s.vaddr} + s.mem_size;
      const bool in_code = end <= code_limit;
      const bool in_rodata = s.vaddr >= code_limit && end <= rodata_limit;
      const bool in_data = s.vaddr >= rodata_limit && end <= data_limit;
      EXPECT_TRUE(in_code || in_rodata || in_data) << s.name;
    }
  }
}
