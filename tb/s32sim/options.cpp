#include "options.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "host/sandbox.hpp"
#include "platform/output_file.hpp"
#include "platform/platform.hpp"

namespace po = boost::program_options;

namespace s32::sim {

namespace {

// A usage error; `option` (e.g. "quantum") lets the handler say which
// config-file line set it.
struct UsageError : std::runtime_error {
  UsageError(std::string opt, const std::string& message)
      : std::runtime_error(opt.empty() ? message : "--" + opt + ": " + message), option(std::move(opt)) {}
  std::string option;
};

std::pair<std::string, std::string> split_pair(const std::string& s, const char* option) {
  const auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0) throw UsageError(option, "wants NAME=VALUE, got '" + s + "'");
  return {s.substr(0, eq), s.substr(eq + 1)};
}

// A whole number in [min, max]; no sign, no wrap-around.
std::uint64_t parse_count(const std::string& s, const char* option, std::uint64_t min, std::uint64_t max,
                          const char* what = "") {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  const bool ok = !s.empty() && !*end && !errno && s.find('-') == std::string::npos && v >= min && v <= max;
  if (!ok)
    throw UsageError(option, std::string(what) + (*what ? " " : "") + "must be a whole number from " +
                                 std::to_string(min) + " to " + std::to_string(max) + ", got '" + s + "'");
  return v;
}

ring::Trigger parse_trigger(const std::string& s) {
  if (s == "yield") return {false, true, 0};
  if (s == "doorbell") return {true, false, 0};
  if (s == "hybrid") return {true, true, 0};
  if (s.rfind("poll:", 0) == 0) return {false, false, parse_count(s.substr(5), "trigger", 1, UINT32_MAX, "poll:N")};
  throw UsageError("trigger", "want yield, doorbell, hybrid or poll:N, got '" + s + "'");
}

void parse_yield(const std::string& s, platform::Config& c) {
  if (s == "wait") {
    c.cpu.yield = cpu::YieldMode::Wait;
    return;
  }
  if (s.rfind("spin:", 0) == 0) {
    c.cpu.yield = cpu::YieldMode::Spin;
    c.cpu.costs.set("yield", static_cast<std::uint32_t>(parse_count(s.substr(5), "yield", 1, UINT32_MAX, "spin:N")));
    return;
  }
  throw UsageError("yield", "want wait or spin:N, got '" + s + "'");
}

// The options naming a file the run writes, checked up front; `stdout_ok`:
// "-" means the simulator's stdout.
struct OutputOption {
  const char* name;
  bool stdout_ok;
};
constexpr OutputOption kOutputOptions[] = {
    {"stats-json", true}, {"requests-csv", true}, {"vcd", false},
    {"trace-insn", true}, {"trace-events", true}, {"save-config", true}};

constexpr const char* kConfigSections = "cpu, ring, memory, host, output, trace, guest";

void warn(const std::string& message) { std::cerr << "s32sim: warning: " << message << "\n"; }

// Everything before the program path is ours; the rest is the guest's.
// Option values are skipped using the option table, so `--root DIR` does
// not take DIR for the program.
void split_argv(int argc, char** argv, const po::options_description& desc, std::vector<std::string>& ours,
                std::string& program, std::vector<std::string>& guest) {
  int i = 1;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    ours.push_back(a);
    if (a.find('=') != std::string::npos) continue;
    const bool is_long = a[1] == '-';
    const std::string name = is_long ? a.substr(2) : a.substr(1, 1);
    const po::option_description* d = desc.find_nothrow(name, false, false, !is_long);
    const bool takes_value = d && d->semantic()->max_tokens() > 0;
    if (takes_value && !(!is_long && a.size() > 2) && i + 1 < argc) ours.push_back(argv[++i]);
  }
  if (i < argc) program = argv[i++];
  // Like the public interpreter, one `--` right after the program path only
  // separates: `prog -- -v` and `prog -v` both give the guest "-v".
  if (i < argc && std::string(argv[i]) == "--") ++i;
  for (; i < argc; ++i) guest.emplace_back(argv[i]);
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// Reads an INI config file into `vm` under the options' flat names. A key
// in a [section] must be one of that section's options; a key before any
// section may be any option. The command line, stored first, wins.
// `origin` records "FILE:LINE" for every option the file set.
void read_config_file(const std::string& path, const po::options_description& desc,
                      const std::map<std::string, std::string>& section_of, po::variables_map& vm,
                      std::map<std::string, std::string>& origin) {
  std::ifstream in(path);
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw UsageError("config", path + ": " + std::strerror(EISDIR));
  if (!in) throw UsageError("config", path + ": " + std::strerror(errno));
  std::string line, section;
  std::map<std::string, int> seen;  // option -> line, for keys set twice
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const std::string text = trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text[0] == '[') {
      if (text.back() != ']') throw UsageError("", where + "bad section header '" + text + "'");
      section = trim(text.substr(1, text.size() - 2));
      bool known = false;
      for (const auto& [name, sec] : section_of) known = known || (sec == section && !sec.empty());
      if (!known) throw UsageError("", where + "unknown section [" + section + "] (" + kConfigSections + ")");
      continue;
    }
    const auto eq = text.find('=');
    if (eq == std::string::npos) throw UsageError("", where + "want NAME = VALUE, got '" + text + "'");
    const std::string key = trim(text.substr(0, eq)), value = trim(text.substr(eq + 1));
    const auto sec = section_of.find(key);
    if (sec == section_of.end()) throw UsageError("", where + "unknown option '" + key + "'");
    if (!section.empty() && sec->second != section)
      throw UsageError("", where + "'" + key + "' belongs " +
                               (sec->second.empty() ? "before any section" : "in [" + sec->second + "]") +
                               ", not in [" + section + "]");
    const po::option_description& d = desc.find(key, false);
    const bool repeatable = d.semantic()->is_composing();
    if (!repeatable && seen.count(key))
      throw UsageError("", where + "'" + key + "' set again (first on line " + std::to_string(seen[key]) + ")");
    seen[key] = number;
    const bool from_command_line = vm.count(key) && !vm[key].defaulted();
    po::parsed_options parsed(&desc);
    po::option opt;
    opt.string_key = key;
    opt.value.push_back(value);
    opt.original_tokens = {key, value};
    parsed.options.push_back(opt);
    try {
      po::store(parsed, vm);
    } catch (const po::error& e) {
      throw UsageError("", where + e.what());
    }
    if (!from_command_line && !origin.count(key)) origin[key] = where;
  }
  if (in.bad()) throw UsageError("config", path + ": " + std::strerror(errno));
}

// Fills `config` from the parsed options; every check happens here, before
// anything is elaborated.
void fill_config(const po::variables_map& vm, platform::Config& config) {
  auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
  auto text = [&](const char* name) { return vm[name].as<std::string>(); };
  auto flag = [&](const char* name) { return vm.count(name) && vm[name].as<bool>(); };

  if (std::string e = platform::apply_profile(config, text("profile")); !e.empty()) throw UsageError("profile", e);

  {
    const std::string s = text("clock-mhz");
    char* end = nullptr;
    const double mhz = std::strtod(s.c_str(), &end);
    if (s.empty() || *end || !std::isfinite(mhz) || mhz < 0.001 || mhz > 100000)
      throw UsageError("clock-mhz", "must be a frequency from 0.001 to 100000 MHz, got '" + s + "'");
    config.clock_mhz = mhz;
  }
  // Cycle counts must stay within 2^64 ps of simulated time.
  const std::uint64_t max_cycles = UINT64_MAX / interconnect::CycleTime(config.clock_mhz).period_ps();

  const std::string mode = text("mode");
  if (mode != "fast" && mode != "cycle") throw UsageError("mode", "want fast or cycle, got '" + mode + "'");
  config.cycle_stepped = mode == "cycle";
  {
    const std::string engine = text("engine");
    if (engine != "jit" && engine != "interp") throw UsageError("engine", "want jit or interp, got '" + engine + "'");
    if (engine == "jit" && !cpu::kHaveJit) throw UsageError("engine", "jit: this build has no translating engine");
    config.cpu.engine = engine == "jit" ? cpu::Engine::Jit : cpu::Engine::Interp;
    if (given("engine") && config.cycle_stepped) warn("--engine has no effect with --mode cycle (it interprets)");
  }
  config.cpu.quantum = parse_count(text("quantum"), "quantum", 1, cpu::kMaxQuantum);
  if (given("quantum") && config.cycle_stepped) warn("--quantum has no effect with --mode cycle");
  config.cpu.max_cycles = parse_count(text("max-cycles"), "max-cycles", 0, max_cycles);
  if (vm.count("argv0")) config.argv0 = text("argv0");

  // Explicit options refine the profile.
  if (given("trigger")) config.ring.trigger = parse_trigger(text("trigger"));
  if (given("yield")) parse_yield(text("yield"), config);
  config.cpu.yield_timeout = parse_count(text("yield-timeout"), "yield-timeout", 0, max_cycles);
  if (given("yield-timeout") && config.cpu.yield == cpu::YieldMode::Spin)
    warn("--yield-timeout has no effect with --yield spin:N");

  const std::string irq = text("irq");
  if (irq != "on" && irq != "off") throw UsageError("irq", "want on or off, got '" + irq + "'");
  config.ring.irq.enabled = irq == "on";
  if (given("irq-coalesce")) {
    if (!config.ring.irq.enabled) throw UsageError("irq-coalesce", "has no effect without --irq on");
    const std::string s = text("irq-coalesce");
    const auto comma = s.find(',');
    if (comma == std::string::npos) throw UsageError("irq-coalesce", "want K,T, got '" + s + "'");
    config.ring.irq.count = static_cast<std::uint32_t>(parse_count(s.substr(0, comma), "irq-coalesce", 1, 255, "K"));
    config.ring.irq.cycles = parse_count(s.substr(comma + 1), "irq-coalesce", 0, max_cycles, "T");
  }
  if (config.ring.irq.enabled && config.ring.irq.count > 1 && config.ring.irq.cycles == 0 &&
      config.cpu.yield == cpu::YieldMode::Wait)
    warn("--irq-coalesce " + std::to_string(config.ring.irq.count) +
         ",0: while fewer requests are in flight, each stalled YIELD sleeps " +
         (config.cpu.yield_timeout ? "until --yield-timeout (" + std::to_string(config.cpu.yield_timeout) + " cycles)"
                                   : std::string("forever (--yield-timeout 0)")));

  config.ram_latency = parse_count(text("ram-latency"), "ram-latency", 0, UINT32_MAX);
  config.ring.access_cycles = parse_count(text("mmio-latency"), "mmio-latency", 0, UINT32_MAX);
  config.ring.strict = flag("strict");
  if (vm.count("latency"))
    for (const std::string& l : vm["latency"].as<std::vector<std::string>>()) {
      const auto [cls, value] = split_pair(l, "latency");
      if (std::string e = config.host.latency.set(cls, value); !e.empty()) throw UsageError("latency", e);
    }
  if (vm.count("cost"))
    for (const std::string& c : vm["cost"].as<std::vector<std::string>>()) {
      const auto [name, value] = split_pair(c, "cost");
      const auto n = static_cast<std::uint32_t>(parse_count(value, "cost", 1, UINT32_MAX, name.c_str()));
      if (std::string e = config.cpu.costs.set(name, n); !e.empty()) throw UsageError("cost", e);
    }

  config.host.root = text("root");
  {
    struct stat st {};
    if (stat(config.host.root.c_str(), &st) != 0)
      throw UsageError("root", "'" + config.host.root + "': " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode)) throw UsageError("root", "'" + config.host.root + "': " + std::strerror(ENOTDIR));
  }
  if (vm.count("dir")) {
    for (const std::string& spec : vm["dir"].as<std::vector<std::string>>()) {
      host::DirGrant g;
      if (std::string e = host::DirGrant::parse(spec, g); !e.empty()) throw UsageError("dir", e);
      config.host.dirs.push_back(std::move(g));
    }
    // The sandbox's own rules (directories that exist, distinct guest
    // paths), applied now so that a bad grant is a usage error.
    try {
      const host::Sandbox check(config.host.root, config.host.dirs);
    } catch (const std::runtime_error& e) {
      throw UsageError("dir", e.what());
    }
  }
  for (const host::PolicyList& l : host::kPolicyLists)
    if (vm.count(l.name))
      for (const std::string& t : vm[l.name].as<std::vector<std::string>>())
        if (std::string e = host::Policy::add(config.host.policy.*l.list, t); !e.empty()) throw UsageError(l.name, e);
  for (const std::string& name : config.host.policy.enable)
    if (name != "net" && name != "exec") throw UsageError("enable", "takes net and exec, not '" + name + "'");
  {
    const std::string rd = text("read-direct");
    if (rd != "on" && rd != "off") throw UsageError("read-direct", "want on or off, got '" + rd + "'");
    if (given("read-direct")) config.host.read_direct = rd == "on";
    const std::string io = text("host-io");
    if (io != "sync" && io != "async") throw UsageError("host-io", "want sync or async, got '" + io + "'");
    config.ring.async_host = io == "async";
    const std::string hl = text("host-latency");
    if (hl != "model" && hl != "measured")
      throw UsageError("host-latency", "want model or measured, got '" + hl + "'");
    // In sync mode the host call runs on the simulation's thread, so the
    // CPU stops while it blocks whatever the latency is called: measuring
    // it would only make the run non-deterministic.
    if (hl == "measured" && !config.ring.async_host)
      throw UsageError("host-latency", "measured needs --host-io async (in sync mode a blocking call stops the CPU)");
    config.ring.measured_latency = hl == "measured";
    const auto option_or_env = [&](const char* name, const char* var) {
      if (vm.count(name)) return text(name);
      const char* v = std::getenv(var);
      return std::string(v ? v : "");
    };
    config.host.tube.dump_dir = option_or_env("tube-dump", "S32_TUBE_DUMP");
    config.host.tube.dump_full = std::getenv("S32_TUBE_DUMP_FULL") != nullptr;
    config.host.tube.keys_file = option_or_env("tube-keys", "S32_TUBE_KEYS");
  }
  config.host.host_clock = flag("host-clock");
  if (vm.count("env"))
    for (const std::string& kv : vm["env"].as<std::vector<std::string>>()) {
      split_pair(kv, "env");
      config.host.env.push_back(kv);
    }
  if (vm.count("pass-env"))
    for (const std::string& name : vm["pass-env"].as<std::vector<std::string>>())
      if (const char* v = std::getenv(name.c_str())) config.host.env.push_back(name + "=" + v);
  if (vm.count("epoch")) {
    const std::string epoch = text("epoch");
    char* end = nullptr;
    const long double secs = std::strtold(epoch.c_str(), &end);
    if (epoch.empty() || *end || !std::isfinite(static_cast<double>(secs)) || secs < 0 || secs > 1e11)
      throw UsageError("epoch", "want seconds since 1970, got '" + epoch + "'");
    config.host.epoch_ns = static_cast<std::int64_t>(std::llroundl(secs * 1e9L));
  } else {
    // Fixed now, so --save-config records it and a saved run repeats.
    config.host.epoch_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  }

  config.quiet = flag("quiet");
  config.progress = flag("progress") || (!flag("no-progress") && !config.quiet && isatty(STDERR_FILENO));
  if (vm.count("stats-json")) config.stats_json = text("stats-json");
  if (vm.count("requests-csv")) config.requests_csv = text("requests-csv");
  if (vm.count("vcd")) config.vcd = text("vcd");

  if (vm.count("trace-from")) config.trace.from = parse_count(text("trace-from"), "trace-from", 0, max_cycles);
  if (vm.count("trace-to")) config.trace.to = parse_count(text("trace-to"), "trace-to", 1, max_cycles);
  if (config.trace.to && config.trace.to <= config.trace.from)
    throw UsageError("trace-to", "must be after --trace-from (" + std::to_string(config.trace.from) + ")");
  if (vm.count("trace-start-at")) config.trace.start_at = text("trace-start-at");
  if (vm.count("trace-signals"))
    for (const std::string& list : vm["trace-signals"].as<std::vector<std::string>>()) {
      std::istringstream items(list);
      for (std::string item; std::getline(items, item, ',');)
        if (!item.empty()) config.trace.signals.push_back(item);
    }
  if (vm.count("trace-insn")) config.trace_insn = text("trace-insn");
  if (vm.count("trace-events")) config.trace_events = text("trace-events");
}

// Every file the run will write, checked now with the OS's reason.
void check_outputs(const po::variables_map& vm) {
  std::map<std::string, std::string> owner;  // path -> option
  for (const OutputOption& o : kOutputOptions) {
    if (!vm.count(o.name)) continue;
    const std::string path = vm[o.name].as<std::string>();
    if (const std::string e = platform::check_output_path(path, o.stdout_ok); !e.empty())
      throw UsageError(o.name, "'" + path + "': " + e);
    if (trace::is_stdout(path)) continue;
    if (const auto [it, fresh] = owner.emplace(path, o.name); !fresh)
      throw UsageError(o.name, "'" + path + "' is also the file of --" + it->second);
  }
}

}  // namespace

std::string waves_dir() {
  // Installed: <prefix>/bin/s32sim finds <prefix>/share/s32sim/waves. In
  // the build tree: the source tree's waves/.
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path installed = exe.parent_path().parent_path() / "share" / "s32sim" / "waves";
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  if (std::filesystem::is_directory(S32_SOURCE_WAVES_DIR, ec)) return S32_SOURCE_WAVES_DIR;
  return "waves";
}

void write_config(std::ostream& out, const platform::Config& config) {
  out << "# s32sim configuration: s32sim --config FILE repeats this run.\n";
  std::string section;
  for (const platform::Setting& s : platform::settings(config)) {
    if (s.section != section) {
      section = s.section;
      out << "\n[" << section << "]\n";
    }
    switch (s.kind) {
      case platform::Setting::Kind::List:
        for (const auto& item : s.items) out << s.key << " = " << item.first << "\n";
        break;
      case platform::Setting::Kind::Map:
        for (const auto& [name, value] : s.items) out << s.key << " = " << name << "=" << value << "\n";
        break;
      default: out << s.key << " = " << s.value << "\n";
    }
  }
}

ParseResult parse_command_line(int argc, char** argv, platform::Config& config, std::ostream& out) {
  constexpr unsigned kWidth = 100, kDescriptionColumn = 40;
  const std::string vcd_help =
      "write a waveform, and FILE.gtkw, a GTKWave view of it (gtkwave FILE.gtkw) with pc shown as "
      "function+0xoff; the general view for any VCD is " + waves_dir() + "/s32sim.gtkw";
  po::options_description general("General (in a config file: before any section)", kWidth, kDescriptionColumn);
  po::options_description cpu("CPU (config section [cpu])", kWidth, kDescriptionColumn);
  po::options_description ring("Ring device (config section [ring])", kWidth, kDescriptionColumn);
  po::options_description memory("Memory (config section [memory])", kWidth, kDescriptionColumn);
  po::options_description host("The guest's host (config section [host])", kWidth, kDescriptionColumn);
  po::options_description output("Output (config section [output])", kWidth, kDescriptionColumn);
  po::options_description tracing("Tracing (config section [trace])", kWidth, kDescriptionColumn);
  po::options_description guest("Config file only (section [guest])");
  // clang-format off
  general.add_options()
      ("help,h", "show this help and exit")
      ("version", "print the version and exit")
      ("config", po::value<std::string>()->value_name("FILE"),
       "read options from this INI file (the command line wins)")
      ("save-config", po::value<std::string>()->value_name("FILE"),
       "write the whole effective configuration as INI ('-': stdout), then run; --config FILE "
       "repeats the run")
      ("profile", po::value<std::string>()->default_value("default")->value_name("NAME"),
       "default, or reference: behave like the public interpreter (process at YIELD/HALT only, "
       "zero host latency, YIELD costs 1 cycle, READ_DIRECT off); later options refine it")
      ("mode", po::value<std::string>()->default_value("fast")->value_name("MODE"),
       "fast: temporal decoupling and DMI; cycle: the CPU steps edge by edge (slower; "
       "every traced value moves on real cycles). Both give the same instructions, cycles, request "
       "timestamps and output")
      ("clock-mhz", po::value<std::string>()->default_value("100")->value_name("MHZ"),
       "CPU and device clock, 0.001 to 100000")
      ("max-cycles", po::value<std::string>()->default_value("0")->value_name("N"),
       "stop at exactly N cycles and exit 124 (0: no limit; the instruction in flight at N retires, its cycles past N are not counted)")
      ("argv0", po::value<std::string>()->value_name("TEXT"),
       "the guest's argv[0] (default: the program path as given; EXEC gives its child the path the "
       "parent named)");
  cpu.add_options()
      ("engine", po::value<std::string>()->default_value(cpu::engine_name(cpu::kDefaultEngine))->value_name("ENGINE"),
       "how fast mode executes: jit (translate hot code to host code; x86-64 builds, their default) "
       "or interp (interpret); cycle mode always interprets. Both give the same results")
      ("quantum", po::value<std::string>()->default_value("10000")->value_name("N"),
       "cycles the CPU may run ahead of the rest of the platform (fast mode), 1 to 1048576")
      ("yield", po::value<std::string>()->default_value("wait")->value_name("HOW"),
       "wait: YIELD stalls until the device posts a completion; spin:N: YIELD costs N cycles")
      ("yield-timeout", po::value<std::string>()->default_value("10000000")->value_name("N"),
       "longest YIELD stall, in cycles (0: no limit)")
      ("cost", po::value<std::vector<std::string>>()->composing()->value_name("NAME=N"),
       "cycle cost of an instruction or class (mulh=40, fdiv.d=20, divide=48, fp=4); repeatable");
  ring.add_options()
      ("trigger", po::value<std::string>()->default_value("hybrid")->value_name("WHAT"),
       "what starts the device: doorbell (the REQ_HEAD write), yield (the guest's YIELD), hybrid "
       "(both), or poll:N (every N cycles)")
      ("irq", po::value<std::string>()->default_value("off")->value_name("on|off"),
       "on: the device raises a completion line and a stalled YIELD sleeps until it rises; the "
       "guest acknowledges by consuming every response")
      ("irq-coalesce", po::value<std::string>()->default_value("1,0")->value_name("K,T"),
       "with --irq on: raise the line after K completions, or T cycles after the first, whichever "
       "comes first (T = 0: no time limit; with K > 1 a guest that keeps one request in flight then "
       "sleeps until --yield-timeout)")
      ("mmio-latency", po::value<std::string>()->default_value("3")->value_name("N"),
       "cycles per ring-window access")
      ("strict", po::bool_switch(), "stop at the first ring protocol violation");
  memory.add_options()
      ("ram-latency", po::value<std::string>()->default_value("3")->value_name("N"), "cycles per RAM access");
  host.add_options()
      ("root", po::value<std::string>()->default_value(".")->value_name("DIR"),
       "sandbox root: the guest's files live under it, at their host paths; paths that leave it and "
       "every --dir fail with EACCES")
      ("dir", po::value<std::vector<std::string>>()->composing()->value_name("HOST[::GUEST][:ro]"),
       "grant the guest the host directory HOST at the absolute guest path GUEST (default: HOST's own "
       "path); with :ro every change there (writing open, MKDIR, RMDIR, UNLINK, RENAME) fails with "
       "EROFS; repeatable")
      ("env", po::value<std::vector<std::string>>()->composing()->value_name("NAME=VALUE"),
       "set a guest environment variable (the guest sees only these); repeatable")
      ("pass-env", po::value<std::vector<std::string>>()->composing()->value_name("NAME"),
       "pass this host variable to the guest; repeatable")
      ("epoch", po::value<std::string>()->value_name("SECONDS"),
       "wall-clock seconds since 1970 at simulated time 0 (default: the host's time at start)")
      ("host-clock", po::bool_switch(), "GETTIME reads the host's real-time clock instead of simulated time")
      ("latency", po::value<std::vector<std::string>>()->composing()->value_name("CLASS=C[+B]"),
       "host latency of a service class: C cycles plus B per byte; classes console (default "
       "400+2), file (2000+1), time (200), env (200+1), control (50), process (EXEC: 100000 plus 1 "
       "per cycle the child ran); repeatable")
      ("read-direct", po::value<std::string>()->default_value("on")->value_name("on|off"),
       "off: READ_DIRECT answers EINVAL, as in the public interpreter (the reference profile)")
      ("host-io", po::value<std::string>()->default_value("sync")->value_name("sync|async"),
       "async: a host thread serves requests that may block (files, console, term keys) while "
       "the simulated CPU goes on; responses are posted at the same cycles as in sync mode")
      ("host-latency", po::value<std::string>()->default_value("model")->value_name("MODE"),
       "with --host-io async, when a host-thread request's response is posted: model (the "
       "modelled latency, deterministic) or measured (the host's wall time, 1 ns = 1 simulated ns; "
       "a blocked call does not stop the CPU)")
      ("tube-dump", po::value<std::string>()->value_name("DIR"),
       "write each tube frame's hash to DIR/NNNNNN.hash (and its text to NNNNNN.txt when "
       "S32_TUBE_DUMP_FULL is set); default: $S32_TUBE_DUMP")
      ("tube-keys", po::value<std::string>()->value_name("FILE"),
       "key records the tube display queues at each OPEN; default: $S32_TUBE_KEYS")
      ("allow", po::value<std::vector<std::string>>()->composing()->value_name("LIST"),
       "only these services (fs, time, env, exec, net, term, tube; comma-separated; repeatable); "
       "a refused request answers EACCES")
      ("deny", po::value<std::vector<std::string>>()->composing()->value_name("LIST"),
       "refuse these services, whatever --allow says; repeatable")
      ("enable", po::value<std::vector<std::string>>()->composing()->value_name("LIST"),
       "turn on net and exec, which are off by default; repeatable (an EXEC child runs with this "
       "run's settings: timing, ring, root, policy, latency, environment; not its outputs)");
  output.add_options()
      ("quiet,q", po::bool_switch(), "no summary on stderr")
      ("stats-json", po::value<std::string>()->value_name("FILE"), "write statistics as JSON ('-': stdout)")
      ("requests-csv", po::value<std::string>()->value_name("FILE"),
       "write one line per ring request with the cycle of each stage ('-': stdout)")
      ("vcd", po::value<std::string>()->value_name("FILE"), vcd_help.c_str())
      ("progress", po::bool_switch(), "a progress line on stderr every few seconds (the default when "
       "stderr is a terminal and not --quiet)")
      ("no-progress", po::bool_switch(), "no progress lines");
  tracing.add_options()
      ("trace-from", po::value<std::string>()->value_name("CYCLE"),
       "traces (VCD, --trace-insn, --trace-events) start at this cycle; the VCD's first timestamp "
       "holds the full state there")
      ("trace-to", po::value<std::string>()->value_name("CYCLE"), "traces end at this cycle")
      ("trace-start-at", po::value<std::string>()->value_name("WHERE"),
       "traces start at the first of SYMBOL or pc=ADDR reached (an instruction starting there), or "
       "at the doorbell of request=N (its --requests-csv seq), at or after --trace-from")
      ("trace-signals", po::value<std::vector<std::string>>()->composing()->value_name("LIST"),
       "VCD signals to keep: names or globs, comma-separated (cpu.pc,ring.*,clk); repeatable")
      ("trace-insn", po::value<std::string>()->value_name("FILE"),
       "one line per retired instruction: cycle, pc <function+0xoff>, disassembly, value written "
       "('-': stdout; .gz: gzip)")
      ("trace-events", po::value<std::string>()->value_name("FILE"),
       "a timeline (Chrome trace-event JSON, for ui.perfetto.dev or chrome://tracing): CPU, device, "
       "host and each request's stages ('-': stdout; .gz: gzip)");
  guest.add_options()
      ("program", po::value<std::string>(), "the program, when the command line names none")
      ("arg", po::value<std::vector<std::string>>()->composing(), "one guest argument; repeatable");
  po::options_description desc, file_desc;
  desc.add(general).add(cpu).add(ring).add(memory).add(host).add(output).add(tracing);
  file_desc.add(desc).add(guest);
  // clang-format on
  std::map<std::string, std::string> section_of;  // option -> config-file section
  const std::pair<const po::options_description*, const char*> groups[] = {
      {&general, ""}, {&cpu, "cpu"}, {&ring, "ring"}, {&memory, "memory"},
      {&host, "host"}, {&output, "output"}, {&tracing, "trace"}, {&guest, "guest"}};
  for (const auto& [group, section] : groups)
    for (const auto& o : group->options()) section_of[o->long_name()] = section;
  for (const char* command_only : {"help", "version", "config", "save-config"}) section_of.erase(command_only);

  std::map<std::string, std::string> origin;  // option -> "FILE:LINE: " of the config file that set it
  try {
    std::vector<std::string> ours, args;
    std::string program;
    split_argv(argc, argv, desc, ours, program, args);
    po::variables_map vm;
    po::store(po::command_line_parser(ours).options(desc).run(), vm);
    if (vm.count("help")) {
      out << "Usage: s32sim [options] program.s32x [--] [guest args...]\n\n"
             "Runs a SLOW-32 executable on the SystemC/TLM virtual platform: the CPU, RAM, the ring\n"
             "device and a sandboxed host backend. The guest's stdout and stderr are its own; the\n"
             "simulator's summary goes to stderr. Everything after the program path belongs to the\n"
             "guest. Every option can also be set in a --config file (INI: NAME = VALUE lines, in the\n"
             "section named below or before any section; [guest] program and arg give the program).\n"
             "SIGINT, SIGTERM and SIGHUP stop the run at the next safe point with every output written;\n"
             "a second signal quits without them.\n\n"
             "Exit status: the guest's (its EXIT status, or r1 at HALT; low 8 bits), or 2 usage\n"
             "error, 70 internal error, 74 an output file could not be written, 123 the run stalled\n"
             "(the CPU waits and nothing is left to happen), 124 --max-cycles reached, 125 protocol violation (--strict), 126 the program cannot be loaded, 128+N\n"
             "stopped by signal N (129 SIGHUP, 130 SIGINT, 143 SIGTERM), 132 illegal instruction,\n"
             "134 failed ASSERT_EQ, 139 memory fault.\n\n"
          << desc << "\n";
      return {true, 0};
    }
    if (vm.count("version")) {
      out << "s32sim " S32SIM_VERSION " (SystemC " << sc_core::sc_release() << ")\n";
      return {true, 0};
    }
    if (vm.count("config")) read_config_file(vm["config"].as<std::string>(), file_desc, section_of, vm, origin);
    po::notify(vm);
    if (program.empty() && vm.count("program")) {
      program = vm["program"].as<std::string>();
      if (vm.count("arg")) args = vm["arg"].as<std::vector<std::string>>();
    }
    if (program.empty()) throw UsageError("", "no program given (s32sim --help shows the usage)");
    config.program = program;
    config.guest_args = args;
    check_outputs(vm);
    fill_config(vm, config);
    if (vm.count("save-config")) {
      std::ostringstream ini;
      write_config(ini, config);
      const std::string path = vm["save-config"].as<std::string>();
      if (const std::string e = platform::write_output(path, ini.str()); !e.empty())
        throw UsageError("save-config", "'" + path + "': " + e);
    }
  } catch (const UsageError& e) {
    const auto at = origin.find(e.option);
    std::cerr << "s32sim: " << (at == origin.end() ? "" : at->second) << e.what() << "\n";
    return {true, platform::kExitUsage};
  } catch (const po::error& e) {
    std::cerr << "s32sim: " << e.what() << "\n";
    return {true, platform::kExitUsage};
  }
  return {};
}

}  // namespace s32::sim
