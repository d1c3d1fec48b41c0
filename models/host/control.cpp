// NOP, EXIT and service negotiation.
#include <algorithm>
#include <cerrno>

#include "host/services.hpp"

namespace s32::host::control {

Work nop(HostState&, Call&) { return {ServiceClass::Control, 0}; }

Work exit(HostState&, Call& k) {
  k.c.exit = true;
  ok(k.c, k.req.status, 0);
  return {ServiceClass::Control, 0};
}

Work service(HostState&, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  // No negotiable services (term, tube) are offered: every name is unknown,
  // which programs that ask for them handle.
  constexpr std::uint32_t kUnknown = 2;
  const Work w{ServiceClass::Control, req.length};
  if (req.opcode == kSvcVersion) {
    ok(c, 1, 0);
    return w;
  }
  if (req.opcode == kSvcList) {
    ok(c, 0, 0);
    return w;
  }
  if (req.length == 0 || req.length > 32) {
    fail(c, EINVAL);
    return w;
  }
  if (!need(k.buf, req.offset, std::max<std::uint32_t>(req.length, 4), c)) return w;
  if (req.opcode == kSvcRelease) {
    fail(c, ENOENT);
    return w;
  }
  k.buf.put_u32(req.offset, kUnknown);
  ok(c, 0, 4);
  return w;
}

}  // namespace s32::host::control
