// The SLOW-32 CPU as a SystemC module: a thin runner around the ISA core.
// It owns timing (the core's cycle count is the CPU's local time), one TLM
// initiator socket (RAM through DMI, everything else as b_transport whose
// delay is charged to the instruction), and the synchronisation points:
// YIELD and HALT talk to the host-interface device through `sync`.
//
// Fast mode decouples the CPU from the kernel: it runs ahead up to a
// quantum and syncs (waits out its local time) at every quantum end, before
// every non-DMI access, at DEBUG, YIELD and HALT. That is enough for every
// result to match the cycle-accurate schedule, because the device only ever
// interacts with the guest at those points.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "cpu/guest_sync_if.hpp"
#include "interconnect/cycle_time.hpp"
#include "isa/core.hpp"

namespace s32::cpu {

enum class YieldMode : std::uint8_t {
  Wait,  // stall until the device posts a completion (or the timeout)
  Spin,  // cost the YIELD entry of the cycle table and go on
};

struct CpuConfig {
  isa::CycleCosts costs = isa::CycleCosts::defaults();
  std::uint64_t quantum = 10000;  // cycles the CPU may run ahead in fast mode
  YieldMode yield = YieldMode::Wait;
  std::uint64_t yield_timeout = 10'000'000;  // cycles a stalled YIELD waits at most
  std::uint64_t max_cycles = 0;              // 0: unlimited
};

struct BootInfo {
  std::uint32_t entry = 0;
  std::uint32_t stack_pointer = 0;
  std::uint32_t code_limit = 0;
};

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

  Slow32Cpu(sc_core::sc_module_name name, const CpuConfig& config, const interconnect::CycleTime& clock,
            const BootInfo& boot, DebugSink debug_sink);

  const CpuOutcome& outcome() const { return outcome_; }
  CpuStats stats() const;
  const isa::Core& core() const { return core_; }

 private:
  void run();
  // Waits until simulated time reaches the rising edge of `cycle`.
  void sync_to(std::uint64_t cycle);
  void handle_yield(std::uint64_t start);
  void handle_halt(std::uint64_t start);
  // Ends the run if the device has processed the guest's EXIT.
  bool stop_for_exit();
  void finish(StopCause cause);
  std::uint32_t debug_read_word(std::uint32_t addr);
  void describe_fault();
  void describe_assert();

  isa::SlowAccess read(std::uint32_t addr, unsigned size, std::uint32_t& value, std::uint64_t cycle) override;
  isa::SlowAccess write(std::uint32_t addr, unsigned size, std::uint32_t value, std::uint64_t cycle) override;
  isa::SlowAccess transact(tlm::tlm_command cmd, std::uint32_t addr, unsigned size, std::uint8_t* data,
                           std::uint64_t cycle);
  void acquire_dmi(std::uint32_t addr);
  void apply_pending_dmi();
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  CpuConfig config_;
  interconnect::CycleTime clock_;
  BootInfo boot_;
  DebugSink debug_sink_;
  isa::Core core_;
  CpuOutcome outcome_;

  std::vector<std::uint32_t> pending_dmi_;  // addresses whose DMI grant is to be requested
  bool dmi_invalidated_ = false;
  bool exit_seen_ = false;  // a device access saw the EXIT processed
  std::uint64_t mmio_cycles_ = 0;
  std::uint64_t mmio_accesses_ = 0;
  std::uint64_t yields_ = 0;
  std::uint64_t yield_wait_cycles_ = 0;
  std::uint64_t yield_timeouts_ = 0;
  std::uint64_t halt_wait_cycles_ = 0;
};

}  // namespace s32::cpu
