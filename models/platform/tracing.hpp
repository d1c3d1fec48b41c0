// The traces besides the statistics, as one run configures them: the
// trace window and its trigger (--trace-from/-to/-start-at), the
// instruction trace, the timeline, and the GTKWave view written with a
// VCD. It watches the CPU and the device only when a trace needs it.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "cpu/cpu_observer.hpp"
#include "cpu/slow32_cpu.hpp"
#include "interconnect/cycle_time.hpp"
#include "isa/image.hpp"
#include "platform/config.hpp"
#include "platform/stats.hpp"
#include "ring/ring_device.hpp"
#include "trace/event_trace.hpp"
#include "trace/insn_trace.hpp"
#include "trace/trace_window.hpp"
#include "trace/vcd_writer.hpp"

namespace s32::platform {

class Tracing : public cpu::CpuObserver {
 public:
  // Resolves --trace-start-at against the program's symbols and creates the
  // trace files; throws std::runtime_error with one line naming the problem.
  Tracing(const Config& config, const isa::Image& image, const interconnect::CycleTime& clock);
  ~Tracing() override;
  Tracing(const Tracing&) = delete;
  Tracing& operator=(const Tracing&) = delete;

  const trace::TraceWindow& window() const { return window_; }
  void attach(cpu::Slow32Cpu& cpu, ring::RingDevice* ring);
  // After the run: closes the instruction trace, writes the timeline and,
  // for a VCD holding `vcd_signals`, its view FILE.gtkw with the filters it
  // names. One line on `err` for each file that could not be written.
  void finish(const Stats& stats, const std::vector<trace::VcdWriter::Declared>& vcd_signals, std::ostream& err);

  bool stepping(std::uint64_t cycle) const override;
  std::uint64_t next_change(std::uint64_t cycle) const override;
  void retired(const isa::Core& core, std::uint64_t start, std::uint32_t pc, std::uint32_t word) override;
  void span(cpu::Activity what, std::uint64_t from, std::uint64_t to) override;

 private:
  void write_view(const Stats& stats, const std::vector<trace::VcdWriter::Declared>& vcd_signals,
                  std::uint64_t end_cycle, std::ostream& err) const;

  const Config& config_;
  const isa::Image& image_;
  interconnect::CycleTime clock_;
  std::optional<std::uint32_t> trigger_pc_;
  std::optional<std::uint64_t> trigger_request_;
  trace::TraceWindow window_;
  std::unique_ptr<trace::InsnTraceWriter> insn_;
  std::unique_ptr<trace::EventTrace> events_;
  std::FILE* events_file_ = nullptr;  // opened up front, so a bad path fails before the run
  cpu::Slow32Cpu* cpu_ = nullptr;
};

}  // namespace s32::platform
