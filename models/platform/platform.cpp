#include "platform/platform.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cpu/slow32_cpu.hpp"
#include "host/console.hpp"
#include "host/posix_backend.hpp"
#include "interconnect/bus.hpp"
#include "interconnect/cycle_time.hpp"
#include "isa/symbolizer.hpp"
#include "memory/ram.hpp"
#include "platform/output_file.hpp"
#include "ring/ring_device.hpp"
#include "platform/tracing.hpp"
#include "trace/trace_window.hpp"
#include "trace/vcd_writer.hpp"

namespace s32::platform {

namespace {

// Stands in for the ring device when the program has no MMIO window: YIELD
// is a no-op and HALT ends the run at once.
class NoDevice : public sc_core::sc_module, public cpu::GuestSyncIf {
 public:
  explicit NoDevice(sc_core::sc_module_name name) : sc_module(name) {}
  void sync_point(std::uint64_t, bool) override {}
  bool should_wait() const override { return false; }
  bool drained() const override { return true; }
  const sc_core::sc_event& wake_event() const override { return never_; }
  std::optional<std::uint32_t> exit_status() const override { return std::nullopt; }

 private:
  sc_core::sc_event never_;
};

// Reports progress on long runs: wakes every `step` simulated cycles (it
// touches no model state, so results do not change) and prints a line on
// stderr when a few seconds of host time have passed.
class ProgressReporter : public sc_core::sc_module {
 public:
  ProgressReporter(sc_core::sc_module_name name, const interconnect::CycleTime& clock, const cpu::Slow32Cpu& cpu,
                   const isa::Image& image)
      : sc_module(name), clock_(clock), cpu_(cpu), image_(image), last_(std::chrono::steady_clock::now()), start_(last_) {
    SC_HAS_PROCESS(ProgressReporter);
    SC_THREAD(run);
  }

 private:
  static constexpr std::uint64_t kStepCycles = 1'000'000;
  static constexpr double kIntervalSeconds = 2.0;

  void run() {
    for (;;) {
      wait(clock_.period() * static_cast<double>(kStepCycles));
      const auto now = std::chrono::steady_clock::now();
      if (std::chrono::duration<double>(now - last_).count() < kIntervalSeconds) continue;
      last_ = now;
      const double host = std::chrono::duration<double>(now - start_).count();
      const std::uint64_t cycles = clock_.cycle_at_or_after(sc_core::sc_time_stamp());
      std::fprintf(stderr, "s32sim: %llu cycles (%.3f ms simulated), %llu instructions, pc %s, %.0f s on the host\n",
                   static_cast<unsigned long long>(cycles), static_cast<double>(cycles) * clock_.period_ns() / 1e6,
                   static_cast<unsigned long long>(cpu_.core().instret()),
                   isa::describe_address(&image_, cpu_.core().pc()).c_str(), host);
    }
  }

  interconnect::CycleTime clock_;
  const cpu::Slow32Cpu& cpu_;
  const isa::Image& image_;
  std::chrono::steady_clock::time_point last_, start_;
};

// Carries a stop asked for by another thread (the signal watcher) into the
// kernel: async_request_update is SystemC's thread-safe entry, and update()
// runs between delta cycles, where sc_stop is safe. The CPU syncs at least
// every kMaxQuantum cycles, so the kernel sees the request within
// milliseconds in every mode.
class ExternalStop : public sc_core::sc_prim_channel {
 public:
  ExternalStop() : sc_prim_channel("external_stop") {}
  void request(int signal) {
    signal_.store(signal);
    async_request_update();
  }
  int signal() const { return signal_.load(); }

 private:
  void update() override {
    // The run may have ended in the same delta cycle (a second sc_stop
    // would warn).
    if (sc_core::sc_get_curr_simcontext()->sim_status() != sc_core::SC_SIM_USER_STOP) sc_core::sc_stop();
  }
  std::atomic<int> signal_{0};
};

const char* signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
  }
  return "a signal";
}

std::vector<isa::Region> ram_regions(const isa::Image& image) {
  std::vector<isa::Region> out;
  for (const isa::Region& r : image.regions)
    if (r.kind != isa::RegionKind::Mmio) out.push_back(r);
  return out;
}

}  // namespace

struct Platform::Impl {
  Config config;
  isa::Image image;
  interconnect::CycleTime clock;
  host::Console console;
  std::unique_ptr<host::PosixBackend> backend;
  interconnect::Bus bus;
  memory::Ram ram;
  cpu::Slow32Cpu cpu;
  std::unique_ptr<ring::RingDevice> ring;
  std::unique_ptr<NoDevice> no_device;
  std::unique_ptr<ProgressReporter> progress;
  std::unique_ptr<Tracing> tracing;
  std::unique_ptr<trace::VcdWriter> vcd;
  std::unique_ptr<trace::WindowedSink> vcd_window;  // a window or a selection of the VCD
  ExternalStop external_stop;
  Stats stats;

  void open_vcd() {
    // Every traced change happens on a clock edge, so the file counts in the
    // coarsest unit that holds them all (1 ns at 100 MHz).
    vcd = std::make_unique<trace::VcdWriter>(config.vcd, trace::vcd_tick_ps(clock.period_ps()));
    trace::TraceSink* sink = vcd.get();
    if (config.trace.windowed() || !config.trace.signals.empty()) {
      vcd_window = std::make_unique<trace::WindowedSink>(*vcd, tracing->window(), clock.period_ps(),
                                                         config.trace.signals);
      sink = vcd_window.get();
    }
    if (config.cycle_stepped && (!vcd_window || vcd_window->selected("", "clk")))
      vcd->add_clock("", "clk", clock.period_ps());
    cpu.trace(*sink);
    if (ring) ring->trace(*sink);
    if (vcd_window)
      vcd_window->check_selection(config.cycle_stepped ? std::vector<std::string>{"clk"} : std::vector<std::string>{});
  }

  bool close_vcd(std::uint64_t end_ps) { return vcd_window ? vcd_window->close(end_ps) : vcd->close(end_ps); }

  explicit Impl(Config c)
      : config(std::move(c)),
        image(isa::load_s32x_file(config.program)),
        clock(config.clock_mhz),
        console(config.stdin_fd, config.stdout_fd, config.stderr_fd),
        bus("bus"),
        ram("ram", ram_regions(image), clock.period() * static_cast<double>(config.ram_latency)),
        cpu("cpu", config.cpu, clock, cpu::BootInfo{image.entry, image.stack_pointer, image.code_limit, &image},
            [this](std::uint8_t b) { console.put(b); }, config.cycle_stepped) {
    memory::load_image(ram.storage(), image);
    cpu.socket.bind(bus.targets_side);
    bus.initiators_side.bind(ram.socket);
    for (const isa::Region& r : ram.regions()) bus.map(r.base, r.size, 0, r.base, isa::region_kind_name(r.kind));
    if (image.mmio_base) {
      config.host.argv.clear();
      config.host.argv.push_back(config.argv0.empty() ? config.program : config.argv0);
      config.host.argv.insert(config.host.argv.end(), config.guest_args.begin(), config.guest_args.end());
      config.host.tube.code_limit = image.code_limit;
      config.host.exec.options = exec_child_options(config);
      backend = std::make_unique<host::PosixBackend>(config.host, console);
      ring = std::make_unique<ring::RingDevice>("ring", config.ring, clock, *backend);
      ring->dma.bind(bus.targets_side);
      bus.initiators_side.bind(ring->socket);
      bus.map(*image.mmio_base, ring::kWindowSize, 1, 0, "ring");
      cpu.sync.bind(*ring);
    } else {
      no_device = std::make_unique<NoDevice>("no_device");
      cpu.sync.bind(*no_device);
    }
    tracing = std::make_unique<Tracing>(config, image, clock);
    tracing->attach(cpu, ring.get());
    if (!config.vcd.empty()) open_vcd();
    if (config.progress) progress = std::make_unique<ProgressReporter>("progress", clock, cpu, image);
  }
};

Platform::Platform(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Platform::~Platform() = default;

const isa::Image& Platform::image() const { return impl_->image; }
const Config& Platform::config() const { return impl_->config; }

void Platform::request_stop(int signal) {
  impl_->external_stop.request(signal);
  if (impl_->ring) impl_->ring->stop_host_waits();
  // A sync-mode run waits inside EXEC until the child ends.
  if (impl_->backend) impl_->backend->interrupt(signal);
}

const Stats& Platform::run() {
  Impl& m = *impl_;
  const auto t0 = std::chrono::steady_clock::now();
  if (!m.external_stop.signal()) sc_core::sc_start();
  if (m.ring) m.ring->finish_host_io();
  const auto t1 = std::chrono::steady_clock::now();
  if (m.backend) m.backend->flush();
  m.console.flush();

  if (m.cpu.outcome().cause == cpu::StopCause::Running) m.cpu.charge_open_stall();
  Stats& s = m.stats;
  s.cpu = m.cpu.stats();
  s.clock_mhz = m.config.clock_mhz;
  s.sim_time_ns = static_cast<double>(s.cpu.cycles) * m.clock.period_ns();
  s.host_seconds = std::chrono::duration<double>(t1 - t0).count();
  if (m.ring) {
    s.ring = m.ring->stats();
    s.has_ring = true;
  }
  if (m.backend) s.policy_refused = m.backend->refused();
  const cpu::CpuOutcome& o = m.cpu.outcome();
  s.message = o.message;
  s.stop_reason = cpu::stop_cause_name(o.cause);
  switch (o.cause) {
    case cpu::StopCause::Halt:
    case cpu::StopCause::Exit: s.exit_code = static_cast<int>(o.exit_status & 0xFF); break;
    case cpu::StopCause::AssertFailed: s.exit_code = kExitAssertFailed; break;
    case cpu::StopCause::CycleLimit:
      s.exit_code = kExitCycleLimit;
      s.message = "cycle limit of " + std::to_string(m.config.cpu.max_cycles) + " reached";
      break;
    case cpu::StopCause::Fault:
      s.exit_code = (o.fault.kind == isa::FaultKind::IllegalOpcode || o.fault.kind == isa::FaultKind::BadRegisterPair)
                        ? kExitIllegalInstruction
                        : kExitMemoryFault;
      break;
    case cpu::StopCause::Running:
      if (const int signal = m.external_stop.signal()) {
        s.stop_reason = "interrupted";
        s.exit_code = 128 + signal;
        s.message = std::string("interrupted by ") + signal_name(signal) + " at cycle " + std::to_string(s.cpu.cycles);
      } else {
        // The kernel ran out of events with the CPU still waiting.
        s.stop_reason = "stalled";
        s.exit_code = kExitStalled;
        s.message = "stalled at cycle " + std::to_string(s.cpu.cycles) +
                    ": the CPU waits for the device and nothing is left to happen (a YIELD with no timeout)";
      }
      break;
  }
  if (s.ring.responses_dropped_after_halt && s.message.empty())
    s.message = std::to_string(s.ring.responses_dropped_after_halt) +
                " responses dropped: the guest halted with the response ring full and never consumed them";
  if (m.ring && m.ring->violated()) {
    s.stop_reason = "protocol-violation";
    s.exit_code = kExitProtocolViolation;
    s.message = "protocol violation (--strict): " + s.ring.warnings.front().message;
  }
  // A report that cannot be written fails the run, unless it failed anyway.
  auto output_failed = [&](const char* what, const std::string& path, const std::string& reason) {
    std::cerr << "s32sim: cannot write " << what << " to '" << path << "': " << reason << "\n";
    if (s.exit_code == 0) s.exit_code = kExitOutputError;
  };
  if (m.vcd && !m.close_vcd(m.clock.period_ps() * m.cpu.core().cycles()))
    output_failed("the waveform", m.config.vcd, "write error");
  if (!m.config.requests_csv.empty()) {
    std::ostringstream out;
    write_requests_csv(out, s.ring);
    if (const std::string e = write_output(m.config.requests_csv, out.str()); !e.empty())
      output_failed("the request log", m.config.requests_csv, e);
  }
  m.tracing->finish(s, m.vcd ? m.vcd->declared() : std::vector<trace::VcdWriter::Declared>{}, std::cerr);
  if (!m.config.stats_json.empty()) {
    std::ostringstream out;
    write_json(out, s, m.config);
    if (const std::string e = write_output(m.config.stats_json, out.str()); !e.empty())
      output_failed("statistics", m.config.stats_json, e);
  }
  return s;
}

}  // namespace s32::platform
