// The interconnect: decodes addresses to targets and forwards b_transport,
// DMI requests and debug transport, translating addresses both ways.
// Initiators (the CPU, the ring device's DMA port) bind to `targets_side`;
// each mapped target binds to one of `initiators_side`. An address no
// mapping covers answers TLM_ADDRESS_ERROR_RESPONSE, which the CPU turns
// into a guest fault.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

namespace s32::interconnect {

class Bus : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Bus> targets_side;
  tlm_utils::multi_passthrough_initiator_socket<Bus> initiators_side;

  explicit Bus(sc_core::sc_module_name name);

  // Routes [base, base + size) to the target bound to initiators_side at
  // `port`, which sees the range starting at `target_base`.
  void map(std::uint64_t base, std::uint64_t size, unsigned port, std::uint64_t target_base, std::string label);

 private:
  struct Mapping {
    std::uint64_t base, size;
    unsigned port;
    std::uint64_t target_base;
    std::string label;
  };

  const Mapping* decode(std::uint64_t addr, unsigned len) const;
  void b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& gp);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);

  std::vector<Mapping> map_;
};

}  // namespace s32::interconnect
