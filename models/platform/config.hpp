// Everything that configures a platform run, in one struct. The command
// line and config files fill it (tb/s32sim); tests build it directly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cpu/slow32_cpu.hpp"
#include "host/posix_backend.hpp"
#include "ring/ring_device.hpp"

namespace s32::platform {

struct Config {
  std::string program;                  // .s32x path, also the guest's argv[0]
  std::vector<std::string> guest_args;  // argv[1..]

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

  // The guest's console on the host (tests redirect it).
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;
};

// Applies a named profile on top of `config`: "default" changes nothing;
// "reference" reproduces the public interpreter (process at YIELD/HALT
// only, zero device and host latency, YIELD costing 1 cycle, READ_DIRECT
// answering EINVAL). Returns an
// error message, empty on success.
std::string apply_profile(Config& config, const std::string& name);

}  // namespace s32::platform
