// What the CPU needs from the host-interface device at its synchronisation
// points (YIELD and HALT): to tell it the guest reached one, to know whether
// a YIELD should stall, what to wait on, and whether the guest asked to exit.
// The ring device implements it; queries answer for the present simulated
// time, so the CPU syncs before asking.
#pragma once

#include <cstdint>
#include <optional>

#include <systemc>

namespace s32::cpu {

class GuestSyncIf : public virtual sc_core::sc_interface {
 public:
  // The guest executed YIELD (or HALT, `final`) starting in `cycle`.
  virtual void sync_point(std::uint64_t cycle, bool final) = 0;
  // A stalling YIELD keeps waiting: work is in flight and no response is
  // waiting for the guest.
  virtual bool should_wait() const = 0;
  // Nothing queued or in service.
  virtual bool drained() const = 0;
  // Notified when a response is posted, the completion line rises, the
  // device drains, or the guest's EXIT is processed.
  virtual const sc_core::sc_event& wake_event() const = 0;
  // The status of a processed EXIT request.
  virtual std::optional<std::uint32_t> exit_status() const = 0;
};

}  // namespace s32::cpu
