// The SLOW-32 instruction-set core: architectural state, a predecoding
// executor and the cycle count of the documented cost model. It knows
// nothing of SystemC: owners call run() with a cycle limit and react to the
// events it stops on (YIELD, DEBUG, HALT, a failed ASSERT_EQ, a fault).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "cycle_costs.hpp"
#include "instruction.hpp"
#include "memory_port.hpp"

namespace s32::isa {

namespace jit {
class JitEngine;
class Translator;
}

enum class StopReason : std::uint8_t {
  CycleLimit,    // reached the cycle limit given to run()
  Yield,         // executed YIELD; pc is past it
  Debug,         // executed DEBUG; debug_byte() holds the byte; pc is past it
  Halt,          // executed HALT; pc is past it
  AssertFailed,  // ASSERT_EQ saw different values; pc stays on it
  Fault,         // see fault(); pc stays on the faulting instruction
};

enum class FaultKind : std::uint8_t {
  None,
  Fetch,            // pc outside the code region
  Load,             // unmapped or unreadable address
  Store,            // unmapped or unwritable address
  IllegalOpcode,    // opcode not in the instruction set
  BadRegisterPair,  // f64/i64 operand named by an odd register or r31
};

const char* fault_kind_name(FaultKind kind);

// The slot of `pc` in a table with one entry per code word, or a value past
// any such table when pc is misaligned (the rotation moves its low bits to
// the top) or too large.
inline std::uint32_t code_slot(std::uint32_t pc) { return (pc >> 2) | (pc << 30); }

struct Fault {
  FaultKind kind = FaultKind::None;
  std::uint32_t pc = 0;
  std::uint32_t addr = 0;  // data address for Load/Store, pc for Fetch
  std::uint32_t word = 0;  // the instruction word (0 when the fetch failed)
  unsigned size = 0;       // access size for Load/Store
};

class Core {
 public:
  static constexpr unsigned kMaxDirectRegions = 8;

  explicit Core(const CycleCosts& costs = CycleCosts::defaults());
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // Architectural reset: all registers 0 except r29 = sp, pc = entry.
  void reset(std::uint32_t entry, std::uint32_t sp);

  // Memory wiring. Instructions are fetched from the direct region holding
  // [0, code_limit) and predecoded lazily, a word at a time, into an array
  // indexed by pc / 4.
  void set_code_limit(std::uint32_t code_limit);
  void add_direct_region(const DirectRegion& region);
  void clear_direct_regions();
  void set_port(MemoryPort* port) { port_ = port; }
  // Forget predecoded instructions, e.g. after something else wrote code.
  void invalidate_code();

  // Executes until the cycle count reaches `cycle_limit` or an event stops it.
  StopReason run(std::uint64_t cycle_limit);
  // Executes exactly one instruction (or stops on its event).
  StopReason step();
  // Makes a running run() return (CycleLimit) once the current instruction
  // completes; for memory ports that learn the run must pause.
  void interrupt() { limit_ = 0; }
  // The cycle at which the last executed instruction started.
  std::uint64_t insn_start_cycle() const { return cycle_at_insn_; }

  std::uint32_t reg(unsigned i) const { return regs_[i & 31]; }
  void set_reg(unsigned i, std::uint32_t v) {
    if ((i & 31) != 0) regs_[i & 31] = v;
  }
  std::uint32_t pc() const { return pc_; }
  void set_pc(std::uint32_t pc) { pc_ = pc; }
  std::uint64_t cycles() const { return cycles_; }
  // Adds time spent outside instruction execution (e.g. a YIELD stall).
  void add_cycles(std::uint64_t c) { cycles_ += c; }
  // The cycle-limit rule (--max-cycles) that every engine's runner follows:
  // a run ends at exactly `limit` cycles. Instructions are not split: one in
  // flight at the limit has retired, and the cycles it would have taken past
  // the limit are not counted.
  void end_at(std::uint64_t limit) {
    if (cycles_ > limit) cycles_ = limit;
  }
  std::uint64_t instret() const { return instret_; }
  // Cycles charged by data accesses (memory and devices), part of cycles().
  std::uint64_t memory_cycles() const { return memory_cycles_; }
  // Retired instructions per opcode value.
  const std::array<std::uint64_t, kNumOpcodeSlots>& opcode_counts() const { return op_counts_; }

  const Fault& fault() const { return fault_; }
  std::uint8_t debug_byte() const { return debug_byte_; }
  const CycleCosts& costs() const { return costs_; }

 private:
  // The translating engine runs blocks on this state and steps the
  // interpreter wherever a block would not be exact.
  friend class jit::JitEngine;
  friend class jit::Translator;

  // How far execute() goes before it checks the cycle limit and returns:
  // the whole run, one instruction, or up to the first jump or taken
  // branch (the translating engine interprets cold code a block at a time).
  enum class Stride { Run, Step, ToJump };
  template <Stride kStride>
  StopReason execute();

  bool decode_at(std::uint32_t pc, Decoded& d);
  // The hinted region holding [addr, addr + size) with `perm`, and the
  // offset into it; direct_miss() searches the rest and moves the hints.
  DirectRegion* hinted(std::uint32_t addr, unsigned size, std::uint8_t perm, std::uint32_t& off) {
    DirectRegion* r = &regions_[hint_];
    off = addr - r->base;
    if (off < r->size && size <= r->size - off && (r->perms & perm)) return r;
    r = &regions_[other_hint_];
    off = addr - r->base;
    if (off < r->size && size <= r->size - off && (r->perms & perm)) return r;
    return nullptr;
  }
  std::uint8_t* direct_miss(std::uint32_t addr, unsigned size, std::uint8_t perm,
                            std::uint32_t& latency);
  bool fetch_word(std::uint32_t pc, std::uint32_t& word);
  // The data path beyond the hinted direct region, which execute() checks
  // inline: the other regions, the port, faults.
  bool load_slow(std::uint32_t addr, unsigned size, std::uint32_t& value);
  bool store_slow(std::uint32_t addr, unsigned size, std::uint32_t value);
  void note_code_write(std::uint32_t addr, unsigned size);
  std::uint64_t pair(unsigned r) const;
  void set_pair(unsigned r, std::uint64_t v);

  std::array<std::uint32_t, 32> regs_{};
  std::uint32_t pc_ = 0;
  std::uint64_t cycles_ = 0;
  std::uint64_t instret_ = 0;
  std::uint64_t memory_cycles_ = 0;
  std::array<std::uint64_t, kNumOpcodeSlots> op_counts_{};

  CycleCosts costs_;
  std::array<DirectRegion, kMaxDirectRegions> regions_{};
  unsigned num_regions_ = 0;
  // The last two regions data accesses hit: stack and data alternate.
  unsigned hint_ = 0;
  unsigned other_hint_ = 0;
  MemoryPort* port_ = nullptr;

  std::uint32_t code_limit_ = 0;
  const std::uint8_t* code_host_ = nullptr;  // host address of guest address 0
  bool code_writable_ = false;
  std::vector<Decoded> code_;  // one slot per code word, kUndecoded until run

  // Changes whenever predecoded (or translated) code may be stale.
  std::uint64_t code_generation_ = 0;
  Fault fault_{};
  std::uint8_t debug_byte_ = 0;
  std::uint64_t cycle_at_insn_ = 0;  // start cycle of the instruction in flight
  std::uint64_t limit_ = 0;          // run() stops once cycles_ reaches it
};

}  // namespace s32::isa
