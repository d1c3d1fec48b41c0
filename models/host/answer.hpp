// How a service answers: OK, ERR(errno) and the data-buffer bounds check
// that refuses (never clips) a payload outside the buffer.
#pragma once

#include <cerrno>
#include <cstdint>
#include <string>

#include "host/host_abi.hpp"
#include "host/host_backend.hpp"

namespace s32::host::answer {

inline void fail(Completion& c, int err) {
  c.status = kStatusErr;
  c.length = (err > 0 && err < 4096) ? static_cast<std::uint32_t>(err) : static_cast<std::uint32_t>(EIO);
}

inline void ok(Completion& c, std::uint32_t status = 0, std::uint32_t length = 0) {
  c.status = status;
  c.length = length;
}

// A payload range outside the data buffer is an error and a guest mistake.
inline bool need(const DataBuffer& buf, std::uint64_t offset, std::uint64_t length, Completion& c) {
  if (buf.fits(offset, length)) return true;
  fail(c, EINVAL);
  c.protocol_warning = "payload [" + std::to_string(offset) + ", " + std::to_string(offset + length) +
                       ") lies outside the 49152-byte data buffer";
  return false;
}

}  // namespace s32::host::answer
