// What every service handler works with: one request, the data buffer,
// guest memory, the time, the completion to fill, and the small argument
// checks they all share. A handler returns the bytes it moved and its
// latency class, from which the backend charges the modelled latency.
#pragma once

#include <cstdint>
#include <string>

#include "host/host_backend.hpp"
#include "host/latency_model.hpp"

namespace s32::host {

struct Call {
  const Request& req;
  DataBuffer& buf;
  GuestMemory& mem;
  const HostTime& now;
  Completion& c;
};

struct Work {
  ServiceClass cls = ServiceClass::Control;
  std::uint64_t bytes = 0;
};

// ERR with `err` (anything outside 1..4095 becomes EIO).
void fail(Completion& c, int err);
void ok(Completion& c, std::uint32_t status = 0, std::uint32_t length = 0);
// A payload range outside the data buffer is EINVAL and a guest mistake.
bool need(const DataBuffer& buf, std::uint64_t offset, std::uint64_t length, Completion& c);
// `length` bytes at `offset`, up to the first NUL if there is one.
bool text_arg(const Request& req, const DataBuffer& buf, std::string& out, Completion& c);
// A path argument as text_arg; an empty path is ENOENT.
bool path_arg(const Request& req, const DataBuffer& buf, std::string& out, Completion& c);

}  // namespace s32::host
