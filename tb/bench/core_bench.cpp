// Microbenchmarks of the ISA core alone (no SystemC): instructions per
// second on real programs, and decode throughput. Compared with s32sim's
// fast-mode MIPS they show what the platform around the core costs.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "assembler.hpp"
#include "bare_machine.hpp"
#include "isa/image.hpp"
#include "isa/instruction.hpp"

namespace {

void run_program(benchmark::State& state, const char* name) {
  const s32::isa::Image image = s32::isa::load_s32x_file(std::string(S32_SW_BINARY_DIR) + "/examples/" + name);
  std::uint64_t instructions = 0;
  for (auto _ : state) {
    s32::test::BareMachine machine(image);
    const s32::test::BareRun run = machine.run();
    if (run.stop != s32::isa::StopReason::Halt) state.SkipWithError("program did not halt");
    instructions += run.instret;
  }
  state.counters["MIPS"] = benchmark::Counter(static_cast<double>(instructions) / 1e6, benchmark::Counter::kIsRate);
}

// The inner loop of sw/bench/compute.s (xorshift rounds with a MUL and a
// DIV each), 2000 rounds, ending in HALT: the same work s32sim's fast-mode
// figure in scripts/bench.sh measures, without the platform around it.
void compute_loop(benchmark::State& state, s32::test::BareMachine::Engine engine) {
  const s32::isa::Image image = s32::isa::load_s32x(s32::as::assemble(R"(
        .text
        .globl  _start
_start: li      r11, 2000
        li      r12, 0
        li      r13, 0
        li      r14, -1831433054
        li      r16, 1024
        li      r17, 31
1:      bgeu    r12, r11, 3f
        li      r15, 0
2:      slli    r5, r14, 13
        xor     r14, r14, r5
        srli    r5, r14, 17
        xor     r14, r14, r5
        slli    r5, r14, 5
        xor     r14, r14, r5
        add     r5, r14, r15
        add     r13, r13, r5
        addi    r15, r15, 1
        bne     r15, r16, 2b
        mul     r13, r13, r17
        andi    r5, r12, 255
        addi    r5, r5, 1
        div     r5, r14, r5
        add     r13, r13, r5
        addi    r12, r12, 1
        j       1b
3:      mv      r1, r13
        halt
)"));
  std::uint64_t instructions = 0;
  for (auto _ : state) {
    s32::test::BareMachine machine(image);
    const s32::test::BareRun run = machine.run(20'000'000'000ull, engine);
    if (run.stop != s32::isa::StopReason::Halt) state.SkipWithError("program did not halt");
    instructions += run.instret;
  }
  state.counters["MIPS"] = benchmark::Counter(static_cast<double>(instructions) / 1e6, benchmark::Counter::kIsRate);
}

void BM_CoreComputeLoop(benchmark::State& state) { compute_loop(state, s32::test::BareMachine::Engine::Interp); }
BENCHMARK(BM_CoreComputeLoop)->Unit(benchmark::kMillisecond);

#ifdef S32_HAVE_JIT
// The same loop translated (models/isa/jit), start-up of the engine included.
void BM_JitComputeLoop(benchmark::State& state) { compute_loop(state, s32::test::BareMachine::Engine::Jit); }
BENCHMARK(BM_JitComputeLoop)->Unit(benchmark::kMillisecond);
#endif

void BM_CoreFib(benchmark::State& state) { run_program(state, "fib.s32x"); }
BENCHMARK(BM_CoreFib)->Unit(benchmark::kMillisecond);

void BM_CoreMulDivFp(benchmark::State& state) { run_program(state, "fp.s32x"); }
BENCHMARK(BM_CoreMulDivFp)->Unit(benchmark::kMicrosecond);

void BM_Decode(benchmark::State& state) {
  std::vector<std::uint32_t> words(4096);
  std::uint32_t x = 12345;
  for (auto& w : words) w = (x = x * 1103515245u + 12345u);
  for (auto _ : state) {
    for (std::uint32_t w : words) benchmark::DoNotOptimize(s32::isa::decode(w));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(words.size()));
}
BENCHMARK(BM_Decode);

}  // namespace

BENCHMARK_MAIN();
