#include "options.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "platform/platform.hpp"

namespace po = boost::program_options;

namespace s32::sim {

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::pair<std::string, std::string> split_pair(const std::string& s, const char* what) {
  const auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0) throw UsageError(std::string(what) + " wants NAME=VALUE, got '" + s + "'");
  return {s.substr(0, eq), s.substr(eq + 1)};
}

std::uint64_t parse_count(const std::string& s, const char* what) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (s.empty() || *end || errno || s[0] == '-') throw UsageError(std::string("bad ") + what + " '" + s + "'");
  return v;
}

ring::Trigger parse_trigger(const std::string& s) {
  if (s == "yield") return {false, true, 0};
  if (s == "doorbell") return {true, false, 0};
  if (s == "hybrid") return {true, true, 0};
  if (s.rfind("poll:", 0) == 0) {
    const std::uint64_t n = parse_count(s.substr(5), "poll interval");
    if (n == 0) throw UsageError("poll interval must be at least 1 cycle");
    return {false, false, n};
  }
  throw UsageError("bad --trigger '" + s + "' (yield, doorbell, hybrid or poll:N)");
}

void parse_yield(const std::string& s, platform::Config& c) {
  if (s == "wait") {
    c.cpu.yield = cpu::YieldMode::Wait;
    return;
  }
  if (s.rfind("spin:", 0) == 0) {
    const std::uint64_t n = parse_count(s.substr(5), "spin cycles");
    if (n == 0 || n > 0xFFFFFFFFull) throw UsageError("spin cycles must be between 1 and 2^32-1");
    c.cpu.yield = cpu::YieldMode::Spin;
    c.cpu.costs.set("yield", static_cast<std::uint32_t>(n));
    return;
  }
  throw UsageError("bad --yield '" + s + "' (wait or spin:N)");
}

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

}  // namespace

ParseResult parse_command_line(int argc, char** argv, platform::Config& config, std::ostream& out) {
  std::string config_file, profile = "default", trigger = "hybrid", yield = "wait", root = ".", mode = "fast";
  std::string engine = cpu::engine_name(cpu::kDefaultEngine);
  std::string irq = "off", irq_coalesce = "1,0";
  std::vector<std::string> env, pass_env, latency, cost;
  std::string epoch;
  double clock_mhz = 100;
  std::uint64_t quantum = 10000, max_cycles = 0, yield_timeout = 10'000'000, ram_latency = 3, mmio_latency = 3;

  constexpr unsigned kWidth = 100, kDescriptionColumn = 40;
  po::options_description general("General", kWidth, kDescriptionColumn);
  po::options_description timing("Timing and execution model", kWidth, kDescriptionColumn);
  po::options_description host("The guest's host", kWidth, kDescriptionColumn);
  po::options_description output("Output", kWidth, kDescriptionColumn);
  // clang-format off
  general.add_options()
      ("help,h", "show this help and exit")
      ("version", "print the version and exit")
      ("config", po::value(&config_file)->value_name("FILE"), "read options from this INI file")
      ("profile", po::value(&profile)->default_value("default")->value_name("NAME"),
       "default, or reference: behave like the public interpreter (process at YIELD/HALT only, "
       "zero host latency, YIELD costs 1 cycle); later options refine it")
      ("max-cycles", po::value(&max_cycles)->default_value(0)->value_name("N"),
       "stop after N cycles (0: no limit)")
      ("strict", "stop at the first ring protocol violation");
  timing.add_options()
      ("mode", po::value(&mode)->default_value("fast")->value_name("MODE"),
       "fast: temporal decoupling and DMI; cycle: the CPU steps edge by edge on an sc_clock (slower; "
       "every traced value moves on real cycles). Both give the same instructions, cycles, request "
       "timestamps and output")
      ("engine", po::value(&engine)->default_value(engine)->value_name("ENGINE"),
       "how fast mode executes: interp (interpret) or jit (translate to host code; x86-64 builds); "
       "cycle mode always interprets. Both give the same results")
      ("clock-mhz", po::value(&clock_mhz)->default_value(100)->value_name("MHZ"), "CPU and device clock")
      ("quantum", po::value(&quantum)->default_value(10000)->value_name("N"),
       "cycles the CPU may run ahead of the rest of the platform (fast mode)")
      ("trigger", po::value(&trigger)->default_value("hybrid")->value_name("WHAT"),
       "what starts the device: doorbell (the REQ_HEAD write), yield (the guest's YIELD), hybrid "
       "(both), or poll:N (every N cycles)")
      ("yield", po::value(&yield)->default_value("wait")->value_name("HOW"),
       "wait: YIELD stalls until the device posts a completion; spin:N: YIELD costs N cycles")
      ("yield-timeout", po::value(&yield_timeout)->default_value(10'000'000)->value_name("N"),
       "longest YIELD stall, in cycles")
      ("irq", po::value(&irq)->default_value("off")->value_name("on|off"),
       "on: the device raises a completion line and a stalled YIELD sleeps until it rises; the "
       "guest acknowledges by consuming every response")
      ("irq-coalesce", po::value(&irq_coalesce)->default_value("1,0")->value_name("K,T"),
       "raise the line after K completions, or T cycles after the first, whichever comes first "
       "(T = 0: no time limit; with K > 1 a guest that keeps one request in flight then sleeps "
       "until --yield-timeout)")
      ("latency", po::value(&latency)->composing()->value_name("CLASS=C[+B]"),
       "host latency of a service class: C cycles plus B per byte; classes console (default "
       "400+2), file (2000+1), time (200), env (200+1), control (50); repeatable")
      ("cost", po::value(&cost)->composing()->value_name("NAME=N"),
       "cycle cost of an instruction or class (mulh=40, fdiv.d=20, divide=48, fp=4); repeatable")
      ("ram-latency", po::value(&ram_latency)->default_value(3)->value_name("N"), "cycles per RAM access")
      ("mmio-latency", po::value(&mmio_latency)->default_value(3)->value_name("N"),
       "cycles per ring-window access");
  host.add_options()
      ("root", po::value(&root)->default_value(".")->value_name("DIR"),
       "sandbox root: the guest's files live under it; paths that leave it fail with EACCES")
      ("env", po::value(&env)->composing()->value_name("NAME=VALUE"),
       "set a guest environment variable (the guest sees only these); repeatable")
      ("pass-env", po::value(&pass_env)->composing()->value_name("NAME"),
       "pass this host variable to the guest; repeatable")
      ("epoch", po::value(&epoch)->value_name("SECONDS"),
       "wall-clock seconds since 1970 at simulated time 0 (default: the host's time at start)")
      ("host-clock", "GETTIME reads the host's real-time clock instead of simulated time");
  output.add_options()
      ("quiet,q", "no summary on stderr")
      ("stats-json", po::value(&config.stats_json)->value_name("FILE"), "write statistics as JSON")
      ("requests-csv", po::value(&config.requests_csv)->value_name("FILE"),
       "write one line per ring request with the cycle of each stage")
      ("vcd", po::value(&config.vcd)->value_name("FILE"),
       "write a waveform (open it with gtkwave FILE waves/s32sim.gtkw)")
      ("progress", "a progress line on stderr every few seconds (the default when stderr is a "
       "terminal and not --quiet)")
      ("no-progress", "no progress lines");
  po::options_description desc;
  desc.add(general).add(timing).add(host).add(output);
  // clang-format on

  try {
    std::vector<std::string> ours, guest;
    std::string program;
    split_argv(argc, argv, desc, ours, program, guest);
    po::variables_map vm;
    po::store(po::command_line_parser(ours).options(desc).run(), vm);
    if (vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::ifstream in(path);
      if (!in) throw UsageError("cannot read config file '" + path + "'");
      po::store(po::parse_config_file(in, desc), vm);
    }
    po::notify(vm);
    if (vm.count("help")) {
      out << "Usage: s32sim [options] program.s32x [--] [guest args...]\n\n"
             "Runs a SLOW-32 executable on the SystemC/TLM virtual platform: the CPU, RAM, the ring\n"
             "device and a sandboxed host backend. The guest's stdout and stderr are its own; the\n"
             "simulator's summary goes to stderr. Everything after the program path belongs to the\n"
             "guest. Every option can also be set in a --config file (INI, the same names).\n\n"
             "Exit status: the guest's (its EXIT status, or r1 at HALT; low 8 bits), or 2 usage\n"
             "error, 70 internal error, 124 --max-cycles reached, 125 protocol violation (--strict),\n"
             "126 the program cannot be loaded, 132 illegal instruction, 134 failed ASSERT_EQ,\n"
             "139 memory fault.\n\n"
          << desc << "\n";
      return {true, 0};
    }
    if (vm.count("version")) {
      out << "s32sim " S32SIM_VERSION " (SystemC " << sc_core::sc_release() << ")\n";
      return {true, 0};
    }
    if (program.empty()) throw UsageError("no program given");

    config.program = program;
    config.guest_args = guest;
    if (std::string e = platform::apply_profile(config, profile); !e.empty()) throw UsageError(e);
    // Explicit options refine the profile.
    auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
    if (given("trigger")) config.ring.trigger = parse_trigger(trigger);
    if (given("yield")) parse_yield(yield, config);
    if (irq != "on" && irq != "off") throw UsageError("bad --irq '" + irq + "' (on or off)");
    config.ring.irq.enabled = irq == "on";
    {
      const auto comma = irq_coalesce.find(',');
      if (comma == std::string::npos) throw UsageError("bad --irq-coalesce '" + irq_coalesce + "' (want K,T)");
      const std::uint64_t k = parse_count(irq_coalesce.substr(0, comma), "coalescing count");
      if (k == 0 || k > 255) throw UsageError("coalescing count must be between 1 and 255");
      config.ring.irq.count = static_cast<std::uint32_t>(k);
      config.ring.irq.cycles = parse_count(irq_coalesce.substr(comma + 1), "coalescing time");
    }
    if (clock_mhz <= 0 || clock_mhz > 100000 || !std::isfinite(clock_mhz))
      throw UsageError("--clock-mhz must be between 0 and 100000");
    config.clock_mhz = clock_mhz;
    if (mode != "fast" && mode != "cycle") throw UsageError("bad --mode '" + mode + "' (fast or cycle)");
    config.cycle_stepped = mode == "cycle";
    if (engine != "jit" && engine != "interp") throw UsageError("bad --engine '" + engine + "' (jit or interp)");
    if (engine == "jit" && !cpu::kHaveJit) throw UsageError("--engine jit: this build has no translating engine");
    config.cpu.engine = engine == "jit" ? cpu::Engine::Jit : cpu::Engine::Interp;
    if (quantum == 0) throw UsageError("--quantum must be at least 1 cycle");
    config.cpu.quantum = quantum;
    config.cpu.max_cycles = max_cycles;
    config.cpu.yield_timeout = yield_timeout;
    config.ram_latency = ram_latency;
    config.ring.access_cycles = mmio_latency;
    config.ring.strict = vm.count("strict") > 0;
    config.quiet = vm.count("quiet") > 0;
    config.progress = vm.count("progress") || (!vm.count("no-progress") && !config.quiet && isatty(STDERR_FILENO));
    for (const std::string& l : latency) {
      const auto [cls, value] = split_pair(l, "--latency");
      if (std::string e = config.host.latency.set(cls, value); !e.empty()) throw UsageError(e);
    }
    for (const std::string& c : cost) {
      const auto [name, value] = split_pair(c, "--cost");
      const std::uint64_t n = parse_count(value, "cycle cost");
      if (n > 0xFFFFFFFFull) throw UsageError("cycle cost too large: " + value);
      if (std::string e = config.cpu.costs.set(name, static_cast<std::uint32_t>(n)); !e.empty()) throw UsageError(e);
    }
    config.host.root = root;
    config.host.host_clock = vm.count("host-clock") > 0;
    for (const std::string& kv : env) {
      split_pair(kv, "--env");
      config.host.env.push_back(kv);
    }
    for (const std::string& name : pass_env) {
      if (const char* v = std::getenv(name.c_str())) config.host.env.push_back(name + "=" + v);
    }
    if (!epoch.empty()) {
      char* end = nullptr;
      const long double secs = std::strtold(epoch.c_str(), &end);
      if (epoch.empty() || *end || !std::isfinite(static_cast<double>(secs)) || secs < 0 || secs > 1e11)
        throw UsageError("bad --epoch '" + epoch + "' (seconds since 1970)");
      config.host.epoch_ns = static_cast<std::int64_t>(std::llroundl(secs * 1e9L));
    }
  } catch (const UsageError& e) {
    std::cerr << "s32sim: " << e.what() << "\n(try s32sim --help)\n";
    return {true, platform::kExitUsage};
  } catch (const po::error& e) {
    std::cerr << "s32sim: " << e.what() << "\n(try s32sim --help)\n";
    return {true, platform::kExitUsage};
  }
  return {};
}

}  // namespace s32::sim
