#include "latency_model.hpp"

#include <charconv>

namespace s32::host {

const char* service_class_name(ServiceClass c) {
  switch (c) {
    case ServiceClass::Console: return "console";
    case ServiceClass::File: return "file";
    case ServiceClass::Time: return "time";
    case ServiceClass::Env: return "env";
    case ServiceClass::Control: return "control";
    case ServiceClass::Process: return "process";
  }
  return "?";
}

namespace {

bool parse_u64(std::string_view s, std::uint64_t& out) {
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end && !s.empty();
}

}  // namespace

std::string LatencyModel::set(std::string_view cls, std::string_view value) {
  for (unsigned i = 0; i < kNumServiceClasses; ++i) {
    if (cls != service_class_name(static_cast<ServiceClass>(i))) continue;
    Cost c;
    const auto plus = value.find('+');
    if (!parse_u64(value.substr(0, plus), c.fixed) ||
        (plus != std::string_view::npos && !parse_u64(value.substr(plus + 1), c.per_byte)))
      return "bad latency '" + std::string(value) + "' for class " + std::string(cls) +
             " (want CYCLES or CYCLES+PER_BYTE)";
    cost[i] = c;
    return {};
  }
  return "unknown service class '" + std::string(cls) + "' (console, file, time, env, control, process)";
}

}  // namespace s32::host
