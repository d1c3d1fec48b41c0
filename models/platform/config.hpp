// Everything that configures a platform run, in one struct. The command
// line and config files fill it (tb/s32sim); tests build it directly.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cpu/slow32_cpu.hpp"
#include "host/posix_backend.hpp"
#include "ring/ring_device.hpp"
#include "trace/trace_window.hpp"

namespace s32::platform {

struct Config {
  std::string program;                  // .s32x path, also the guest's argv[0]
  std::vector<std::string> guest_args;  // argv[1..]
  std::string argv0;                    // the guest's argv[0] when not `program` (an EXEC child's path as given)

  double clock_mhz = 100.0;
  bool cycle_stepped = false;  // clock the CPU edge by edge (else fast, decoupled)
  std::uint64_t ram_latency = 3;  // cycles per RAM access
  cpu::CpuConfig cpu;
  ring::RingConfig ring;
  host::HostConfig host;  // argv is filled from program + guest_args

  std::string profile = "default";
  std::string stats_json;  // write statistics here when set
  std::string vcd;         // write a VCD here when set
  std::string requests_csv;  // write every request's timestamps here when set
  bool quiet = false;      // no summary on stderr
  bool progress = false;   // a progress line on stderr every few seconds of host time

  // Tracing: the window and signal selection every trace keeps to, the
  // instruction trace and the timeline. `-` is standard output; a name
  // ending in ".gz" is written gzip-compressed.
  trace::TraceConfig trace;
  std::string trace_insn;    // one line per retired instruction in the window
  std::string trace_events;  // Chrome trace-event JSON timeline

  // The guest's console on the host (tests redirect it).
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;
};

// Applies a named profile on top of `config`: "default" changes nothing;
// "reference" reproduces the public interpreter (process at YIELD/HALT
// only, zero device and host latency, YIELD costing 1 cycle, READ_DIRECT
// answering EINVAL). Returns an
// error message, empty on success.
std::string apply_profile(Config& config, const std::string& name);

// ---- the configuration as named settings ------------------------------------
// The effective configuration under the names the command line and config
// files use: --save-config writes these as INI and the statistics' `config`
// block as JSON, so a saved run repeats exactly. Settings that have no
// effect in `config` (the quantum in cycle mode, the coalescing of an IRQ
// that is off, the YIELD timeout of a spinning YIELD) are left out.
struct Setting {
  enum class Kind {
    Number,  // `value`, a number
    Bool,    // `value`, true or false
    Text,    // `value`
    List,    // `items`: the option repeated, once per value (first of each pair)
    Map,     // `items`: the option repeated as NAME=VALUE
  };
  std::string section;  // config-file section, "" for the general options
  std::string key;      // the option's name without "--"
  Kind kind = Kind::Text;
  std::string value;
  std::vector<std::pair<std::string, std::string>> items;
  bool numeric_items = false;  // Map values are numbers
};
std::vector<Setting> settings(const Config& config);

// The settings an EXEC child inherits, as s32sim options: everything but
// the program and its arguments, the sandbox root and the epoch (which
// each EXEC gives the child itself) and the outputs and traces (which are
// the parent's). Paths are made absolute: the child runs in the guest's
// working directory.
std::vector<std::string> exec_child_options(const Config& config);

}  // namespace s32::platform
