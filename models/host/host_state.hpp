// What the service families share: the configuration, the console, the
// sandbox, the fd table, and the blobs and clock fixed at start. Each
// family's handlers (files.cpp, console_service.cpp, time_env.cpp,
// control.cpp, exec_service.cpp, and the negotiated term and tube) read and change it; PosixBackend owns it.
#pragma once

#include <cstdint>
#include <string>

#include "host/console.hpp"
#include "host/exec_service.hpp"
#include "host/fd_table.hpp"
#include "host/host_config.hpp"
#include "host/negotiation.hpp"
#include "host/sandbox.hpp"

namespace s32::host {

struct HostState {
  HostState(const HostConfig& config, Console& console);

  bool is_console_fd(int host_fd) const {
    return host_fd == console.in_fd() || host_fd == console.out_fd() || host_fd == console.err_fd();
  }

  HostConfig config;
  Console& console;
  Sandbox sandbox;
  FdTable fds;
  std::string args_blob, env_blob;
  std::int64_t epoch_ns = 0;
  ExecService exec;
  Services services;  // last: its sessions use the console, and are released first
};

}  // namespace s32::host
