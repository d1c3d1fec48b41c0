#include "platform/config.hpp"

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

}  // namespace s32::platform
