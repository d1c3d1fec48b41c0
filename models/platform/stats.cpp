#include "platform/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <numeric>

#include "host/host_abi.hpp"
#include "host/latency_model.hpp"
#include "isa/opcodes.hpp"
#include "platform/config.hpp"

namespace s32::platform {

Distribution summarize(std::vector<std::uint64_t> v) {
  Distribution d;
  if (v.empty()) return d;
  std::sort(v.begin(), v.end());
  auto rank = [&](double p) {
    const auto k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
  };
  d.count = v.size();
  d.min = v.front();
  d.max = v.back();
  d.median = rank(0.5);
  d.p99 = rank(0.99);
  d.mean = static_cast<double>(std::accumulate(v.begin(), v.end(), std::uint64_t{0})) / static_cast<double>(v.size());
  return d;
}

double Stats::host_mips() const {
  return host_seconds > 0 ? static_cast<double>(cpu.instructions) / host_seconds / 1e6 : 0.0;
}

const Stage kRequestStages[5] = {
    {"submit_to_doorbell", &ring::RequestRecord::submit, &ring::RequestRecord::doorbell},
    {"doorbell_to_start", &ring::RequestRecord::doorbell, &ring::RequestRecord::start},
    {"start_to_host_done", &ring::RequestRecord::start, &ring::RequestRecord::host_done},
    {"host_done_to_posted", &ring::RequestRecord::host_done, &ring::RequestRecord::posted},
    {"posted_to_consumed", &ring::RequestRecord::posted, &ring::RequestRecord::consumed},
};

Distribution stage_distribution(const ring::RingStats& ring, const Stage& stage) {
  std::vector<std::uint64_t> v;
  for (const auto& r : ring.requests)
    if (r.is_consumed) v.push_back(r.*stage.to - r.*stage.from);
  return summarize(std::move(v));
}

Distribution Stats::request_latency() const {
  std::vector<std::uint64_t> v;
  for (const auto& r : ring.requests)
    if (r.is_consumed) v.push_back(r.consumed - r.doorbell);
  return summarize(std::move(v));
}

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string hex_key(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

void json_distribution(std::ostream& out, const Distribution& d) {
  out << "{\"count\": " << d.count << ", \"min\": " << d.min << ", \"median\": " << d.median << ", \"p99\": " << d.p99
      << ", \"max\": " << d.max << ", \"mean\": " << d.mean << "}";
}

Distribution occupancy(const std::vector<std::uint32_t>& samples) {
  return summarize(std::vector<std::uint64_t>(samples.begin(), samples.end()));
}

// The settings under their option names, one object per config-file
// section (the general ones at the top level).
void json_config(std::ostream& out, const Config& c) {
  const std::vector<Setting> all = settings(c);
  auto value = [&](const Setting& s) {
    switch (s.kind) {
      case Setting::Kind::Number:
      case Setting::Kind::Bool: out << s.value; break;
      case Setting::Kind::Text: out << json_string(s.value); break;
      case Setting::Kind::List:
        out << "[";
        for (std::size_t i = 0; i < s.items.size(); ++i) out << (i ? ", " : "") << json_string(s.items[i].first);
        out << "]";
        break;
      case Setting::Kind::Map:
        out << "{";
        for (std::size_t i = 0; i < s.items.size(); ++i)
          out << (i ? ", " : "") << json_string(s.items[i].first) << ": "
              << (s.numeric_items ? s.items[i].second : json_string(s.items[i].second));
        out << "}";
        break;
    }
  };
  out << "{";
  bool first = true;
  std::string section;
  for (const Setting& s : all) {
    if (s.section != section) {
      if (!section.empty()) out << "}";
      section = s.section;
      out << (first ? "" : ", ") << json_string(section) << ": {";
      first = true;
    }
    out << (first ? "" : ", ") << json_string(s.key) << ": ";
    value(s);
    first = false;
  }
  if (!section.empty()) out << "}";
  out << "}";
}

}  // namespace

void write_json(std::ostream& out, const Stats& s, const Config& config) {
  const auto& c = s.cpu;
  out << "{\n";
  out << "  \"program\": " << json_string(config.program) << ",\n";
  out << "  \"stop_reason\": " << json_string(s.stop_reason) << ",\n";
  out << "  \"exit_code\": " << s.exit_code << ",\n";
  if (!s.message.empty()) out << "  \"message\": " << json_string(s.message) << ",\n";
  out << "  \"instructions\": " << c.instructions << ",\n";
  out << "  \"cycles\": " << c.cycles << ",\n";
  out << "  \"sim_time_ns\": " << s.sim_time_ns << ",\n";
  out << "  \"clock_mhz\": " << s.clock_mhz << ",\n";
  out << "  \"host_seconds\": " << s.host_seconds << ",\n";
  out << "  \"host_mips\": " << s.host_mips() << ",\n";
  out << "  \"cpi\": " << (c.instructions ? static_cast<double>(c.cycles) / static_cast<double>(c.instructions) : 0.0)
      << ",\n";
  out << "  \"cycles_by_cause\": {\"issue\": " << c.issue_cycles << ", \"ram\": " << c.ram_cycles
      << ", \"mmio\": " << c.mmio_cycles << ", \"yield_wait\": " << c.yield_wait_cycles
      << ", \"halt_wait\": " << c.halt_wait_cycles << "},\n";
  out << "  \"yields\": " << c.yields << ",\n";
  out << "  \"yield_wait_cycles\": " << c.yield_wait_cycles << ",\n";
  out << "  \"yield_timeouts\": " << c.yield_timeouts << ",\n";
  out << "  \"mmio_accesses\": " << c.mmio_accesses << ",\n";
  out << "  \"instructions_by_class\": {";
  std::map<std::string, std::uint64_t> by_class;
  for (const isa::OpInfo& info : isa::kOpTable)
    by_class[std::string(isa::op_class_name(info.cls))] += c.opcode_counts[static_cast<unsigned>(info.op)];
  bool first = true;
  for (const auto& [k, v] : by_class) {
    out << (first ? "" : ", ") << json_string(k) << ": " << v;
    first = false;
  }
  out << "},\n";
  const auto& r = s.ring;
  const std::uint64_t total = r.total_requests();
  out << "  \"requests\": {\"total\": " << total << ", \"by_opcode\": {";
  first = true;
  for (const auto& [op, n] : r.requests_by_opcode) {
    out << (first ? "" : ", ") << json_string(hex_key(op)) << ": " << n;
    first = false;
  }
  out << "}},\n";
  out << "  \"latency_cycles\": ";
  json_distribution(out, s.request_latency());
  out << ",\n";
  out << "  \"latency_stages\": {";
  for (std::size_t i = 0; i < std::size(kRequestStages); ++i) {
    out << (i ? ", " : "") << "\n    " << json_string(kRequestStages[i].name) << ": ";
    json_distribution(out, stage_distribution(r, kRequestStages[i]));
  }
  out << "\n  },\n";
  out << "  \"ring_occupancy\": {\"request\": ";
  json_distribution(out, occupancy(r.occupancy_samples));
  out << ", \"response\": ";
  json_distribution(out, occupancy(r.response_occupancy_samples));
  out << "},\n";
  out << "  \"irqs\": " << r.irqs << ",\n";
  out << "  \"polls\": " << r.polls << ",\n";
  out << "  \"empty_polls\": " << r.empty_polls << ",\n";
  const double mcycles = static_cast<double>(c.cycles) / 1e6;
  out << "  \"throughput\": {\"requests_per_mcycle\": " << (mcycles > 0 ? static_cast<double>(total) / mcycles : 0.0)
      << ", \"payload_bytes\": " << r.payload_bytes << ", \"payload_bytes_per_kcycle\": "
      << (mcycles > 0 ? static_cast<double>(r.payload_bytes) / (mcycles * 1000) : 0.0) << "},\n";
  out << "  \"cpu_cycles\": {\"working\": " << s.working_cycles() << ", \"spinning\": " << s.spinning_cycles()
      << ", \"waiting\": " << s.waiting_cycles() << "},\n";
  out << "  \"backpressure_cycles\": " << r.backpressure_cycles << ",\n";
  // Measured latencies make the cycles of this run its own: say so, for
  // whoever compares runs.
  out << "  \"host_latency\": {\"mode\": " << json_string(config.ring.measured_latency ? "measured" : "model")
      << ", \"deterministic\": " << (config.ring.measured_latency ? "false" : "true")
      << ", \"measured_requests\": " << r.measured_requests << "},\n";
  out << "  \"responses_dropped_after_halt\": " << r.responses_dropped_after_halt << ",\n";
  out << "  \"doorbells\": " << r.doorbells << ",\n";
  out << "  \"device_busy_cycles\": " << r.busy_cycles << ",\n";
  out << "  \"protocol_warnings\": {\"total\": " << r.warnings.size() << ", \"by_kind\": {";
  std::map<std::string, std::uint64_t> kinds;
  for (const auto& w : r.warnings) ++kinds[w.kind];
  first = true;
  for (const auto& [k, n] : kinds) {
    out << (first ? "" : ", ") << json_string(k) << ": " << n;
    first = false;
  }
  out << "}},\n";
  std::uint64_t refused = 0;
  for (const auto& [service, n] : s.policy_refused) refused += n;
  out << "  \"policy_refused\": {\"total\": " << refused << ", \"by_service\": {";
  first = true;
  for (const auto& [service, n] : s.policy_refused) {
    out << (first ? "" : ", ") << json_string(service) << ": " << n;
    first = false;
  }
  out << "}},\n";
  out << "  \"config\": ";
  json_config(out, config);
  out << "\n}\n";
}

void write_requests_csv(std::ostream& out, const ring::RingStats& ring) {
  out << "seq,opcode,name,submit,doorbell,start,host_done,posted,consumed\n";
  for (const auto& r : ring.requests) {
    const char* name = host::opcode_name(r.opcode);
    out << r.seq << "," << hex_key(r.opcode) << "," << (name ? name : "?") << "," << r.submit << "," << r.doorbell
        << ",";
    if (r.completed) out << r.start << "," << r.host_done;
    else out << ",";
    out << ",";
    if (r.completed && !r.dropped) out << r.posted;
    out << ",";
    if (r.is_consumed) out << r.consumed;
    out << "\n";
  }
}

void print_summary(std::ostream& out, const Stats& s) {
  const auto& c = s.cpu;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "s32sim: %s, exit status %d\n"
                "  instructions %llu, cycles %llu (CPI %.2f), simulated %.3f us at %.0f MHz\n"
                "  host %.3f s, %.1f MIPS\n",
                s.stop_reason.c_str(), s.exit_code, static_cast<unsigned long long>(c.instructions),
                static_cast<unsigned long long>(c.cycles),
                c.instructions ? static_cast<double>(c.cycles) / static_cast<double>(c.instructions) : 0.0,
                s.sim_time_ns / 1000.0, s.clock_mhz, s.host_seconds, s.host_mips());
  out << buf;
  if (!s.policy_refused.empty()) {
    out << "  policy refused";
    for (const auto& [service, n] : s.policy_refused) out << " " << service << " " << n;
    out << " requests\n";
  }
  if (s.has_ring) {
    const std::uint64_t total = s.ring.total_requests();
    const Distribution lat = s.request_latency();
    std::snprintf(buf, sizeof buf,
                  "  requests %llu, latency (doorbell to consumed) median %llu p99 %llu max %llu cycles\n"
                  "  yield wait %llu cycles (%llu timeouts), back-pressure %llu cycles\n",
                  static_cast<unsigned long long>(total), static_cast<unsigned long long>(lat.median),
                  static_cast<unsigned long long>(lat.p99), static_cast<unsigned long long>(lat.max),
                  static_cast<unsigned long long>(c.yield_wait_cycles),
                  static_cast<unsigned long long>(c.yield_timeouts),
                  static_cast<unsigned long long>(s.ring.backpressure_cycles));
    out << buf;
    if (!s.ring.warnings.empty()) {
      out << "  protocol warnings: " << s.ring.warnings.size() << "\n";
      for (std::size_t i = 0; i < s.ring.warnings.size() && i < 5; ++i)
        out << "    cycle " << s.ring.warnings[i].cycle << ": " << s.ring.warnings[i].message << "\n";
    }
  }
  if (!s.message.empty()) out << "  " << s.message << "\n";
}

}  // namespace s32::platform
