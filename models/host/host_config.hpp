// What the user decides about the guest's host: sandbox, arguments,
// environment, clock and latency model.
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "host/exec_service.hpp"
#include "host/latency_model.hpp"
#include "host/policy.hpp"
#include "host/sandbox.hpp"
#include "host/tube_service.hpp"

namespace s32::host {

// An epoch (nanoseconds since 1970) as --epoch takes it: seconds, a point
// and nine digits, so it reads back to the same nanosecond.
inline std::string epoch_text(std::int64_t ns) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%09" PRId64, ns / 1'000'000'000, ns % 1'000'000'000);
  return buf;
}

struct HostConfig {
  std::string root = ".";              // sandbox root
  std::vector<DirGrant> dirs;          // directories granted besides the root (--dir)
  std::vector<std::string> argv;       // guest argv, argv[0] = program path as given
  std::vector<std::string> env;        // the guest's whole environment, "NAME=VALUE"
  std::optional<std::int64_t> epoch_ns;  // GETTIME at simulated time 0; unset: host time at start
  bool host_clock = false;             // GETTIME reads the host's real-time clock instead
  LatencyModel latency;
  Policy policy;  // which services the guest may use
  ExecConfig exec;  // how EXEC starts a child

  // Negotiable services and the public interpreter's READ_DIRECT.
  TubeConfig tube;
  bool read_direct = true;  // false: READ_DIRECT answers EINVAL, as in the public interpreter
};

}  // namespace s32::host
