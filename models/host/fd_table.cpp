#include "host/fd_table.hpp"

#include <unistd.h>

#include <cerrno>

#include "host/service_call.hpp"

namespace s32::host {

FdTable::FdTable(int in_fd, int out_fd, int err_fd) {
  const int console_fds[3] = {in_fd, out_fd, err_fd};
  for (int i = 0; i < 3; ++i) slots_[static_cast<std::size_t>(i)] = {Slot::Kind::File, console_fds[i], false, nullptr};
}

FdTable::~FdTable() {
  for (Slot& s : slots_) release(s);
}

FdTable::Slot* FdTable::get(std::uint32_t guest_fd, std::optional<Slot::Kind> kind, Completion& c) {
  Slot* s = guest_fd < kMaxGuestFds ? &slots_[guest_fd] : nullptr;
  if (!s || s->kind == Slot::Kind::Free || (kind && s->kind != *kind)) {
    fail(c, EBADF);
    return nullptr;
  }
  return s;
}

int FdTable::alloc() const {
  for (unsigned i = 0; i < kMaxGuestFds; ++i)
    if (slots_[i].kind == Slot::Kind::Free) return static_cast<int>(i);
  return -1;
}

int FdTable::release(Slot& s) {
  int err = 0;
  if (s.kind == Slot::Kind::Dir && ::closedir(s.dir) != 0) err = errno;
  if (s.kind == Slot::Kind::File && s.owned && ::close(s.fd) != 0) err = errno;
  s = Slot{};
  return err;
}

}  // namespace s32::host
