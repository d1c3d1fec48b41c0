// The `net` family: IPv4 TCP sockets (services.md §4), answered as the
// public emulator answers them. A socket is a File slot, so READ, WRITE
// and CLOSE serve it; SEND and RECV are WRITE and READ under the `net` gate.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host/host_thread.hpp"
#include "host/services.hpp"

namespace s32::host::net {

namespace {

using Slot = FdTable::Slot;
constexpr std::uint32_t kAddrSize = 8;
constexpr std::uint32_t kAfInet = 2;
const Work kWork{ServiceClass::File, 0};

// The host fd of a guest fd, or -1 after answering EBADF.
int host_fd(HostState& h, Call& k) {
  Slot* s = h.fds.get(k.req.status, std::nullopt, k.c);
  return s ? FdTable::host_fd(*s) : -1;
}

void put_addr(DataBuffer& buf, std::uint32_t off, const sockaddr_in& a) {
  if (off > buf.size() - kAddrSize) return;  // the public emulator reports length 8 regardless
  buf.put_u32(off, ntohl(a.sin_addr.s_addr));
  const std::uint16_t port = ntohs(a.sin_port), family = kAfInet;
  std::memcpy(buf.at(off + 4), &port, 2);
  std::memcpy(buf.at(off + 6), &family, 2);
}

// BIND and CONNECT's address record; false after answering the error.
bool get_addr(const Call& k, sockaddr_in& a) {
  if (k.req.length < kAddrSize || k.req.offset > k.buf.size() - kAddrSize) {
    fail(k.c, EINVAL);
    return false;
  }
  std::uint16_t port, family;
  std::memcpy(&port, k.buf.at(k.req.offset + 4), 2);
  std::memcpy(&family, k.buf.at(k.req.offset + 6), 2);
  if (family != kAfInet) {
    fail(k.c, EAFNOSUPPORT);
    return false;
  }
  a = {};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(k.buf.u32(k.req.offset));
  return true;
}

// Puts a new host socket into the lowest free slot, or closes it (EMFILE).
void install(HostState& h, Call& k, int fd) {
  const int index = h.fds.alloc();
  if (index < 0) {
    ::close(fd);
    fail(k.c, EMFILE);
    return;
  }
  h.fds.put(index, {Slot::Kind::File, fd, true, nullptr, true});
  ok(k.c, static_cast<std::uint32_t>(index), 0);
}

}  // namespace

Work socket(HostState& h, Call& k) {
  const std::uint32_t family = k.req.status & 0xFF, type = (k.req.status >> 8) & 0xFF,
                      proto = (k.req.status >> 16) & 0xFF;
  if (family != kAfInet) {
    fail(k.c, EAFNOSUPPORT);
    return kWork;
  }
  if (type != 1 || (proto != 0 && proto != 6)) {
    fail(k.c, EPROTONOSUPPORT);
    return kWork;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, static_cast<int>(proto));
  if (fd < 0) fail(k.c, errno);
  else install(h, k, fd);
  return kWork;
}

Work bind_or_connect(HostState& h, Call& k) {
  const int fd = host_fd(h, k);
  sockaddr_in a;
  if (fd < 0 || !get_addr(k, a)) return kWork;
  int r;
  if (k.req.opcode == kBind) {
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    r = ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  } else {
    do r = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    while (r != 0 && retry_interrupted_call());
  }
  if (r != 0) fail(k.c, errno);
  else ok(k.c);
  return kWork;
}

Work listen(HostState& h, Call& k) {
  const int fd = host_fd(h, k);
  if (fd < 0) return kWork;
  const auto backlog = static_cast<std::int32_t>(k.req.length);
  if (::listen(fd, backlog <= 0 ? 8 : std::min(backlog, 128)) != 0) fail(k.c, errno);
  else ok(k.c);
  return kWork;
}

Work accept(HostState& h, Call& k) {
  const int fd = host_fd(h, k);
  if (fd < 0) return kWork;
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  int s;
  do s = ::accept4(fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
  while (s < 0 && retry_interrupted_call());
  if (s < 0) {
    fail(k.c, errno);
    return kWork;
  }
  install(h, k, s);
  if (k.c.status == kStatusErr) return kWork;
  put_addr(k.buf, k.req.offset, peer);
  k.c.length = kAddrSize;
  return {ServiceClass::File, kAddrSize};
}

Work getsockname(HostState& h, Call& k) {
  const int fd = host_fd(h, k);
  if (fd < 0) return kWork;
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    fail(k.c, errno);
    return kWork;
  }
  put_addr(k.buf, k.req.offset, a);
  ok(k.c, 0, kAddrSize);
  return {ServiceClass::File, kAddrSize};
}

Work shutdown(HostState& h, Call& k) {
  const int fd = host_fd(h, k);
  if (fd < 0) return kWork;
  if (k.req.length > 2) {
    fail(k.c, EINVAL);
    return kWork;
  }
  const int how[3] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
  if (::shutdown(fd, how[k.req.length]) != 0) fail(k.c, errno);
  else ok(k.c);
  return kWork;
}

Work reserved(HostState&, Call& k) {
  fail(k.c, EINVAL);
  return kWork;
}

}  // namespace s32::host::net
