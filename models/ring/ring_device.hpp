// The memory-mapped ring device of ring-abi.md. The guest fills request
// descriptors and advances REQ_HEAD (the doorbell); a worker thread takes
// requests in order, has the host backend serve them, waits out their
// modelled latency, posts responses and advances REQ_TAIL and RESP_HEAD. A
// full response ring makes the worker wait (back-pressure) rather than drop.
//
// When the worker starts is the execution model: on the doorbell, at the
// guest's YIELD (and HALT) synchronisation points, both, or by polling
// every N cycles. Device actions happen on falling clock edges (see
// interconnect/cycle_time.hpp), so the CPU's accesses on rising edges see a
// deterministic state.
//
// With --host-io async a host thread does the real work of requests that
// may block; --host-latency says whether their responses keep the modelled
// latency (the device waits for the host in wall time at the earliest cycle
// the response could be due) or take the host's measured wall time
// (execute_measured: simulated time is paced so that it never passes the
// host's time so far).
//
// A protocol monitor watches the guest's accesses: descriptors changed
// after publication, payloads written while their request is in flight,
// device-owned indices written by the guest, index jumps past the free or
// used space, payload ranges outside the data buffer. Each is counted and
// reported; a strict run stops at the first.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "cpu/guest_sync_if.hpp"
#include "host/host_backend.hpp"
#include "host/host_thread.hpp"
#include "interconnect/cycle_time.hpp"
#include "ring/ring_layout.hpp"
#include "trace/probe.hpp"

namespace s32::ring {

// Who starts the device.
struct Trigger {
  bool doorbell = true;       // a REQ_HEAD write
  bool yield = true;          // the guest's YIELD
  std::uint64_t poll = 0;     // every N cycles (0: never)
};

// The completion interrupt. A coalescing window opens at the first
// completion after the line was last lowered; the line rises once `count`
// completions have gathered in the window or `cycles` have passed since it
// opened (0: no time limit), whichever comes first. The guest acknowledges
// by consuming every posted response, which lowers the line.
struct IrqConfig {
  bool enabled = false;
  std::uint32_t count = 1;
  std::uint64_t cycles = 0;
};

// "hybrid", "doorbell", "yield", "poll:N" (or "none").
std::string trigger_name(const Trigger& t);

struct RingConfig {
  Trigger trigger;
  IrqConfig irq;
  std::uint64_t access_cycles = 3;  // latency of a register/ring/buffer access
  bool strict = false;              // stop the run at the first protocol violation
  bool async_host = false;  // a host thread serves requests that may block (--host-io async)
  // Host-thread responses are posted at start + the host's wall time (1 ns
  // = 1 simulated ns) instead of the modelled latency (--host-latency).
  bool measured_latency = false;
};

struct ProtocolWarning {
  std::uint64_t cycle;
  std::string kind;  // short key, e.g. "descriptor-after-publish"
  std::string message;
};

// One request's life, in cycles (device stamps are the cycle whose rising
// edge first sees the action).
struct RequestRecord {
  std::uint64_t seq = 0;
  std::uint32_t opcode = 0;
  std::uint64_t submit = 0;    // first write to its descriptor
  std::uint64_t doorbell = 0;  // the REQ_HEAD write that published it
  std::uint64_t start = 0;     // device took it
  std::uint64_t host_done = 0; // modelled host work finished
  std::uint64_t posted = 0;    // response visible to the guest
  std::uint64_t consumed = 0;  // guest advanced RESP_TAIL past it
  bool completed = false, is_consumed = false;
  bool dropped = false;        // served after HALT with the response ring full
};

struct RingStats {
  std::uint64_t doorbells = 0;
  std::uint64_t sync_points = 0;
  std::uint64_t polls = 0;
  std::uint64_t empty_polls = 0;
  std::uint64_t backpressure_cycles = 0;
  std::uint64_t backpressure_events = 0;
  std::uint64_t busy_cycles = 0;
  std::uint64_t responses_dropped_after_halt = 0;
  std::uint64_t irqs = 0;  // rising edges of the completion line
  std::uint64_t payload_bytes = 0;  // bytes READ, WRITE and READ_DIRECT moved
  // Requests whose response was posted at the host's measured wall time
  // (--host-latency measured): their cycles differ from run to run.
  std::uint64_t measured_requests = 0;
  std::map<std::uint32_t, std::uint64_t> requests_by_opcode;  // served requests
  std::uint64_t total_requests() const {
    std::uint64_t n = 0;
    for (const auto& [opcode, count] : requests_by_opcode) n += count;
    return n;
  }
  std::vector<RequestRecord> requests;  // in order of service
  std::vector<ProtocolWarning> warnings;
  // Request-ring occupancy at each doorbell (entries published, not yet
  // taken) and response-ring occupancy at each post (posted, not consumed).
  std::vector<std::uint32_t> occupancy_samples;
  std::vector<std::uint32_t> response_occupancy_samples;
};

class RingDevice : public sc_core::sc_module, public cpu::GuestSyncIf, private host::GuestMemory {
 public:
  tlm_utils::simple_target_socket<RingDevice> socket;  // the 64 KiB window
  tlm_utils::simple_initiator_socket<RingDevice> dma;  // READ_DIRECT, display lists

  RingDevice(sc_core::sc_module_name name, const RingConfig& config, const interconnect::CycleTime& clock,
             host::HostBackend& backend);

  // Traces doorbell (a pulse per REQ_HEAD write), submit (a pulse at the
  // first write to a free descriptor) and consumed (a pulse per RESP_TAIL
  // write that consumes), the four ring indices, device_busy, opcode and
  // req_seq (the request in service: its --requests-csv seq; both
  // kIdleOpcode / kIdleSeq while none is), irq and the count of
  // protocol_warnings into `sink`.
  void trace(trace::TraceSink& sink);
  static constexpr std::uint32_t kIdleOpcode = 0xFF;
  static constexpr std::uint32_t kIdleSeq = 0xFFFFFFFF;
  // Called with each request as its doorbell publishes it.
  void on_publish(std::function<void(const RequestRecord&)> callback) { on_publish_ = std::move(callback); }

  const RingStats& stats() const { return stats_; }
  // Ends asynchronous host work (the host thread is joined); call after
  // the simulation, before the backend is flushed.
  void finish_host_io();
  // From any thread, when the run is stopped from outside: the device stops
  // waiting in wall time for a host call that may never return.
  void stop_host_waits();
  // Starts the statistics afresh, for a driver that plays many guests on one
  // elaboration (SystemC allows only one per process), such as the ring
  // fuzzer. Only between requests: returns false, changing nothing, unless
  // the device is drained and every response consumed.
  bool clear_stats();
  bool violated() const { return config_.strict && !stats_.warnings.empty(); }

  // GuestSyncIf
  void sync_point(std::uint64_t cycle, bool final) override;
  bool should_wait() const override;
  bool drained() const override;
  const sc_core::sc_event& wake_event() const override { return wake_; }
  std::optional<std::uint32_t> exit_status() const override { return exit_status_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& gp);
  std::uint8_t read_byte(std::uint32_t off) const;
  void guest_write(std::uint32_t off, const std::uint8_t* data, unsigned len, std::uint64_t cycle);
  void write_req_head(std::uint32_t value, std::uint64_t cycle);
  void write_resp_tail(std::uint32_t value, std::uint64_t cycle);
  void warn(std::uint64_t cycle, const std::string& kind, const std::string& message);

  void worker();
  // What serving a request leaves behind; trivially destructible, because a
  // run can end while the worker waits with it (a thread abandoned at
  // sc_stop never runs its destructors).
  struct Served {
    std::uint32_t length, status;
    std::uint64_t latency_cycles;  // host work plus DMA time
    bool exit;
  };
  Served execute(const host::Request& req, std::uint64_t start);
  // Has the host thread serve `req` while the simulation goes on, never
  // letting simulated time pass start + the wall time so far; returns the
  // host's wall time in cycles.
  std::uint64_t execute_measured(const host::Request& req, host::DataBuffer buf, const host::HostTime& t,
                                 std::uint64_t start);
  std::uint64_t wall_cycles(std::chrono::nanoseconds d) const;
  // The statistics of a request served (its status and length as answered).
  void count_served(std::uint32_t opcode, std::uint32_t status, std::uint32_t length);
  void irq_timeout();
  void end_pulses();
  void completion_for_irq();
  void set_irq(bool level);
  // Notifies `e` at the falling edge of `stamp`, or at once if that is past.
  void notify_at(sc_core::sc_event& e, std::uint64_t stamp);
  void serve();
  void serve_one();
  std::uint64_t now_stamp() const { return clock_.stamp(sc_core::sc_time_stamp()); }
  // Waits until the falling edge of `stamp` (no-op if already there).
  void wait_until(std::uint64_t stamp);

  bool write(std::uint32_t addr, const std::uint8_t* data, std::uint32_t length) override;
  bool read(std::uint32_t addr, std::uint8_t* data, std::uint32_t length) override;
  bool dma_transfer(tlm::tlm_command cmd, std::uint32_t addr, std::uint8_t* data, std::uint32_t length);

  RingConfig config_;
  interconnect::CycleTime clock_;
  host::HostBackend& backend_;

  std::array<std::uint8_t, kWindowSize> window_{};  // rings and data buffer
  std::uint32_t req_head_ = 0, req_tail_ = 0, resp_head_ = 0, resp_tail_ = 0;

  sc_core::sc_event kick_;   // doorbell, sync point or final drain
  sc_core::sc_event space_;  // the guest consumed a response
  sc_core::sc_event wake_;   // for a CPU stalled in YIELD or HALT
  sc_core::sc_event irq_timer_;
  sc_core::sc_event pulse_end_;  // ends the doorbell, submit and consumed pulses
  sc_core::sc_event never_;      // what the worker waits on while a stop from outside ends the run
  trace::Probe doorbell_probe_, req_head_probe_, req_tail_probe_, resp_head_probe_, resp_tail_probe_, busy_probe_,
      opcode_probe_, irq_probe_, warnings_probe_, req_seq_probe_, submit_probe_, consumed_probe_;
  std::function<void(const RequestRecord&)> on_publish_;
  bool irq_level_ = false;  // the completion line
  std::uint32_t irq_window_ = 0;  // completions in the open coalescing window
  bool busy_ = false;
  bool final_ = false;       // the guest halted: drain everything, wait for nothing
  std::uint32_t limit_ = 0;  // yield-triggered service stops at this REQ_HEAD
  std::optional<std::uint32_t> exit_status_;
  sc_core::sc_time dma_delay_;
  std::unique_ptr<host::HostThread> host_thread_;  // asynchronous host I/O only
  host::Completion host_result_;  // what the host thread left (a member: a run may end while it works)
  std::optional<std::uint32_t> in_host_;  // the opcode of the request the host thread works on
  std::chrono::nanoseconds host_wall_{};  // the host thread's time on its last job (--host-latency measured)
  bool in_dma_ = false;  // a READ_DIRECT write is on the bus

  // Monitor and statistics state.
  std::array<std::optional<std::uint64_t>, kRingEntries> slot_written_{};  // first write since published
  std::array<std::int64_t, kRingEntries> req_record_{};   // request slot -> record index
  std::array<std::int64_t, kRingEntries> resp_record_{};  // response slot -> record index
  std::uint64_t next_seq_ = 0;
  RingStats stats_;
};

}  // namespace s32::ring
