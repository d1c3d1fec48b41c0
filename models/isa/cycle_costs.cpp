#include "cycle_costs.hpp"

namespace s32::isa {

CycleCosts CycleCosts::defaults() {
  CycleCosts c;
  c.cost_.fill(1);
  for (const OpInfo& info : kOpTable) {
    if (info.cls == OpClass::Mul) c.cost_[static_cast<unsigned>(info.op)] = 32;
    if (info.cls == OpClass::Div) c.cost_[static_cast<unsigned>(info.op)] = 64;
  }
  return c;
}

std::string CycleCosts::set(std::string_view name, std::uint32_t cycles) {
  if (cycles < 1) return "cycle cost of '" + std::string(name) + "' must be at least 1";
  if (const OpInfo* info = op_info_by_mnemonic(name)) {
    cost_[static_cast<unsigned>(info->op)] = cycles;
    return {};
  }
  bool matched = false;
  for (const OpInfo& info : kOpTable) {
    if (op_class_name(info.cls) == name) {
      cost_[static_cast<unsigned>(info.op)] = cycles;
      matched = true;
    }
  }
  if (!matched) return "unknown instruction or class '" + std::string(name) + "' in cycle costs";
  return {};
}

}  // namespace s32::isa
