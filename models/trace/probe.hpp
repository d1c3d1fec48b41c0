// One traced value of a SystemC module: reports changes, stamped with the
// kernel's current time or a time the module gives (a cycle-stepped CPU
// running ahead of the kernel stamps its own cycle), to a TraceSink; does
// nothing until bound.
#pragma once

#include <systemc>

#include "trace/trace_sink.hpp"

namespace s32::trace {

class Probe {
 public:
  void bind(TraceSink& sink, const std::string& scope, const std::string& name, unsigned width,
            std::uint64_t initial = 0) {
    sink_ = &sink;
    id_ = sink.declare(scope, name, width);
    last_ = initial;
    sink_->change(id_, initial, now_ps());
  }
  bool bound() const { return sink_ != nullptr; }
  void set(std::uint64_t value) {
    if (sink_ && value != last_) set(value, now_ps());
  }
  void set(std::uint64_t value, std::uint64_t time_ps) {
    if (sink_ && value != last_) {
      last_ = value;
      sink_->change(id_, value, time_ps);
    }
  }

  static std::uint64_t now_ps() {
    static const std::uint64_t per_ps = sc_core::sc_time(1, sc_core::SC_PS).value();
    return sc_core::sc_time_stamp().value() / per_ps;
  }

 private:
  TraceSink* sink_ = nullptr;
  TraceSink::Id id_ = 0;
  std::uint64_t last_ = 0;
};

}  // namespace s32::trace
