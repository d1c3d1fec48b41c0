// The host side of the ring: given one request descriptor and the data
// buffer, do the work and say what to answer and how long it took in the
// model. Backends know nothing of buses or SystemC: the device hands them
// its data buffer and, for READ_DIRECT and display lists, a way to reach
// guest memory.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace s32::host {

struct Request {
  std::uint32_t opcode = 0, length = 0, offset = 0, status = 0;
};

// The device's 48 KiB data buffer, with the bounds checks every operation
// needs: a payload range outside it is refused, never clipped.
class DataBuffer {
 public:
  DataBuffer(std::uint8_t* bytes, std::uint32_t size) : bytes_(bytes), size_(size) {}
  std::uint32_t size() const { return size_; }
  bool fits(std::uint64_t offset, std::uint64_t length) const { return offset <= size_ && length <= size_ - offset; }
  std::uint8_t* at(std::uint32_t offset) { return bytes_ + offset; }
  const std::uint8_t* at(std::uint32_t offset) const { return bytes_ + offset; }
  std::uint32_t u32(std::uint32_t offset) const {
    std::uint32_t v;
    std::memcpy(&v, bytes_ + offset, 4);
    return v;
  }
  void put_u32(std::uint32_t offset, std::uint32_t v) { std::memcpy(bytes_ + offset, &v, 4); }
  void put_u64(std::uint32_t offset, std::uint64_t v) { std::memcpy(bytes_ + offset, &v, 8); }

 private:
  std::uint8_t* bytes_;
  std::uint32_t size_;
};

// Guest RAM as a DMA engine sees it: reads and writes that may fail
// (unmapped or read-only memory) and that take time.
class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  virtual bool write(std::uint32_t addr, const std::uint8_t* data, std::uint32_t length) = 0;
  virtual bool read(std::uint32_t addr, std::uint8_t* data, std::uint32_t length) = 0;
};

// Simulated time when the device starts serving the request.
struct HostTime {
  std::uint64_t sim_ps = 0;
  std::uint64_t cycle_ps = 10000;
};

struct Completion {
  std::uint32_t length = 0;  // response fields; opcode and offset are copied
  std::uint32_t status = 0;  //   from the request by the device
  std::uint64_t latency_cycles = 0;  // modelled host time before the response
  bool exit = false;                 // EXIT: stop processing (the response is posted only if there is room)
  std::string protocol_warning;      // a guest mistake the monitor should count
};

class HostBackend {
 public:
  virtual ~HostBackend() = default;
  virtual Completion execute(const Request& req, DataBuffer& buf, GuestMemory& mem, const HostTime& now) = 0;
  // Flushes buffered console output (end of run, before a fault report).
  virtual void flush() {}
  // Whether serving `req` may block the host or take long (asynchronous
  // host I/O gives it to a host thread; it must not touch guest memory).
  virtual bool may_block(const Request&) const { return false; }
  // A stop was asked for, from another thread: host work that would hold
  // the run up (a child process of EXEC) is ended too.
  virtual void interrupt(int /*signal*/) {}
  // A lower bound of the modelled latency of `req`, known before serving it.
  virtual std::uint64_t latency_floor(const Request&) const { return 0; }
};

}  // namespace s32::host
