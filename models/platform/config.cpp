#include "platform/config.hpp"

#include <filesystem>
#include <sstream>

#include "host/latency_model.hpp"
#include "isa/opcodes.hpp"

namespace s32::platform {

std::string apply_profile(Config& config, const std::string& name) {
  if (name == "default") {
    config.profile = name;
    return {};
  }
  if (name == "reference") {
    config.profile = name;
    config.ring.trigger = ring::Trigger{false, true, 0};
    config.cpu.yield = cpu::YieldMode::Spin;
    config.cpu.costs.set("yield", 1);
    config.host.latency = host::LatencyModel::zero();
    config.host.read_direct = false;
    return {};
  }
  return "unknown profile '" + name + "' (default, reference)";
}

namespace {

std::string number(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

}  // namespace

std::vector<Setting> settings(const Config& c) {
  using K = Setting::Kind;
  std::vector<Setting> out;
  auto add = [&](const char* section, const char* key, K kind, std::string value) {
    Setting s;
    s.section = section;
    s.key = key;
    s.kind = kind;
    s.value = std::move(value);
    out.push_back(std::move(s));
  };
  auto flag = [](bool b) { return std::string(b ? "true" : "false"); };
  auto add_items = [&](const char* section, const char* key, K kind,
                       std::vector<std::pair<std::string, std::string>> items, bool numeric) {
    Setting s;
    s.section = section;
    s.key = key;
    s.kind = kind;
    s.items = std::move(items);
    s.numeric_items = numeric;
    out.push_back(std::move(s));
  };

  add("", "profile", K::Text, c.profile);
  add("", "mode", K::Text, c.cycle_stepped ? "cycle" : "fast");
  add("", "clock-mhz", K::Number, number(c.clock_mhz));
  add("", "max-cycles", K::Number, std::to_string(c.cpu.max_cycles));
  if (!c.argv0.empty()) add("", "argv0", K::Text, c.argv0);

  std::vector<std::pair<std::string, std::string>> args;
  for (const std::string& a : c.guest_args) args.emplace_back(a, "");
  add("guest", "program", K::Text, c.program);
  add_items("guest", "arg", K::List, std::move(args), false);

  const bool spin = c.cpu.yield == cpu::YieldMode::Spin;
  if (!c.cycle_stepped) add("cpu", "engine", K::Text, cpu::engine_name(c.cpu.engine));
  if (!c.cycle_stepped) add("cpu", "quantum", K::Number, std::to_string(c.cpu.quantum));
  add("cpu", "yield", K::Text, spin ? "spin:" + std::to_string(c.cpu.costs[0x51]) : "wait");
  if (!spin) add("cpu", "yield-timeout", K::Number, std::to_string(c.cpu.yield_timeout));
  std::vector<std::pair<std::string, std::string>> costs;
  for (const isa::OpInfo& info : isa::kOpTable)
    costs.emplace_back(std::string(info.mnemonic), std::to_string(c.cpu.costs[static_cast<std::uint8_t>(info.op)]));
  add_items("cpu", "cost", K::Map, std::move(costs), true);

  add("ring", "trigger", K::Text, ring::trigger_name(c.ring.trigger));
  add("ring", "irq", K::Text, c.ring.irq.enabled ? "on" : "off");
  if (c.ring.irq.enabled)
    add("ring", "irq-coalesce", K::Text, std::to_string(c.ring.irq.count) + "," + std::to_string(c.ring.irq.cycles));
  add("ring", "mmio-latency", K::Number, std::to_string(c.ring.access_cycles));
  add("ring", "strict", K::Bool, flag(c.ring.strict));

  add("memory", "ram-latency", K::Number, std::to_string(c.ram_latency));

  add("host", "root", K::Text, c.host.root);
  std::vector<std::pair<std::string, std::string>> dirs;
  for (const host::DirGrant& g : c.host.dirs) dirs.emplace_back(g.spec(), "");
  if (!dirs.empty()) add_items("host", "dir", K::List, std::move(dirs), false);
  std::vector<std::pair<std::string, std::string>> env;
  for (const std::string& kv : c.host.env) {
    const auto eq = kv.find('=');
    env.emplace_back(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
  }
  add_items("host", "env", K::Map, std::move(env), false);
  if (c.host.epoch_ns) add("host", "epoch", K::Text, host::epoch_text(*c.host.epoch_ns));
  add("host", "host-clock", K::Bool, flag(c.host.host_clock));
  add("host", "read-direct", K::Text, c.host.read_direct ? "on" : "off");
  add("host", "host-io", K::Text, c.ring.async_host ? "async" : "sync");
  add("host", "host-latency", K::Text, c.ring.measured_latency ? "measured" : "model");
  if (!c.host.tube.dump_dir.empty()) add("host", "tube-dump", K::Text, c.host.tube.dump_dir);
  if (!c.host.tube.keys_file.empty()) add("host", "tube-keys", K::Text, c.host.tube.keys_file);
  for (const host::PolicyList& l : host::kPolicyLists) {
    std::vector<std::pair<std::string, std::string>> names;
    for (const std::string& n : c.host.policy.*l.list) names.emplace_back(n, "");
    if (!names.empty()) add_items("host", l.name, K::List, std::move(names), false);
  }
  std::vector<std::pair<std::string, std::string>> latency;
  for (unsigned i = 0; i < host::kNumServiceClasses; ++i) {
    const auto& k = c.host.latency.cost[i];
    latency.emplace_back(host::service_class_name(static_cast<host::ServiceClass>(i)),
                         std::to_string(k.fixed) + "+" + std::to_string(k.per_byte));
  }
  add_items("host", "latency", K::Map, std::move(latency), false);

  if (!c.stats_json.empty()) add("output", "stats-json", K::Text, c.stats_json);
  if (!c.requests_csv.empty()) add("output", "requests-csv", K::Text, c.requests_csv);
  if (!c.vcd.empty()) add("output", "vcd", K::Text, c.vcd);
  add("output", "quiet", K::Bool, flag(c.quiet));
  add("output", c.progress ? "progress" : "no-progress", K::Bool, "true");

  if (c.trace.from) add("trace", "trace-from", K::Number, std::to_string(c.trace.from));
  if (c.trace.to) add("trace", "trace-to", K::Number, std::to_string(c.trace.to));
  if (!c.trace.start_at.empty()) add("trace", "trace-start-at", K::Text, c.trace.start_at);
  if (!c.trace.signals.empty()) {
    std::vector<std::pair<std::string, std::string>> signals;
    for (const std::string& g : c.trace.signals) signals.emplace_back(g, "");
    add_items("trace", "trace-signals", K::List, std::move(signals), false);
  }
  if (!c.trace_insn.empty()) add("trace", "trace-insn", K::Text, c.trace_insn);
  if (!c.trace_events.empty()) add("trace", "trace-events", K::Text, c.trace_events);
  return out;
}

std::vector<std::string> exec_child_options(const Config& config) {
  std::vector<std::string> out;
  for (const Setting& s : settings(config)) {
    if (s.section == "guest" || s.section == "output" || s.section == "trace") continue;
    if (s.key == "argv0" || s.key == "root" || s.key == "epoch") continue;
    const std::string option = "--" + s.key;
    switch (s.kind) {
      case Setting::Kind::Bool:
        if (s.value == "true") out.push_back(option);
        break;
      case Setting::Kind::List:
        if (s.key == "dir") {
          // The child runs in the guest's working directory.
          for (host::DirGrant g : config.host.dirs) {
            g.host = std::filesystem::absolute(g.host).string();
            out.insert(out.end(), {option, g.spec()});
          }
          break;
        }
        for (const auto& item : s.items) out.insert(out.end(), {option, item.first});
        break;
      case Setting::Kind::Map:
        for (const auto& [name, value] : s.items) out.insert(out.end(), {option, name + "=" + value});
        break;
      default: {
        const bool path = s.key == "tube-dump" || s.key == "tube-keys";
        out.insert(out.end(), {option, path ? std::filesystem::absolute(s.value).string() : s.value});
      }
    }
  }
  return out;
}

}  // namespace s32::platform
