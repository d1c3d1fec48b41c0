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
  std::map<std::string, std::uint64_t> policy_refused;  // requests the service policy refused, by service

  double host_mips() const;
  // Latency from the doorbell to the guest consuming the response, of every
  // request the guest consumed.
  Distribution request_latency() const;
  // Cycles the CPU spent in YIELDs that did not stall, stalled (YIELD and
  // HALT), and the rest.
  std::uint64_t spinning_cycles() const { return cpu.yield_spin_cycles; }
  std::uint64_t waiting_cycles() const { return cpu.yield_wait_cycles + cpu.halt_wait_cycles; }
  std::uint64_t working_cycles() const { return cpu.cycles - spinning_cycles() - waiting_cycles(); }
};

// The stages of a request's life, in order; each consumed request
// contributes one duration per stage.
struct Stage {
  const char* name;
  std::uint64_t ring::RequestRecord::*from;
  std::uint64_t ring::RequestRecord::*to;
};
extern const Stage kRequestStages[5];
Distribution stage_distribution(const ring::RingStats& ring, const Stage& stage);

void write_json(std::ostream& out, const Stats& stats, const Config& config);
// One line per request: its sequence number, opcode and the cycle of each
// stage (empty where it never happened).
void write_requests_csv(std::ostream& out, const ring::RingStats& ring);
void print_summary(std::ostream& out, const Stats& stats);

}  // namespace s32::platform
