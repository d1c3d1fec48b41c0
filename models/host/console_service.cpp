// The console opcodes: one byte out, one byte in, and FLUSH. WRITE and
// READ on fds 0-2 are the files family's, charged as console work there.
#include <unistd.h>

#include <cerrno>

#include "host/host_thread.hpp"
#include "host/services.hpp"

namespace s32::host::console {

Work putchar(HostState& h, Call& k) {
  if (!need(k.buf, k.req.offset, 1, k.c)) return {ServiceClass::Console, 0};
  h.console.put(*k.buf.at(k.req.offset));
  h.console.flush();
  return {ServiceClass::Console, 1};
}

Work getchar(HostState& h, Call& k) {
  Completion& c = k.c;
  if (!need(k.buf, k.req.offset, 1, c)) return {ServiceClass::Console, 0};
  h.console.flush();
  std::uint8_t b;
  ssize_t n;
  do n = ::read(h.console.in_fd(), &b, 1);
  while (n < 0 && retry_interrupted_call());
  if (n == 1) {
    *k.buf.at(k.req.offset) = b;
    ok(c, 0, 1);
  } else if (n == 0) {
    c.status = kStatusErr;  // end of input: ERR with length 0
    c.length = 0;
  } else {
    fail(c, errno);
  }
  return {ServiceClass::Console, 1};
}

Work flush(HostState& h, Call& k) {
  h.console.flush();
  ok(k.c);
  return {ServiceClass::Console, 0};
}

}  // namespace s32::host::console
