// Run statistics: what the CPU and the ring device counted, summarised for
// people (stderr) and for scripts (JSON).
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cpu/slow32_cpu.hpp"
#include "ring/ring_device.hpp"

namespace s32::platform {

struct Config;

// Nearest-rank order statistics of a sample.
struct Distribution {
  std::uint64_t count = 0, min = 0, median = 0, p99 = 0, max = 0;
  double mean = 0;
};
Distribution summarize(std::vector<std::uint64_t> values);

struct Stats {
  std::string stop_reason;  // halt, exit, fault, assert, cycle-limit, protocol-violation
  int exit_code = 0;        // the simulator's process exit status
  std::string message;      // fault / violation description, if any
  double clock_mhz = 0;
  double sim_time_ns = 0;
  double host_seconds = 0;
  cpu::CpuStats cpu;
  ring::RingStats ring;
  bool has_ring = false;

  double host_mips() const;
  // Latency from the doorbell to the guest consuming the response, of every
  // request the guest consumed.
  Distribution request_latency() const;
};

void write_json(std::ostream& out, const Stats& stats, const Config& config);
void print_summary(std::ostream& out, const Stats& stats);

}  // namespace s32::platform
