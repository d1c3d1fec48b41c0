// The guest's 128 file descriptors: which host file, directory stream or
// socket each slot holds. Slots 0-2 start as the host's stdin, stdout and
// stderr, which the guest may free but never closes on the host.
#pragma once

#include <dirent.h>

#include <array>
#include <cstdint>
#include <optional>

#include "host/host_abi.hpp"
#include "host/host_backend.hpp"

namespace s32::host {

class FdTable {
 public:
  struct Slot {
    // Sockets are File slots: READ, WRITE and CLOSE treat them alike, and
    // the host answers ENOTSOCK where a socket call meets a file.
    enum class Kind : std::uint8_t { Free, File, Dir } kind = Kind::Free;
    int fd = -1;
    bool owned = false;  // false for the host's stdin/stdout/stderr
    DIR* dir = nullptr;
    bool socket = false;  // WRITE sends without SIGPIPE
  };

  FdTable(int in_fd, int out_fd, int err_fd);
  ~FdTable();
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  // The slot of an open `guest_fd` (of `kind`, when given); otherwise
  // answers EBADF in `c` and returns nullptr.
  Slot* get(std::uint32_t guest_fd, std::optional<Slot::Kind> kind, Completion& c);
  // The lowest free slot, or -1.
  int alloc() const;
  void put(int index, const Slot& s) { slots_[static_cast<std::size_t>(index)] = s; }
  // Frees the slot, closing what it owns; returns 0 or the host errno.
  int release(Slot& s);
  // The host fd a slot stands for (a directory's own fd for Dir slots).
  static int host_fd(const Slot& s) { return s.kind == Slot::Kind::Dir ? ::dirfd(s.dir) : s.fd; }

 private:
  std::array<Slot, kMaxGuestFds> slots_{};
};

}  // namespace s32::host
