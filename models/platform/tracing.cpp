#include "platform/tracing.hpp"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "host/host_abi.hpp"
#include "isa/symbolizer.hpp"
#include "trace/gtkw_view.hpp"
#include "trace/output_file.hpp"

namespace s32::platform {

namespace {

std::uint64_t parse_number(const std::string& s, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (s.empty() || *end || errno || s[0] == '-')
    throw std::runtime_error("--trace-start-at: bad " + what + " '" + s + "'");
  return v;
}

using Filter = std::vector<std::pair<std::uint64_t, std::string>>;

// pc -> function+0xoff for every instruction word of the program.
Filter pc_filter(const isa::Image& image) {
  Filter f;
  for (std::uint64_t pc = 0; pc + 4 <= image.code_limit; pc += 4) {
    std::string name = isa::symbolize(image, static_cast<std::uint32_t>(pc));
    if (!name.empty()) f.emplace_back(pc, std::move(name));
  }
  return f;
}

Filter cpu_state_filter() {
  Filter f;
  for (unsigned s = 0; s < cpu::kNumCpuStates; ++s) f.emplace_back(s, cpu::cpu_state_name(static_cast<cpu::CpuState>(s)));
  return f;
}

Filter opcode_filter() {
  Filter f;
  for (unsigned op = 0; op < 256; ++op)
    if (const char* name = host::opcode_name(op)) f.emplace_back(op, name);
  f.emplace_back(ring::RingDevice::kIdleOpcode, "idle");
  return f;
}

// seq -> "#SEQ_OPCODE" for this run's requests.
Filter req_seq_filter(const ring::RingStats& ring) {
  Filter f;
  for (const ring::RequestRecord& r : ring.requests) {
    const char* name = host::opcode_name(r.opcode);
    f.emplace_back(r.seq, "#" + std::to_string(r.seq) + "_" + (name ? name : "?"));
  }
  f.emplace_back(ring::RingDevice::kIdleSeq, "idle");
  return f;
}

std::vector<trace::TimelineRequest> timeline_requests(const ring::RingStats& ring) {
  std::vector<trace::TimelineRequest> out;
  for (const ring::RequestRecord& r : ring.requests) {
    trace::TimelineRequest t;
    t.seq = r.seq;
    const char* name = host::opcode_name(r.opcode);
    t.name = name ? name : "opcode " + std::to_string(r.opcode);
    t.submit = r.submit;
    t.doorbell = r.doorbell;
    t.start = r.start;
    t.host_done = r.host_done;
    t.posted = r.posted;
    t.consumed = r.consumed;
    t.served = r.completed;
    t.posted_ok = r.completed && !r.dropped;
    t.consumed_ok = r.is_consumed;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

Tracing::Tracing(const Config& config, const isa::Image& image, const interconnect::CycleTime& clock)
    : config_(config), image_(image), clock_(clock), window_(0, 0, false) {
  const trace::TraceConfig& t = config.trace;
  if (t.to && t.to <= t.from) throw std::runtime_error("--trace-to must be after --trace-from");
  const std::string& at = t.start_at;
  if (at.rfind("pc=", 0) == 0) {
    trigger_pc_ = static_cast<std::uint32_t>(parse_number(at.substr(3), "address"));
  } else if (at.rfind("request=", 0) == 0) {
    trigger_request_ = parse_number(at.substr(8), "request number");
  } else if (!at.empty()) {
    const isa::Symbol* sym = image.find_symbol(at);
    if (!sym || sym->absolute)
      throw std::runtime_error("--trace-start-at: the program has no symbol '" + at + "' (pc=ADDR or request=N?)");
    trigger_pc_ = sym->value;
  }
  window_ = trace::TraceWindow(t.from, t.to, !at.empty());
  if (!config.trace_insn.empty()) insn_ = std::make_unique<trace::InsnTraceWriter>(config.trace_insn, image);
  if (!config.trace_events.empty()) {
    events_file_ = trace::open_output(config.trace_events, "timeline");
    events_ = std::make_unique<trace::EventTrace>(clock.period_ps());
  }
}

Tracing::~Tracing() {
  if (events_file_) std::fclose(events_file_);
}

void Tracing::attach(cpu::Slow32Cpu& cpu, ring::RingDevice* ring) {
  cpu_ = &cpu;
  if (insn_ || trigger_pc_ || events_) cpu.observe(*this);
  if (ring && trigger_request_) {
    ring->on_publish([this](const ring::RequestRecord& r) {
      if (r.seq != *trigger_request_ || !window_.armed()) return;
      window_.trigger(r.doorbell);
      cpu_->observer_changed();
    });
  }
}

bool Tracing::stepping(std::uint64_t cycle) const {
  return (insn_ && window_.contains(cycle)) || (trigger_pc_ && window_.armed() && cycle >= window_.from());
}

std::uint64_t Tracing::next_change(std::uint64_t cycle) const {
  if (trigger_pc_ && window_.armed()) return cycle < window_.from() ? window_.from() : UINT64_MAX;
  return window_.next_change(cycle);
}

void Tracing::retired(const isa::Core& core, std::uint64_t start, std::uint32_t pc, std::uint32_t word) {
  if (trigger_pc_ && pc == *trigger_pc_) window_.trigger(start);
  if (insn_ && window_.contains(start)) insn_->retired(core, start, pc, word);
}

void Tracing::span(cpu::Activity what, std::uint64_t from, std::uint64_t to) {
  if (!events_) return;
  switch (what) {
    case cpu::Activity::Spin: events_->cpu_span("spinning", from, to); break;
    case cpu::Activity::YieldWait: events_->cpu_span("yield_wait", from, to); break;
    case cpu::Activity::HaltWait: events_->cpu_span("halt_wait", from, to); break;
  }
}

void Tracing::finish(const Stats& stats, const std::vector<trace::VcdWriter::Declared>& vcd_signals,
                     std::ostream& err) {
  const std::uint64_t end = stats.cpu.cycles;
  if (window_.armed())
    err << "s32sim: --trace-start-at " << config_.trace.start_at << " never happened: the traces hold no window\n";
  if (insn_ && !insn_->close()) err << "s32sim: writing the instruction trace '" << config_.trace_insn << "' failed\n";
  if (events_) {
    // A window that never opened holds nothing.
    const std::uint64_t from = window_.start().value_or(end);
    const bool ok = events_->write(events_file_, timeline_requests(stats.ring), from, window_.end(), end);
    events_file_ = nullptr;
    if (!ok) err << "s32sim: writing the timeline '" << config_.trace_events << "' failed\n";
  }
  if (!config_.vcd.empty() && !trace::is_stdout(config_.vcd)) write_view(stats, vcd_signals, end, err);
}

void Tracing::write_view(const Stats& stats, const std::vector<trace::VcdWriter::Declared>& vcd_signals,
                         std::uint64_t end_cycle, std::ostream& err) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string vcd = fs::absolute(config_.vcd, ec).lexically_normal().string();
  auto write = [&](const std::string& path, auto&& body) {
    std::ofstream out(path);
    body(out);
    out.close();
    if (!out) err << "s32sim: cannot write '" << path << "'\n";
  };
  struct Named {
    const char* signal;
    const char* suffix;
    Filter entries;
    const char* comment;
  };
  const std::vector<Named> filters = {
      {"cpu.pc", ".pc.gtkwfilter", pc_filter(image_), "cpu.pc as function+0xoff in this program"},
      {"cpu.cpu_state", ".cpu_state.gtkwfilter", cpu_state_filter(), "cpu.cpu_state by name"},
      {"ring.opcode", ".opcode.gtkwfilter", opcode_filter(), "ring.opcode by name"},
      {"ring.req_seq", ".req_seq.gtkwfilter", req_seq_filter(stats.ring),
       "ring.req_seq: the request in service (--requests-csv seq) and its opcode"},
  };
  trace::View view;
  view.dumpfile = vcd;
  view.savefile = vcd + ".gtkw";
  const std::uint64_t end = std::min(end_cycle, window_.end());
  const std::uint64_t unit = trace::vcd_unit_ps(trace::vcd_tick_ps(clock_.period_ps()));
  view.start = std::min(window_.start().value_or(end), end) * clock_.period_ps() / unit;
  view.end = end * clock_.period_ps() / unit;
  view.groups = {{"CPU", {}}, {"Bus", {}}, {"Ring device", {}}};
  for (const trace::VcdWriter::Declared& d : vcd_signals) {
    const std::string full = trace::signal_name(d.scope, d.name);
    trace::ViewSignal s{d.scope, d.name, d.width, "", false};
    for (const Named& f : filters)
      if (full == f.signal) s.filter = vcd + f.suffix;
    s.decimal = d.name == "instret" || d.name.find("req_") == 0 || d.name.find("resp_") == 0 ||
                d.name == "protocol_warnings";
    const std::size_t group = d.scope == "ring" ? 2 : d.name.rfind("bus_", 0) == 0 ? 1 : 0;
    view.groups[group].signals.push_back(std::move(s));
  }
  for (const Named& f : filters) {
    const bool used = std::any_of(vcd_signals.begin(), vcd_signals.end(), [&](const trace::VcdWriter::Declared& d) {
      return trace::signal_name(d.scope, d.name) == f.signal;
    });
    if (used) write(vcd + f.suffix, [&](std::ostream& out) { trace::write_filter(out, f.comment, f.entries); });
  }
  write(view.savefile, [&](std::ostream& out) { trace::write_gtkw(out, view); });
}

}  // namespace s32::platform
