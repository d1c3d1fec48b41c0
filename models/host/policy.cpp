#include "host/policy.hpp"

#include <algorithm>

namespace s32::host {

namespace {

bool has(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

bool Policy::allows(std::string_view service) const {
  if (has(deny, service)) return false;
  if (!allow.empty() && !has(allow, service)) return false;
  if ((service == "net" || service == "exec") && !has(enable, service)) return false;
  return true;
}

const char* Policy::service_of(std::uint32_t opcode) {
  if ((opcode >= 0x03 && opcode <= 0x07) || (opcode >= 0x0A && opcode <= 0x0D) || (opcode >= 0x20 && opcode <= 0x2B))
    return "fs";
  if (opcode == 0x10) return "exec";
  if (opcode >= 0x30 && opcode <= 0x3F) return "time";
  if (opcode >= 0x40 && opcode <= 0x4F) return "net";
  if (opcode >= 0x60 && opcode <= 0x6F) return "env";
  return nullptr;
}

std::string Policy::add(std::vector<std::string>& list, const std::string& text) {
  std::size_t i = 0;
  while (i <= text.size()) {
    const std::size_t j = std::min(text.find(',', i), text.size());
    const std::string name = text.substr(i, j - i);
    if (!name.empty()) {
      if (std::none_of(std::begin(kServiceNames), std::end(kServiceNames), [&](const char* n) { return name == n; }))
        return "unknown service '" + name + "' (fs, time, env, exec, net, term, tube)";
      list.push_back(name);
    }
    i = j + 1;
  }
  return {};
}

}  // namespace s32::host
