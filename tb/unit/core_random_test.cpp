// Random instruction streams run three ways on the ISA core must end in the
// same state: one run() to the cycle limit, step() one instruction at a
// time with the predecoded code dropped before each, and run() cut into
// many short slices. The interpreter keeps its hot
// state in locals and writes it back at every stop; any state lost or
// stale across a stop, any slice that ends at a different instruction than
// step() would, shows up as a difference here. Programs mix every opcode
// form with loads and stores (some into the code they run, some outside
// memory), branches, indirect jumps, events and random words.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "isa/core.hpp"
#include "isa/instruction.hpp"
#include "isa/opcodes.hpp"
#ifdef S32_HAVE_JIT
#include "isa/jit/jit_engine.hpp"
#endif

namespace {

namespace isa = s32::isa;
using isa::Op;
using isa::StopReason;

constexpr std::uint32_t kMemBytes = 0x10000;
constexpr std::uint32_t kCodeBytes = 0x1000;  // code region (read, write, execute)
constexpr std::uint32_t kDataBase = 0x8000;   // data region (read, write)
constexpr std::uint32_t kDataBytes = 0x1000;
constexpr unsigned kDataReg = 20;  // holds the middle of the data region
constexpr unsigned kCodeReg = 21;  // holds 0: stores through it hit code
constexpr unsigned kProgramWords = 96;
constexpr std::uint64_t kCycleBudget = 4000;

std::vector<std::uint32_t> random_program(std::mt19937& rng) {
  std::vector<const isa::OpInfo*> ops;
  for (unsigned op = 0; op < isa::kNumOpcodeSlots; ++op)
    if (const isa::OpInfo* info = isa::op_info(static_cast<std::uint8_t>(op))) ops.push_back(info);
  const auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
  std::vector<std::uint32_t> words;
  for (unsigned i = 0; i < kProgramWords - 1; ++i) {
    if (pick(100) == 0) {  // a random word: mostly illegal opcodes or odd fields
      words.push_back(static_cast<std::uint32_t>(rng()));
      continue;
    }
    const isa::OpInfo& info = *ops[pick(static_cast<unsigned>(ops.size()))];
    const Op op = info.op;
    if (op == Op::HALT && pick(4) != 0) {  // keep programs running a while
      --i;
      continue;
    }
    unsigned rd = 1 + pick(19), rs1 = pick(22), rs2 = pick(22);
    if (info.cls == isa::OpClass::Fp && pick(30) != 0) {  // pair operands mostly valid
      rd &= ~1u;
      rs1 &= ~1u;
      rs2 &= ~1u;
    }
    if (op == Op::ASSERT_EQ && pick(8) != 0) rs2 = rs1;  // a failed assertion ends the run
    const isa::ImmRange range = isa::imm_range(info);
    std::int64_t imm = 0;
    if (range.max > range.min) {
      const std::int64_t span = range.max - range.min + 1;
      imm = range.min + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span));
    }
    switch (info.cls) {
      case isa::OpClass::Load:
      case isa::OpClass::Store:
        if (info.cls == isa::OpClass::Store && pick(4) == 0) {
          // Into a word just before this one: a loop runs it again.
          rs1 = kCodeReg;
          imm = 4 * (static_cast<std::int64_t>(i) - pick(8)) + pick(4);
        } else if (pick(30) != 0) {
          rs1 = pick(8) == 0 ? kCodeReg : kDataReg;
          imm = static_cast<std::int64_t>(pick(2 * 64)) * 4 - 256 + pick(4);
        }
        break;
      case isa::OpClass::Branch:
        imm = (static_cast<std::int64_t>(pick(33)) - 16) * 4 + (pick(16) == 0 ? 2 : 0);
        break;
      case isa::OpClass::Jump:
        if (op == Op::JAL) {
          imm = (static_cast<std::int64_t>(pick(33)) - 16) * 4;
        } else if (pick(8) != 0) {
          rs1 = 0;
          imm = static_cast<std::int64_t>(pick(kProgramWords)) * 4 + (pick(16) == 0 ? 1 : 0);
        }
        break;
      default: break;
    }
    if (imm < range.min || imm > range.max || imm % range.align != 0) imm = 0;
    words.push_back(isa::encode(info, rd, rs1, rs2, imm));
  }
  words.push_back(isa::encode(*isa::op_info(static_cast<std::uint8_t>(Op::HALT)), 0, 0, 0, 0));
  return words;
}

struct Machine {
  explicit Machine(const std::vector<std::uint32_t>& program) : mem(kMemBytes, 0) {
    std::memcpy(mem.data(), program.data(), program.size() * 4);
    for (std::uint32_t a = kDataBase; a < kDataBase + kDataBytes; a += 4) {
      const std::uint32_t v = a * 2654435761u;
      std::memcpy(&mem[a], &v, 4);
    }
    core.add_direct_region({0, kCodeBytes, mem.data(), isa::kPermRead | isa::kPermWrite | isa::kPermExec, 5});
    core.add_direct_region({kDataBase, kDataBytes, mem.data() + kDataBase, isa::kPermRead | isa::kPermWrite, 3});
    core.set_code_limit(static_cast<std::uint32_t>(program.size() * 4));
    core.reset(0, 0);
    core.set_reg(kDataReg, kDataBase + kDataBytes / 2);
  }

  // Notes an event and tells whether execution goes on after it.
  bool goes_on(StopReason r) {
    stops.push_back(r);
    if (r == StopReason::Debug) output.push_back(static_cast<char>(core.debug_byte()));
    return (r == StopReason::CycleLimit || r == StopReason::Yield || r == StopReason::Debug) &&
           core.cycles() < kCycleBudget;
  }

  std::vector<std::uint8_t> mem;
  isa::Core core;
  std::vector<StopReason> stops;
  std::string output;
};

void expect_same(const Machine& a, const Machine& b, const char* how, unsigned seed) {
  SCOPED_TRACE(std::string(how) + ", seed " + std::to_string(seed));
  for (unsigned r = 0; r < 32; ++r) EXPECT_EQ(a.core.reg(r), b.core.reg(r)) << "r" << r;
  EXPECT_EQ(a.core.pc(), b.core.pc());
  EXPECT_EQ(a.core.cycles(), b.core.cycles());
  EXPECT_EQ(a.core.instret(), b.core.instret());
  EXPECT_EQ(a.core.memory_cycles(), b.core.memory_cycles());
  EXPECT_EQ(a.core.insn_start_cycle(), b.core.insn_start_cycle());
  EXPECT_TRUE(a.core.opcode_counts() == b.core.opcode_counts());
  EXPECT_EQ(a.stops.back(), b.stops.back());
  EXPECT_EQ(a.output, b.output);
  const isa::Fault &fa = a.core.fault(), &fb = b.core.fault();
  EXPECT_EQ(fa.kind, fb.kind);
  EXPECT_EQ(fa.pc, fb.pc);
  EXPECT_EQ(fa.addr, fb.addr);
  EXPECT_EQ(fa.word, fb.word);
  EXPECT_EQ(fa.size, fb.size);
  EXPECT_TRUE(a.mem == b.mem) << "memory differs";
}

TEST(CoreRandom, RunStepAndSlicedRunsEndInTheSameState) {
  unsigned ran_far = 0;
  std::uint64_t translated = 0, executed = 0;
  for (unsigned seed = 1; seed <= 1000; ++seed) {
    std::mt19937 rng(seed);
    const std::vector<std::uint32_t> program = random_program(rng);

    Machine whole(program);
    while (whole.goes_on(whole.core.run(kCycleBudget))) {
    }
    // The reference decodes every instruction afresh, so predecoded words
    // a store made stale show up too.
    Machine stepped(program);
    bool go_on = true;
    while (go_on) {
      const std::uint64_t before = stepped.core.cycles();
      stepped.core.invalidate_code();
      const StopReason r = stepped.core.step();
      go_on = stepped.goes_on(r);
      // An instruction that could not be fetched never started.
      if (r != StopReason::Fault || stepped.core.fault().kind != isa::FaultKind::Fetch) {
        ASSERT_EQ(stepped.core.insn_start_cycle(), before) << "seed " << seed;
      }
    }
    // Each slice ends after the first instruction that reaches its limit.
    Machine sliced(program);
    go_on = true;
    while (go_on) {
      const std::uint64_t limit = std::min<std::uint64_t>(kCycleBudget, sliced.core.cycles() + 1 + rng() % 40);
      const StopReason r = sliced.core.run(limit);
      if (r == StopReason::CycleLimit) {
        ASSERT_GE(sliced.core.cycles(), limit) << "seed " << seed;
        ASSERT_LT(sliced.core.insn_start_cycle(), limit) << "seed " << seed;
      }
      go_on = sliced.goes_on(r);
    }
#ifdef S32_HAVE_JIT
    // The translating engine, to the limit at once translating everything
    // it meets, and in slices translating only what turns hot.
    Machine jit_whole(program);
    {
      isa::jit::JitEngine engine(jit_whole.core, 1);
      while (jit_whole.goes_on(engine.run(kCycleBudget))) {
      }
      translated += engine.translated_instructions();
      executed += jit_whole.core.instret();
    }
    Machine jit_sliced(program);
    {
      isa::jit::JitEngine engine(jit_sliced.core);
      go_on = true;
      while (go_on) {
        const std::uint64_t limit =
            std::min<std::uint64_t>(kCycleBudget, jit_sliced.core.cycles() + 1 + rng() % 40);
        const StopReason r = engine.run(limit);
        if (r == StopReason::CycleLimit) {
          ASSERT_GE(jit_sliced.core.cycles(), limit) << "seed " << seed;
          ASSERT_LT(jit_sliced.core.insn_start_cycle(), limit) << "seed " << seed;
        }
        go_on = jit_sliced.goes_on(r);
      }
    }
    expect_same(whole, jit_whole, "run vs jit", seed);
    expect_same(whole, jit_sliced, "run vs sliced jit", seed);
#endif
    // step() reports every instruction as a CycleLimit stop; only the last
    // stop and the events compare across the three.
    expect_same(whole, stepped, "run vs step", seed);
    expect_same(whole, sliced, "run vs sliced run", seed);
    if (whole.core.instret() >= 20) ++ran_far;
    if (HasFailure()) return;
  }
  // Programs that fault at once would test little.
  EXPECT_GE(ran_far, 400u);
#ifdef S32_HAVE_JIT
  // Most of the work must really run translated.
  EXPECT_GE(translated * 2, executed) << translated << " of " << executed;
#endif
}

}  // namespace
