// A translating engine for the ISA core (x86-64 hosts, asmjit): basic
// blocks of integer, memory and control instructions become host code on
// first execution; everything else, and every block that could reach the
// cycle limit, runs in the core's interpreter one instruction at a time, so
// stops, faults, slow accesses and counts stay the interpreter's exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "isa/core.hpp"

namespace s32::isa::jit {

class JitEngine {
 public:
  explicit JitEngine(Core& core);
  ~JitEngine();
  JitEngine(const JitEngine&) = delete;
  JitEngine& operator=(const JitEngine&) = delete;

  // Same contract as Core::run.
  StopReason run(std::uint64_t cycle_limit);
  // Instructions retired by translated code (the rest were interpreted).
  std::uint64_t translated_instructions() const { return translated_; }

  struct Block;

 private:
  StopReason dispatch(std::uint64_t cycle_limit);
  // Adds the opcodes of the whole block runs counted since the last time.
  void settle_counts();
  std::unique_ptr<Block> translate(std::uint32_t pc);
  void flush();
  // Called from translated code: a load or store that hits a direct region
  // inline-checked the way the interpreter does. A miss (or a store into
  // code) returns failure and the block hands that instruction to the
  // interpreter.
  static std::uint64_t load(JitEngine* e, std::uint32_t addr, unsigned op);
  static std::uint32_t store(JitEngine* e, std::uint32_t addr, std::uint32_t value, unsigned size);

  Core& core_;
  struct Runtime;
  std::unique_ptr<Runtime> rt_;
  std::vector<std::unique_ptr<Block>> blocks_;  // by pc / 4; null until first run
  std::vector<Block*> counted_;                 // blocks with whole runs to settle
  std::vector<std::uint8_t> heat_;              // dispatches of each pc not yet translated
  std::uint64_t generation_ = ~std::uint64_t{0};
  unsigned regions_seen_ = ~0u;
  std::uint32_t max_latency_ = 0;
  std::uint32_t last_latency_ = 0;
  std::uint64_t translated_ = 0;  // of the last access a block made  // of any direct region: bounds a block's memory time
};

}  // namespace s32::isa::jit
