#include "bus.hpp"

#include <algorithm>
#include <stdexcept>

namespace s32::interconnect {

Bus::Bus(sc_core::sc_module_name name) : sc_module(name), targets_side("targets_side"), initiators_side("initiators_side") {
  targets_side.register_b_transport(this, &Bus::b_transport);
  targets_side.register_get_direct_mem_ptr(this, &Bus::get_direct_mem_ptr);
  targets_side.register_transport_dbg(this, &Bus::transport_dbg);
  initiators_side.register_invalidate_direct_mem_ptr(this, &Bus::invalidate_direct_mem_ptr);
}

void Bus::map(std::uint64_t base, std::uint64_t size, unsigned port, std::uint64_t target_base, std::string label) {
  for (const Mapping& m : map_) {
    if (base < m.base + m.size && m.base < base + size)
      throw std::logic_error("bus mapping '" + label + "' overlaps '" + m.label + "'");
  }
  map_.push_back({base, size, port, target_base, std::move(label)});
  std::sort(map_.begin(), map_.end(), [](const Mapping& a, const Mapping& b) { return a.base < b.base; });
}

const Bus::Mapping* Bus::decode(std::uint64_t addr, unsigned len) const {
  for (const Mapping& m : map_) {
    if (addr >= m.base && addr - m.base < m.size) return len <= m.size - (addr - m.base) ? &m : nullptr;
  }
  return nullptr;
}

void Bus::b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const std::uint64_t addr = gp.get_address();
  const Mapping* m = decode(addr, gp.get_data_length());
  if (!m) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  gp.set_address(addr - m->base + m->target_base);
  initiators_side[m->port]->b_transport(gp, delay);
  gp.set_address(addr);
}

bool Bus::get_direct_mem_ptr(int, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = gp.get_address();
  const Mapping* m = decode(addr, 1);
  if (!m) return false;
  gp.set_address(addr - m->base + m->target_base);
  const bool granted = initiators_side[m->port]->get_direct_mem_ptr(gp, dmi);
  gp.set_address(addr);
  if (!granted) return false;
  // Back to bus addresses, clipped to this mapping.
  const std::uint64_t lo = std::max<std::uint64_t>(dmi.get_start_address(), m->target_base);
  const std::uint64_t hi = std::min<std::uint64_t>(dmi.get_end_address(), m->target_base + m->size - 1);
  dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (lo - dmi.get_start_address()));
  dmi.set_start_address(lo - m->target_base + m->base);
  dmi.set_end_address(hi - m->target_base + m->base);
  return true;
}

unsigned int Bus::transport_dbg(int, tlm::tlm_generic_payload& gp) {
  const std::uint64_t addr = gp.get_address();
  const Mapping* m = decode(addr, gp.get_data_length());
  if (!m) return 0;
  gp.set_address(addr - m->base + m->target_base);
  const unsigned n = initiators_side[m->port]->transport_dbg(gp);
  gp.set_address(addr);
  return n;
}

void Bus::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const Mapping& m : map_) {
    if (static_cast<int>(m.port) != port) continue;
    const std::uint64_t lo = std::max<std::uint64_t>(start, m.target_base);
    const std::uint64_t hi = std::min<std::uint64_t>(end, m.target_base + m.size - 1);
    if (lo > hi) continue;
    for (unsigned i = 0; i < targets_side.size(); ++i)
      targets_side[i]->invalidate_direct_mem_ptr(lo - m.target_base + m.base, hi - m.target_base + m.base);
  }
}

}  // namespace s32::interconnect
