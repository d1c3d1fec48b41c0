// NOP, EXIT and service negotiation.
#include <cerrno>

#include "host/services.hpp"

namespace s32::host::control {

Work nop(HostState&, Call&) { return {ServiceClass::Control, 0}; }

Work exit(HostState&, Call& k) {
  k.c.exit = true;
  ok(k.c, k.req.status, 0);
  return {ServiceClass::Control, 0};
}

Work service(HostState& s, Call& k) {
  s.services.negotiate(k.req, k.buf, k.c);
  return {ServiceClass::Control, k.req.length};
}

Work negotiated(HostState& s, Call& k) {
  std::uint32_t sub = 0;
  if (ServiceSession* session = s.services.route(k.req.opcode, sub))
    return {session->service_class(), session->serve(sub, k.req, k.buf, k.mem, k.c)};
  fail(k.c, k.req.opcode >= kFirstServiceOpcode && k.req.opcode < kServiceOpcodeEnd ? EINVAL : ENOSYS);
  return {ServiceClass::Control, 0};
}

}  // namespace s32::host::control
