// Guest RAM as a TLM target: the image's memory regions (code, rodata,
// data, heap, stack) on one sparse store, with their permissions enforced
// on every transport and reflected in the DMI grants (read-only code and
// rodata under W^X). Every access costs `access_delay`, returned as the
// transaction delay or as the DMI latency.
#pragma once

#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "isa/image.hpp"
#include "memory/sparse_memory.hpp"

namespace s32::memory {

class Ram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Ram> socket;

  // `regions` are addressed by their guest addresses (map them 1:1 on the bus).
  Ram(sc_core::sc_module_name name, std::vector<isa::Region> regions, sc_core::sc_time access_delay);

  SparseMemory& storage() { return mem_; }
  const std::vector<isa::Region>& regions() const { return regions_; }

 private:
  // Permission bits shared by every byte of [addr, addr + len), 0 if any is unmapped.
  std::uint8_t perms(std::uint64_t addr, std::uint64_t len) const;
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(tlm::tlm_generic_payload& gp);

  SparseMemory mem_;
  std::vector<isa::Region> regions_;
  sc_core::sc_time delay_;
};

}  // namespace s32::memory
