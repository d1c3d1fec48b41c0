// The SLOW-32 CPU as a SystemC module: a thin runner around the ISA core.
// It owns timing (the core's cycle count is the CPU's local time), one TLM
// initiator socket (RAM through DMI, everything else as b_transport whose
// delay is charged to the instruction), and the synchronisation points:
// YIELD and HALT talk to the host-interface device through `sync`.
//
// Two timing modes give the same answer:
// - fast: the CPU runs ahead of the kernel up to a quantum and syncs (waits
//   out its local time) at every quantum end, before every non-DMI access,
//   at DEBUG, YIELD and HALT. That is enough for every result to match the
//   cycle-stepped schedule, because the device only ever interacts with the
//   guest at those points and acts on falling edges.
// - cycle-stepped: the CPU steps instruction by instruction; each takes its
//   cycles as rising edges and the trace signals move on them. The clock is
//   not a kernel event: between two actions of other processes nothing can
//   observe the CPU, so it advances its own cycle count there and stamps
//   its trace values with it, and waits for the kernel only when the next
//   edge it needs is at or past the next pending activity of another
//   process, or before it talks to a device. Every process therefore sees
//   the CPU exactly where an edge-by-edge clock would have put it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "cpu/cpu_observer.hpp"
#include "cpu/guest_sync_if.hpp"
#include "isa/image.hpp"
#include "interconnect/cycle_time.hpp"
#ifdef S32_HAVE_JIT
#include "isa/jit/jit_engine.hpp"
#endif
#include "isa/core.hpp"
#include "trace/probe.hpp"

namespace s32::cpu {

enum class YieldMode : std::uint8_t {
  Wait,  // stall until the device posts a completion (or the timeout)
  Spin,  // cost the YIELD entry of the cycle table and go on
};

// The longest stretch the CPU runs ahead of the kernel in fast mode,
// whatever the quantum asked for.
inline constexpr std::uint64_t kMaxQuantum = 1u << 20;

// How fast mode executes instructions; cycle mode always interprets (it
// steps one instruction per call). Both give the same results; the
// translating engine (x86-64 builds) is the default where the build has it.
enum class Engine : std::uint8_t { Interp, Jit };
#ifdef S32_HAVE_JIT
inline constexpr bool kHaveJit = true;
#else
inline constexpr bool kHaveJit = false;
#endif
inline constexpr Engine kDefaultEngine = kHaveJit ? Engine::Jit : Engine::Interp;
const char* engine_name(Engine engine);

struct CpuConfig {
  isa::CycleCosts costs = isa::CycleCosts::defaults();
  std::uint64_t quantum = 10000;  // cycles the CPU may run ahead in fast mode
  YieldMode yield = YieldMode::Wait;
  std::uint64_t yield_timeout = 10'000'000;  // cycles a stalled YIELD waits at most
  std::uint64_t max_cycles = 0;              // 0: unlimited
  Engine engine = kDefaultEngine;            // fast mode only
};

struct BootInfo {
  std::uint32_t entry = 0;
  std::uint32_t stack_pointer = 0;
  std::uint32_t code_limit = 0;
  const isa::Image* image = nullptr;  // its symbols name functions in messages and traces
};

// What the CPU is doing in a cycle, as traced in `cpu_state`.
enum class CpuState : std::uint8_t { Run = 0, Memory = 1, Mmio = 2, YieldWait = 3, Halted = 4 };
inline constexpr unsigned kNumCpuStates = 5;
const char* cpu_state_name(CpuState state);

enum class StopCause : std::uint8_t { Running, Halt, Exit, Fault, AssertFailed, CycleLimit };
const char* stop_cause_name(StopCause cause);

struct CpuOutcome {
  StopCause cause = StopCause::Running;
  std::uint32_t exit_status = 0;  // EXIT status, or r1 at HALT
  isa::Fault fault;               // for Fault
  std::uint32_t assert_lhs = 0, assert_rhs = 0;
  std::string message;  // one line describing a fault or failed assertion
};

struct CpuStats {
  std::uint64_t instructions = 0;
  std::uint64_t cycles = 0;
  std::uint64_t issue_cycles = 0;       // cycle-table cost of the instructions
  std::uint64_t ram_cycles = 0;         // memory latency charged through DMI
  std::uint64_t mmio_cycles = 0;        // latency of non-DMI bus transactions
  std::uint64_t mmio_accesses = 0;
  std::uint64_t yields = 0;
  std::uint64_t yield_spin_cycles = 0;  // cycles of YIELDs that did not stall
  std::uint64_t yield_wait_cycles = 0;  // stalled in YIELD waiting for the device
  std::uint64_t yield_timeouts = 0;
  std::uint64_t halt_wait_cycles = 0;   // after HALT, waiting for the device to drain
  std::array<std::uint64_t, isa::kNumOpcodeSlots> opcode_counts{};
};

class Slow32Cpu : public sc_core::sc_module, private isa::MemoryPort {
 public:
  tlm_utils::simple_initiator_socket<Slow32Cpu> socket;
  sc_core::sc_port<GuestSyncIf> sync;

  using DebugSink = std::function<void(std::uint8_t)>;

  Slow32Cpu(sc_core::sc_module_name name, const CpuConfig& config, const interconnect::CycleTime& timing,
            const BootInfo& boot, DebugSink debug_sink, bool cycle_stepped = false);

  // Traces pc, cpu_state, instret and each bus transaction (bus_addr,
  // bus_data, bus_write) into `sink`.
  void trace(trace::TraceSink& sink);

  // Reports instructions and YIELD/HALT spans to `observer` (outlives the run).
  void observe(CpuObserver& observer) { observer_ = &observer; }
  // The observer's stepping() may have changed outside the CPU (a device
  // trigger): a fast-mode run stops after the current instruction.
  void observer_changed() { core_.interrupt(); }

  const CpuOutcome& outcome() const { return outcome_; }
  // For a run stopped from outside (a signal): a stall's cycles are charged
  // when it ends, so charge the open one up to the kernel's time now.
  void charge_open_stall();
  CpuStats stats() const;
  const isa::Core& core() const { return core_; }

 private:
  void run();
  bool cycle_stepped() const { return cycle_stepped_; }
  // Brings the CPU to the rising edge of `cycle`. Fast: waits out the local
  // time. Cycle-stepped: advances its own cycle, waiting for the kernel only
  // if another process has activity pending before that edge.
  void sync_to(std::uint64_t cycle);
  // Cycle-stepped: brings the kernel's time to the rising edge of `cycle`
  // (at least the CPU's own), before the CPU talks to another module.
  void sync_kernel_to(std::uint64_t cycle);
  // Before a call into another module: in cycle-stepped mode the kernel's
  // time must be the CPU's, for the device stamps what it does with it.
  void sync_for_device(std::uint64_t cycle);
  // Cycle-stepped: time of the next pending activity of the kernel.
  std::uint64_t horizon_ps();
  // Time the CPU's trace values are stamped with.
  std::uint64_t stamp_ps() const {
    return cycle_stepped_ ? now_cycle_ * timing_.period_ps() : trace::Probe::now_ps();
  }
  // Cycle-stepped: spends the cycles of the instruction that just ran,
  // showing its memory cycles in the state signal.
  void spend_instruction(std::uint64_t start, std::uint64_t memory_before);
  // Stalls until the device no longer wants the guest to wait (or the
  // timeout); returns false on timeout.
  bool stall_while(bool (Slow32Cpu::*keep_waiting)() const, std::uint64_t timeout);
  // --max-cycles: the count has reached the limit; stop_at_limit ends the
  // run there by the core's rule (isa::Core::end_at).
  bool limit_reached() const;
  void stop_at_limit();
  bool yield_should_wait() const;
  bool halt_should_wait() const;
  void handle_yield(std::uint64_t start);
  void handle_halt(std::uint64_t start);
  // Ends the run if the device has processed the guest's EXIT.
  bool stop_for_exit();
  void finish(StopCause cause);
  std::uint32_t debug_read_word(std::uint32_t addr);
  void describe_fault();
  void describe_assert();
  void set_state(CpuState s);
  void trace_progress();
  // Fast mode while the observer is stepping: runs instruction by
  // instruction up to `limit`, reporting each, and stops where run() would.
  // Fast mode up to `limit` with the configured engine.
  isa::StopReason run_engine(std::uint64_t limit);
  isa::StopReason step_observed(std::uint64_t limit);
  void report_retired(isa::StopReason reason, std::uint64_t start, std::uint32_t pc);
  void report_span(Activity what, std::uint64_t from, std::uint64_t to) {
    if (observer_ && to > from) observer_->span(what, from, to);
  }

  isa::SlowAccess read(std::uint32_t addr, unsigned size, std::uint32_t& value, std::uint64_t cycle) override;
  isa::SlowAccess write(std::uint32_t addr, unsigned size, std::uint32_t value, std::uint64_t cycle) override;
  isa::SlowAccess transact(tlm::tlm_command cmd, std::uint32_t addr, unsigned size, std::uint8_t* data,
                           std::uint64_t cycle);
  void apply_pending_dmi();
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  CpuConfig config_;
  interconnect::CycleTime timing_;
  BootInfo boot_;
  DebugSink debug_sink_;
  bool cycle_stepped_;
  // Cycle-stepped: the CPU's cycle (its rising edge is at or after the
  // kernel's time) and the cached time of the kernel's next activity
  // (valid while no other module has been called since it was read).
  std::uint64_t now_cycle_ = 0;
  std::uint64_t horizon_ps_ = 0;
  bool horizon_valid_ = false;
  isa::Core core_;
#ifdef S32_HAVE_JIT
  std::unique_ptr<isa::jit::JitEngine> jit_;  // set when fast mode translates
#endif
  CpuOutcome outcome_;
  CpuState state_ = CpuState::Run;
  CpuObserver* observer_ = nullptr;
  trace::Probe pc_probe_, state_probe_, instret_probe_, bus_addr_probe_, bus_data_probe_, bus_write_probe_;

  std::vector<std::uint32_t> pending_dmi_;  // addresses whose DMI grant is to be requested
  bool dmi_invalidated_ = false;
  bool exit_seen_ = false;    // a device access saw the EXIT processed
  bool last_was_mmio_ = false;  // the instruction that just ran made a bus transaction
  std::uint64_t mmio_cycles_ = 0;
  std::uint64_t mmio_accesses_ = 0;
  std::uint64_t yields_ = 0;
  std::uint64_t yield_spin_cycles_ = 0;
  std::uint64_t yield_wait_cycles_ = 0;
  std::uint64_t yield_timeouts_ = 0;
  std::uint64_t halt_wait_cycles_ = 0;
};

}  // namespace s32::cpu
