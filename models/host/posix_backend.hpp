// The real host behind the ring: console, files, directories, time,
// arguments and environment for every "must work" opcode of ring-abi.md,
// on POSIX, confined to a sandbox root, with real errno values and the
// modelled latency of each operation. Each service family has its own file
// (services.hpp lists them); this class owns their shared state and
// dispatches through one table (dispatch.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "host/console.hpp"
#include "host/host_abi.hpp"
#include "host/host_backend.hpp"
#include "host/host_config.hpp"
#include "host/host_state.hpp"
#include "host/latency_model.hpp"
#include "host/sandbox.hpp"

namespace s32::host {

class PosixBackend : public HostBackend {
 public:
  // `console` carries the guest's stdin/stdout/stderr and must outlive this.
  PosixBackend(const HostConfig& config, Console& console);

  Completion execute(const Request& req, DataBuffer& buf, GuestMemory& mem, const HostTime& now) override;
  void flush() override;
  bool may_block(const Request& req) const override;
  std::uint64_t latency_floor(const Request& req) const override;
  void interrupt(int signal) override;

  const Sandbox& sandbox() const { return state_.sandbox; }
  // Requests the policy refused, by service name.
  const std::map<std::string, std::uint64_t>& refused() const { return refused_; }

 private:
  HostState state_;
  std::map<std::string, std::uint64_t> refused_;
};

}  // namespace s32::host
