#include "ram.hpp"

#include <cstring>

#include "isa/memory_port.hpp"

namespace s32::memory {

Ram::Ram(sc_core::sc_module_name name, std::vector<isa::Region> regions, sc_core::sc_time access_delay)
    : sc_module(name), socket("socket"), regions_(std::move(regions)), delay_(access_delay) {
  socket.register_b_transport(this, &Ram::b_transport);
  socket.register_get_direct_mem_ptr(this, &Ram::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &Ram::transport_dbg);
}

std::uint8_t Ram::perms(std::uint64_t addr, std::uint64_t len) const {
  std::uint8_t p = 0xFF;
  const std::uint64_t end = addr + len;
  while (addr < end) {
    const isa::Region* hit = nullptr;
    for (const isa::Region& r : regions_)
      if (addr >= r.base && addr < r.end()) hit = &r;
    if (!hit) return 0;
    p &= hit->perms;
    addr = hit->end();
  }
  return p;
}

void Ram::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const std::uint64_t addr = gp.get_address();
  const unsigned len = gp.get_data_length();
  if (gp.get_byte_enable_ptr() || gp.get_streaming_width() < len) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  const std::uint8_t p = perms(addr, len);
  if (p == 0) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (gp.is_read()) {
    if (!(p & isa::kPermRead)) {
      gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    }
    std::memcpy(gp.get_data_ptr(), mem_.host(static_cast<std::uint32_t>(addr)), len);
  } else if (gp.is_write()) {
    if (!(p & isa::kPermWrite)) {
      gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    }
    std::memcpy(mem_.host(static_cast<std::uint32_t>(addr)), gp.get_data_ptr(), len);
    // Someone else (a DMA) wrote code: initiators holding it through DMI
    // must drop what they derived from it, such as predecoded instructions.
    if (p & isa::kPermExec) socket->invalidate_direct_mem_ptr(addr, addr + len - 1);
  }
  delay += delay_;
  gp.set_dmi_allowed(true);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Ram::get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = gp.get_address();
  for (const isa::Region& r : regions_) {
    if (addr < r.base || addr >= r.end()) continue;
    if (!(r.perms & isa::kPermRead)) return false;
    dmi.set_dmi_ptr(mem_.host(r.base));
    dmi.set_start_address(r.base);
    dmi.set_end_address(r.end() - 1);
    dmi.set_granted_access((r.perms & isa::kPermWrite) ? tlm::tlm_dmi::DMI_ACCESS_READ_WRITE
                                                       : tlm::tlm_dmi::DMI_ACCESS_READ);
    dmi.set_read_latency(delay_);
    dmi.set_write_latency(delay_);
    return true;
  }
  return false;
}

unsigned int Ram::transport_dbg(tlm::tlm_generic_payload& gp) {
  const std::uint64_t addr = gp.get_address();
  const unsigned len = gp.get_data_length();
  if (perms(addr, len) == 0) return 0;
  if (gp.is_read()) std::memcpy(gp.get_data_ptr(), mem_.host(static_cast<std::uint32_t>(addr)), len);
  if (gp.is_write()) std::memcpy(mem_.host(static_cast<std::uint32_t>(addr)), gp.get_data_ptr(), len);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

}  // namespace s32::memory
