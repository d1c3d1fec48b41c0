// Turns a basic block of SLOW-32 code into x86-64 host code (asmjit), and
// owns the trampoline every chain of blocks runs inside.
//
// Translated code keeps the core's hot state in host registers for as long
// as it runs: r13 points at the core (and its guest registers), r14 at the
// entry table (one host entry point per code word, the exits before it),
// r15 is the cycle count, rbp the memory cycles, r12 the retired
// instructions and rbx the start cycle of the last instruction. A block ends by jumping through the entry table to the next
// block, so direct branches, returns and the indirect jumps of threaded code
// all stay in translated code; a pc without a translation lands on an exit,
// which writes the state back and returns to the engine's dispatcher.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <vector>

#include "isa/core.hpp"

namespace s32::isa::jit {

struct Block {
  const void* code = nullptr;  // null: the first instruction is not translatable
  std::uint32_t pc = 0;
  std::uint32_t insns = 0;
  // Cycles the block can take at most (its cost table entries plus every
  // access at the slowest region): it is entered only when that fits
  // before the cycle limit, so a limit is always reached in the interpreter.
  std::uint64_t bound = 0;
  // Minus the whole runs not yet added to the opcode counts: translated code
  // subtracts one per run and learns from the borrow that this is the first
  // since the counts were settled.
  std::uint64_t pending = 0;
  std::vector<std::uint8_t> ops;        // opcode of each instruction
  std::vector<std::uint64_t> cost_to;   // cost table cycles of the first k instructions, k = 0..insns
};

// What an exit tells the dispatcher.
enum class Exit : std::uint32_t {
  Lookup = 0,     // find (or make) the block at the core's pc
  Interpret = 1,  // the instruction at pc needs the interpreter (a slow access)
};

class Translator {
 public:
  // Called by a block's first run after the counts were settled.
  using NoteRun = void (*)(void* arg, Block* block);

  Translator(Core& core, NoteRun note, void* note_arg);
  ~Translator();
  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;

  // Runs translated code from `code` until an exit; the state is back in
  // the core when it returns. `table` is the entry table (see table_base).
  Exit enter(const void* code, const void* const* table) const {
    return static_cast<Exit>(enter_(code, &core_, table));
  }
  // Entries before slot 0 of the table, which blocks reach through r14:
  // the region search of a memory access, the exit that leaves an access to
  // the interpreter and the exit to the dispatcher (also the entry of every
  // code word without a translation).
  static constexpr std::size_t kTableHead = 3;
  const void* const* table_head() const { return head_; }
  const void* exit_lookup() const { return head_[2]; }

  // Translates the block at `pc` into `b` (b.code stays null when its first
  // instruction cannot be translated). `slots` is the table's size, every
  // region's latency at most `max_latency`.
  void translate(std::uint32_t pc, Block& b, std::size_t slots, std::uint32_t max_latency);
  void release(Block& b);

 private:
  using EnterFn = std::uint32_t (*)(const void* code, Core* core, const void* const* table);
  struct Emitter;
  void make_trampoline();
  // The data path beyond the two hinted regions, as the interpreter's
  // load_slow/store_slow take it first: the other regions, moving the
  // hints. Null sends the access to the interpreter (the port, or a fault).
  static const DirectRegion* find_region(Core* core, std::uint32_t addr, std::uint32_t size, std::uint32_t perm);
  // The accounting of a block left at its instruction k: the k before it
  // are done.
  static void leave_at(Block* b, std::uint32_t k, Core* core);

  Core& core_;
  NoteRun note_;
  void* note_arg_;
  asmjit::JitRuntime rt_;
  EnterFn enter_ = nullptr;
  const void* head_[kTableHead] = {};
};

}  // namespace s32::isa::jit
