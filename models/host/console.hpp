// The guest's console on the host: its stdin, stdout and stderr file
// descriptors, with one small buffer for stdout so DEBUG output (a byte per
// instruction) does not cost a system call per byte. Everything the guest
// writes to stdout goes through here in simulated-time order; the buffer is
// flushed before any other write to the console, before reading stdin and
// at the end of the run, so the order on the host is the guest's order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace s32::host {

class Console {
 public:
  Console(int in_fd = 0, int out_fd = 1, int err_fd = 2) : in_(in_fd), out_(out_fd), err_(err_fd) {}
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  int in_fd() const { return in_; }
  int out_fd() const { return out_; }
  int err_fd() const { return err_; }

  // A DEBUG byte: buffered.
  void put(std::uint8_t byte);
  // Writes the buffered bytes out; returns false (errno set) on failure.
  bool flush();

 private:
  int in_, out_, err_;
  std::mutex mutex_;  // DEBUG bytes come from the CPU while a host thread may flush
  std::string buffer_;
};

}  // namespace s32::host
