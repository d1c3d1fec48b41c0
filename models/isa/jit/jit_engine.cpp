#include "isa/jit/jit_engine.hpp"

#include <algorithm>

#include "isa/jit/translator.hpp"

namespace s32::isa::jit {

JitEngine::JitEngine(Core& core, unsigned hot_runs)
    : core_(core),
      translator_(std::make_unique<Translator>(core, &JitEngine::note_run, this)),
      hot_runs_(std::clamp(hot_runs, 1u, 255u)) {}

JitEngine::~JitEngine() { flush(); }

void JitEngine::note_run(void* engine, Block* block) { static_cast<JitEngine*>(engine)->counted_.push_back(block); }

void JitEngine::flush() {
  settle_counts();
  for (std::uint32_t slot : translated_slots_) {
    translator_->release(*blocks_[slot]);
    blocks_[slot].reset();
    table_[Translator::kTableHead + slot] = translator_->exit_lookup();
  }
  translated_slots_.clear();
  for (std::uint32_t slot : heated_slots_) heat_[slot] = 0;
  heated_slots_.clear();
}

void JitEngine::refresh() {
  Core& c = core_;
  if (generation_ == c.code_generation_ && regions_seen_ == c.num_regions_) return;
  flush();
  // Only the entries in use are reset, so a change of the code (a DMA into
  // it, new regions) costs what was translated, not the size of the code.
  const std::size_t slots = c.code_limit_ / 4;
  if (slots != blocks_.size()) {
    blocks_.clear();
    blocks_.resize(slots);
    heat_.assign(slots, 0);
    table_.assign(Translator::kTableHead + slots, translator_->exit_lookup());
    std::copy(translator_->table_head(), translator_->table_head() + Translator::kTableHead, table_.begin());
  }
  generation_ = c.code_generation_;
  regions_seen_ = c.num_regions_;
  max_latency_ = 0;
  for (unsigned i = 0; i < c.num_regions_; ++i) max_latency_ = std::max(max_latency_, c.regions_[i].latency);
}

void JitEngine::settle_counts() {
  for (Block* b : counted_) {
    const std::uint64_t runs = 0 - b->pending;
    for (std::uint8_t op : b->ops) core_.op_counts_[op & 0x7F] += runs;
    b->pending = 0;
  }
  counted_.clear();
}

StopReason JitEngine::run(std::uint64_t cycle_limit) {
  const StopReason s = dispatch(cycle_limit);
  settle_counts();
  return s;
}

StopReason JitEngine::dispatch(std::uint64_t cycle_limit) {
  Core& c = core_;
  c.limit_ = cycle_limit;
  for (;;) {
    refresh();
    const std::uint32_t pc = c.pc_;
    const std::uint32_t slot = code_slot(pc);
    Block* b = nullptr;
    if (slot < blocks_.size() && c.code_host_) {
      b = blocks_[slot].get();
      if (!b) {
        if (heat_[slot]++ == 0) heated_slots_.push_back(slot);
        if (heat_[slot] >= hot_runs_) {
          auto made = std::make_unique<Block>();
          translator_->translate(pc, *made, blocks_.size(), max_latency_);
          if (made->code) table_[Translator::kTableHead + slot] = made->code;
          translated_slots_.push_back(slot);
          b = (blocks_[slot] = std::move(made)).get();
        }
      }
    }
    if (b && b->code && c.cycles_ + b->bound < c.limit_) {
      const std::uint64_t before = c.instret_;
      const Exit exit = translator_->enter(b->code, table_.data() + Translator::kTableHead);
      translated_ += c.instret_ - before;
      if (exit == Exit::Lookup) continue;
    }
    // Interpreted code may reach the bus, and a run stopped there (--strict)
    // never returns here: the counts must be whole by then. Hot code is
    // interpreted an instruction at a time, so that a translation takes
    // over right after what it cannot do; cold code up to its next jump.
    settle_counts();
    const StopReason s = b ? c.execute<Core::Stride::Step>() : c.execute<Core::Stride::ToJump>();
    if (s != StopReason::CycleLimit) return s;
    if (c.cycles_ >= c.limit_) return StopReason::CycleLimit;
  }
}

}  // namespace s32::isa::jit
