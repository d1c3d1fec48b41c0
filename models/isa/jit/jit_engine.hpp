// A translating engine for the ISA core (x86-64 hosts, asmjit): basic
// blocks of integer, memory and control instructions become host code
// (translator.hpp) once they have run a few times, and run chained to each
// other through an entry table indexed by pc / 4. Everything else runs in
// the core's interpreter (cold code up to its next jump; an instruction no
// block can do, and every block that could reach the cycle limit, one
// instruction at a time), so stops, faults, slow accesses and counts stay
// the interpreter's exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "isa/core.hpp"

namespace s32::isa::jit {

struct Block;
class Translator;

class JitEngine {
 public:
  // A code word is translated once the dispatcher has come to it
  // `hot_runs` times (1: at once); cold code is cheaper to interpret.
  static constexpr unsigned kHotRuns = 64;
  explicit JitEngine(Core& core, unsigned hot_runs = kHotRuns);
  ~JitEngine();
  JitEngine(const JitEngine&) = delete;
  JitEngine& operator=(const JitEngine&) = delete;

  // Same contract as Core::run.
  StopReason run(std::uint64_t cycle_limit);
  // Instructions retired by translated code (the rest were interpreted).
  std::uint64_t translated_instructions() const { return translated_; }

 private:
  StopReason dispatch(std::uint64_t cycle_limit);
  // Drops every translation when the code or the regions changed.
  void refresh();
  // Adds the opcodes of the whole block runs counted since the last time.
  void settle_counts();
  void flush();
  static void note_run(void* engine, Block* block);

  Core& core_;
  std::unique_ptr<Translator> translator_;
  std::vector<std::unique_ptr<Block>> blocks_;  // by pc / 4; null until translated
  // Translator::kTableHead exits, then the host entry of each code word:
  // its block, or the exit to the dispatcher.
  std::vector<const void*> table_;
  std::vector<Block*> counted_;    // blocks with whole runs to settle
  std::vector<std::uint8_t> heat_;  // dispatches of each pc not yet translated
  std::vector<std::uint32_t> translated_slots_, heated_slots_;  // where blocks_ and heat_ are in use
  std::uint64_t generation_ = ~std::uint64_t{0};
  unsigned regions_seen_ = ~0u;
  std::uint32_t max_latency_ = 0;  // of any direct region: bounds a block's memory time
  std::uint64_t translated_ = 0;
  unsigned hot_runs_;
};

}  // namespace s32::isa::jit
