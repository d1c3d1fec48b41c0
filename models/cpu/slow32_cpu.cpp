#include "cpu/slow32_cpu.hpp"

#include <cstdio>
#include <cstring>

#include "isa/disassembler.hpp"
#include "isa/symbolizer.hpp"

namespace s32::cpu {

using sc_core::sc_time;

const char* engine_name(Engine engine) { return engine == Engine::Jit ? "jit" : "interp"; }

const char* stop_cause_name(StopCause cause) {
  switch (cause) {
    case StopCause::Running: return "running";
    case StopCause::Halt: return "halt";
    case StopCause::Exit: return "exit";
    case StopCause::Fault: return "fault";
    case StopCause::AssertFailed: return "assert";
    case StopCause::CycleLimit: return "cycle-limit";
  }
  return "?";
}

const char* cpu_state_name(CpuState state) {
  switch (state) {
    case CpuState::Run: return "run";
    case CpuState::Memory: return "memory";
    case CpuState::Mmio: return "mmio";
    case CpuState::YieldWait: return "yield_wait";
    case CpuState::Halted: return "halted";
  }
  return "?";
}

Slow32Cpu::Slow32Cpu(sc_core::sc_module_name name, const CpuConfig& config, const interconnect::CycleTime& timing,
                     const BootInfo& boot, DebugSink debug_sink, bool cycle_stepped)
    : sc_module(name),
      socket("socket"),
      sync("sync"),
      config_(config),
      timing_(timing),
      boot_(boot),
      debug_sink_(std::move(debug_sink)),
      cycle_stepped_(cycle_stepped),
      core_(config.costs) {
  socket.register_invalidate_direct_mem_ptr(this, &Slow32Cpu::invalidate_direct_mem_ptr);
  core_.set_port(this);
  core_.set_code_limit(boot.code_limit);
  core_.reset(boot.entry, boot.stack_pointer);
#ifdef S32_HAVE_JIT
  if (!cycle_stepped && config.engine == Engine::Jit) jit_ = std::make_unique<isa::jit::JitEngine>(core_);
#endif
  SC_HAS_PROCESS(Slow32Cpu);
  SC_THREAD(run);
}

void Slow32Cpu::trace(trace::TraceSink& sink) {
  const std::string scope = basename();
  pc_probe_.bind(sink, scope, "pc", 32, core_.pc());
  state_probe_.bind(sink, scope, "cpu_state", 3, static_cast<std::uint64_t>(state_));
  instret_probe_.bind(sink, scope, "instret", 64);
  bus_addr_probe_.bind(sink, scope, "bus_addr", 32);
  bus_data_probe_.bind(sink, scope, "bus_data", 32);
  bus_write_probe_.bind(sink, scope, "bus_write", 1);
}

CpuStats Slow32Cpu::stats() const {
  CpuStats s;
  s.instructions = core_.instret();
  s.cycles = core_.cycles();
  s.opcode_counts = core_.opcode_counts();
  for (unsigned op = 0; op < isa::kNumOpcodeSlots; ++op)
    s.issue_cycles += s.opcode_counts[op] * core_.costs()[static_cast<std::uint8_t>(op)];
  s.mmio_cycles = mmio_cycles_;
  s.mmio_accesses = mmio_accesses_;
  s.ram_cycles = core_.memory_cycles() - mmio_cycles_;
  s.yields = yields_;
  s.yield_spin_cycles = yield_spin_cycles_;
  s.yield_wait_cycles = yield_wait_cycles_;
  s.yield_timeouts = yield_timeouts_;
  s.halt_wait_cycles = halt_wait_cycles_;
  return s;
}

void Slow32Cpu::set_state(CpuState s) {
  state_ = s;
  state_probe_.set(static_cast<std::uint64_t>(s), stamp_ps());
}

void Slow32Cpu::trace_progress() {
  const std::uint64_t t = stamp_ps();
  pc_probe_.set(core_.pc(), t);
  instret_probe_.set(core_.instret(), t);
}

std::uint64_t Slow32Cpu::horizon_ps() {
  if (!horizon_valid_) {
    const sc_time next =
        sc_core::sc_time_stamp() + sc_core::sc_time_to_pending_activity(sc_core::sc_get_curr_simcontext());
    horizon_ps_ = next == sc_core::sc_max_time() ? UINT64_MAX : next.value() / sc_time(1, sc_core::SC_PS).value();
    horizon_valid_ = true;
  }
  return horizon_ps_;
}

void Slow32Cpu::sync_kernel_to(std::uint64_t cycle) {
  now_cycle_ = std::max(now_cycle_, cycle);
  const sc_time target = timing_.rising(now_cycle_);
  const sc_time now = sc_core::sc_time_stamp();
  if (target > now) {
    wait(target - now);
    horizon_valid_ = false;
  }
}

void Slow32Cpu::sync_for_device(std::uint64_t cycle) {
  if (cycle_stepped()) sync_kernel_to(cycle);
  else sync_to(cycle);
}

void Slow32Cpu::sync_to(std::uint64_t cycle) {
  if (cycle_stepped()) {
    if (cycle <= now_cycle_) return;
    // Activity exactly at the edge runs first, as under a kernel clock.
    if (cycle * timing_.period_ps() < horizon_ps()) {
      now_cycle_ = cycle;
      return;
    }
    sync_kernel_to(cycle);
    return;
  }
  const sc_time target = timing_.rising(cycle);
  const sc_time now = sc_core::sc_time_stamp();
  if (target > now) wait(target - now);
}

void Slow32Cpu::spend_instruction(std::uint64_t start, std::uint64_t memory_before) {
  const std::uint64_t end = core_.cycles();
  const std::uint64_t base = end - start - (core_.memory_cycles() - memory_before);
  // The clock stops at the cycle limit, even inside an instruction.
  const std::uint64_t stop = limit_reached() ? config_.max_cycles : end;
  if (end - start > base && start + base < stop) {
    sync_to(start + base);
    set_state(last_was_mmio_ ? CpuState::Mmio : CpuState::Memory);
  }
  sync_to(stop);
}

bool Slow32Cpu::limit_reached() const { return config_.max_cycles && core_.cycles() >= config_.max_cycles; }

void Slow32Cpu::stop_at_limit() {
  core_.end_at(config_.max_cycles);
  sync_to(config_.max_cycles);
  finish(StopCause::CycleLimit);
}

void Slow32Cpu::run() {
  // The code region is mapped up front: fetching through the port would work
  // but costs a transaction per instruction until the first grant.
  pending_dmi_.push_back(0);
  // However long the quantum, the kernel gets control every few
  // milliseconds of host time: a stop asked for from outside is seen there.
  const std::uint64_t quantum = std::min<std::uint64_t>(config_.quantum ? config_.quantum : 1, kMaxQuantum);
  while (outcome_.cause == StopCause::Running) {
    // YIELD, DEBUG and bus stalls can carry the count to the limit too.
    if (limit_reached()) {
      stop_at_limit();
      break;
    }
    if (dmi_invalidated_ || !pending_dmi_.empty()) apply_pending_dmi();
    const std::uint64_t start = core_.cycles();
    const std::uint64_t memory_before = core_.memory_cycles();
    isa::StopReason reason;
    last_was_mmio_ = false;
    if (cycle_stepped()) {
      set_state(CpuState::Run);
      trace_progress();
      // Asked before the step, as the fast mode does: a trigger the
      // instruction itself fires (a doorbell) starts after it.
      const bool report = observer_ && observer_->stepping(start);
      const std::uint32_t pc = core_.pc();
      reason = core_.step();
      if (report) report_retired(reason, start, pc);
    } else {
      std::uint64_t limit = (start / quantum + 1) * quantum;
      if (config_.max_cycles) limit = std::min(limit, config_.max_cycles);
      if (observer_) limit = std::min(limit, observer_->next_change(start));
      reason = observer_ && observer_->stepping(start) ? step_observed(limit) : run_engine(limit);
    }
    switch (reason) {
      case isa::StopReason::CycleLimit:
        // Cycle-stepped: the instruction just ran. Fast: a quantum end, a
        // DMI change or an EXIT seen by a device access.
        if (cycle_stepped())
          spend_instruction(start, memory_before);
        else if (!limit_reached())
          sync_to(core_.cycles());
        trace_progress();
        if (exit_seen_ && stop_for_exit()) break;
        if (limit_reached()) stop_at_limit();
        break;
      case isa::StopReason::Debug:
        // Output is ordered by simulated time against the device's console
        // writes, so the byte goes out at the instruction's own cycle.
        sync_for_device(core_.insn_start_cycle());
        debug_sink_(core_.debug_byte());
        if (cycle_stepped()) sync_to(core_.cycles());
        break;
      case isa::StopReason::Yield:
        handle_yield(core_.insn_start_cycle());
        break;
      case isa::StopReason::Halt:
        handle_halt(core_.insn_start_cycle());
        break;
      // At a fault the device has acted up to the fault cycle in every mode:
      // both modes may run ahead of the kernel, so it catches up first (or a
      // request published just before would be served in one mode only).
      case isa::StopReason::AssertFailed:
        sync_for_device(core_.cycles());
        describe_assert();
        finish(StopCause::AssertFailed);
        break;
      case isa::StopReason::Fault:
        sync_for_device(core_.cycles());
        describe_fault();
        finish(StopCause::Fault);
        break;
    }
  }
}

isa::StopReason Slow32Cpu::run_engine(std::uint64_t limit) {
#ifdef S32_HAVE_JIT
  if (jit_) return jit_->run(limit);
#endif
  return core_.run(limit);
}

isa::StopReason Slow32Cpu::step_observed(std::uint64_t limit) {
  for (;;) {
    const std::uint64_t start = core_.cycles();
    const std::uint32_t pc = core_.pc();
    const isa::StopReason reason = core_.step();
    report_retired(reason, start, pc);
    // What makes run() return early: a DMI change or an EXIT seen.
    const bool interrupted = dmi_invalidated_ || !pending_dmi_.empty() || exit_seen_;
    if (reason != isa::StopReason::CycleLimit || interrupted || core_.cycles() >= limit ||
        !observer_->stepping(core_.cycles()))
      return reason;
  }
}

void Slow32Cpu::report_retired(isa::StopReason reason, std::uint64_t start, std::uint32_t pc) {
  // A faulting instruction or a failed assertion does not retire.
  if (reason == isa::StopReason::Fault || reason == isa::StopReason::AssertFailed) return;
  observer_->retired(core_, start, pc, debug_read_word(pc));
}

bool Slow32Cpu::yield_should_wait() const { return sync->should_wait(); }

bool Slow32Cpu::halt_should_wait() const { return !sync->exit_status() && !sync->drained(); }

bool Slow32Cpu::stall_while(bool (Slow32Cpu::*keep_waiting)() const, std::uint64_t timeout) {
  const std::uint64_t from = core_.cycles();
  std::uint64_t deadline = timeout ? from + timeout : UINT64_MAX;
  // The cycle limit bounds every stall (a device draining a long SLEEP
  // after HALT must not run past --max-cycles).
  if (config_.max_cycles) deadline = std::min(deadline, std::max(from, config_.max_cycles));
  if (cycle_stepped()) {
    // The device acts on falling edges, so checking at each rising edge
    // sees its change in the same cycle the fast mode resumes in. What it
    // reports changes only when some process acts, so the edges before the
    // next pending activity can be skipped without looking.
    std::uint64_t now = from;
    while ((this->*keep_waiting)()) {
      if (now >= deadline) {
        core_.add_cycles(now - from);
        return false;
      }
      const std::uint64_t period = timing_.period_ps();
      const std::uint64_t horizon = horizon_ps();
      std::uint64_t next = horizon == UINT64_MAX ? deadline : horizon / period + (horizon % period != 0);
      next = std::min(std::max(next, now + 1), deadline);
      if (next == UINT64_MAX) {
        // Nothing pending and no timeout: only the device can end this.
        wait(sync->wake_event());
        horizon_valid_ = false;
        next = std::max(now + 1, timing_.cycle_at_or_after(sc_core::sc_time_stamp()));
      }
      sync_kernel_to(next);
      now = next;
    }
    core_.add_cycles(now - from);
    return true;
  }
  while ((this->*keep_waiting)()) {
    if (deadline == UINT64_MAX) {
      wait(sync->wake_event());
      continue;
    }
    const sc_time now = sc_core::sc_time_stamp();
    if (now >= timing_.rising(deadline)) {
      core_.add_cycles(deadline - from);
      return false;
    }
    wait(timing_.rising(deadline) - now, sync->wake_event());
  }
  // Device actions happen on falling edges; the CPU sees them on the next
  // rising one.
  const std::uint64_t resume = std::max(from, timing_.cycle_at_or_after(sc_core::sc_time_stamp()));
  core_.add_cycles(resume - from);
  sync_to(resume);
  return true;
}

void Slow32Cpu::handle_yield(std::uint64_t start) {
  ++yields_;
  sync_for_device(start);
  sync->sync_point(start, false);
  horizon_valid_ = false;
  sync_to(core_.cycles());
  trace_progress();
  if (stop_for_exit()) return;
  if (config_.yield == YieldMode::Spin || !sync->should_wait()) {
    yield_spin_cycles_ += core_.cycles() - start;
    report_span(Activity::Spin, start, core_.cycles());
    return;
  }
  set_state(CpuState::YieldWait);
  const std::uint64_t from = core_.cycles();
  if (!stall_while(&Slow32Cpu::yield_should_wait, config_.yield_timeout) && !limit_reached()) ++yield_timeouts_;
  yield_wait_cycles_ += core_.cycles() - from;
  report_span(Activity::YieldWait, from, core_.cycles());
  set_state(CpuState::Run);
  if (!stop_for_exit() && limit_reached()) stop_at_limit();
}

void Slow32Cpu::handle_halt(std::uint64_t start) {
  sync_for_device(start);
  sync->sync_point(start, true);
  horizon_valid_ = false;
  sync_to(core_.cycles());
  set_state(CpuState::Halted);
  trace_progress();
  const std::uint64_t from = core_.cycles();
  const bool drained = stall_while(&Slow32Cpu::halt_should_wait, 0);
  halt_wait_cycles_ += core_.cycles() - from;
  report_span(Activity::HaltWait, from, core_.cycles());
  if (stop_for_exit()) return;
  if (!drained) {
    stop_at_limit();
  } else {
    outcome_.exit_status = core_.reg(1);
    finish(StopCause::Halt);
  }
}

void Slow32Cpu::charge_open_stall() {
  const std::uint64_t now = timing_.cycle_at_or_after(sc_core::sc_time_stamp());
  if (now <= core_.cycles()) return;
  const std::uint64_t open = now - core_.cycles();
  if (state_ == CpuState::YieldWait)
    yield_wait_cycles_ += open;
  else if (state_ == CpuState::Halted)
    halt_wait_cycles_ += open;
  else
    return;
  core_.add_cycles(open);
}

bool Slow32Cpu::stop_for_exit() {
  const auto status = sync->exit_status();
  if (!status) return false;
  core_.set_reg(1, *status);
  outcome_.exit_status = *status;
  finish(StopCause::Exit);
  return true;
}

void Slow32Cpu::finish(StopCause cause) {
  outcome_.cause = cause;
  set_state(CpuState::Halted);
  trace_progress();
  // The kernel's time at the end is the CPU's, as under a kernel clock.
  if (cycle_stepped()) sync_kernel_to(now_cycle_);
  sc_core::sc_stop();
}

std::uint32_t Slow32Cpu::debug_read_word(std::uint32_t addr) {
  std::uint8_t buf[4] = {};
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(buf);
  gp.set_data_length(4);
  gp.set_streaming_width(4);
  socket->transport_dbg(gp);
  return static_cast<std::uint32_t>(buf[0]) | (static_cast<std::uint32_t>(buf[1]) << 8) |
         (static_cast<std::uint32_t>(buf[2]) << 16) | (static_cast<std::uint32_t>(buf[3]) << 24);
}

void Slow32Cpu::describe_assert() {
  // The core leaves pc on the failed ASSERT_EQ.
  const std::uint32_t pc = core_.pc();
  const std::uint32_t word = debug_read_word(pc);
  const isa::Decoded d = isa::decode(word);
  outcome_.assert_lhs = core_.reg(d.rs1);
  outcome_.assert_rhs = core_.reg(d.rs2);
  char buf[512];
  std::snprintf(buf, sizeof buf, "assertion failed at pc %s: %s (0x%08x != 0x%08x)",
                isa::describe_address(boot_.image, pc).c_str(), isa::disassemble(word, pc, boot_.image).c_str(),
                outcome_.assert_lhs, outcome_.assert_rhs);
  outcome_.message = buf;
}

void Slow32Cpu::describe_fault() {
  const isa::Fault& f = core_.fault();
  outcome_.fault = f;
  char buf[512];
  // A pc outside the code is named by no function.
  const std::string pc = isa::describe_address(f.pc < boot_.code_limit ? boot_.image : nullptr, f.pc);
  if (f.kind == isa::FaultKind::Load || f.kind == isa::FaultKind::Store) {
    std::snprintf(buf, sizeof buf, "%s: %u-byte access at address 0x%08x, pc %s: %s", isa::fault_kind_name(f.kind),
                  f.size, f.addr, pc.c_str(), isa::disassemble(debug_read_word(f.pc), f.pc, boot_.image).c_str());
  } else if (f.kind == isa::FaultKind::Fetch) {
    std::snprintf(buf, sizeof buf, "%s: pc %s (code ends at 0x%08x)", isa::fault_kind_name(f.kind), pc.c_str(),
                  boot_.code_limit);
  } else {
    std::snprintf(buf, sizeof buf, "%s at pc %s: %s", isa::fault_kind_name(f.kind), pc.c_str(),
                  isa::disassemble(f.word, f.pc, boot_.image).c_str());
  }
  outcome_.message = buf;
}

isa::SlowAccess Slow32Cpu::read(std::uint32_t addr, unsigned size, std::uint32_t& value, std::uint64_t cycle) {
  std::uint8_t buf[4] = {};
  const isa::SlowAccess a = transact(tlm::TLM_READ_COMMAND, addr, size, buf, cycle);
  value = static_cast<std::uint32_t>(buf[0]) | (static_cast<std::uint32_t>(buf[1]) << 8) |
          (static_cast<std::uint32_t>(buf[2]) << 16) | (static_cast<std::uint32_t>(buf[3]) << 24);
  return a;
}

isa::SlowAccess Slow32Cpu::write(std::uint32_t addr, unsigned size, std::uint32_t value, std::uint64_t cycle) {
  std::uint8_t buf[4];
  for (unsigned i = 0; i < 4; ++i) buf[i] = static_cast<std::uint8_t>(value >> (8 * i));
  return transact(tlm::TLM_WRITE_COMMAND, addr, size, buf, cycle);
}

isa::SlowAccess Slow32Cpu::transact(tlm::tlm_command cmd, std::uint32_t addr, unsigned size, std::uint8_t* data,
                                    std::uint64_t cycle) {
  // The transaction happens at the start of its instruction, in simulated
  // time too: device registers must see accesses in their true order. The
  // sync comes first so no payload is alive across a wait: a run stopped
  // there (--strict) never resumes this thread.
  sync_for_device(cycle);
  tlm::tlm_generic_payload gp;
  gp.set_address(addr);
  gp.set_data_ptr(data);
  gp.set_data_length(size);
  gp.set_streaming_width(size);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  gp.set_command(cmd);
  sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(gp, delay);
  horizon_valid_ = false;
  if (gp.is_response_error()) return {false, 0};
  const auto latency = static_cast<std::uint32_t>(timing_.cycles_in(delay));
  if (gp.is_dmi_allowed()) {
    // Memory reached before its DMI grant: map it and stop going through here.
    pending_dmi_.push_back(addr);
    core_.interrupt();
    return {true, latency};
  }
  last_was_mmio_ = true;
  ++mmio_accesses_;
  mmio_cycles_ += latency;
  if (bus_addr_probe_.bound()) {
    std::uint32_t v = 0;
    std::memcpy(&v, data, size);
    const std::uint64_t t = stamp_ps();
    bus_addr_probe_.set(addr, t);
    bus_data_probe_.set(v, t);
    bus_write_probe_.set(cmd == tlm::TLM_WRITE_COMMAND, t);
    pc_probe_.set(core_.pc(), t);
  }
  if (sync->exit_status()) {
    exit_seen_ = true;
    core_.interrupt();
  }
  return {true, latency};
}

void Slow32Cpu::apply_pending_dmi() {
  if (dmi_invalidated_) {
    core_.clear_direct_regions();
    dmi_invalidated_ = false;
  }
  for (std::uint32_t addr : pending_dmi_) {
    tlm::tlm_generic_payload gp;
    gp.set_address(addr);
    gp.set_command(tlm::TLM_READ_COMMAND);
    tlm::tlm_dmi dmi;
    if (!socket->get_direct_mem_ptr(gp, dmi) || !dmi.is_read_allowed()) continue;
    std::uint8_t perms = isa::kPermRead;
    if (dmi.is_write_allowed()) perms |= isa::kPermWrite;
    if (dmi.get_start_address() == 0 && dmi.get_end_address() + 1 >= boot_.code_limit) perms |= isa::kPermExec;
    core_.add_direct_region({static_cast<std::uint32_t>(dmi.get_start_address()),
                             static_cast<std::uint32_t>(dmi.get_end_address() - dmi.get_start_address() + 1),
                             dmi.get_dmi_ptr(), perms,
                             static_cast<std::uint32_t>(timing_.cycles_in(dmi.get_read_latency()))});
  }
  pending_dmi_.clear();
}

void Slow32Cpu::invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) {
  // Drop every grant (and the predecoded code with them); the code region
  // is asked for again at once, the rest on first use.
  dmi_invalidated_ = true;
  pending_dmi_.push_back(0);
  core_.interrupt();
}

}  // namespace s32::cpu
