#include "host/service_call.hpp"

#include <cerrno>
#include <cstring>

#include "host/host_abi.hpp"

namespace s32::host {

void fail(Completion& c, int err) {
  c.status = kStatusErr;
  c.length = (err > 0 && err < 4096) ? static_cast<std::uint32_t>(err) : static_cast<std::uint32_t>(EIO);
}

void ok(Completion& c, std::uint32_t status, std::uint32_t length) {
  c.status = status;
  c.length = length;
}

bool need(const DataBuffer& buf, std::uint64_t offset, std::uint64_t length, Completion& c) {
  if (buf.fits(offset, length)) return true;
  fail(c, EINVAL);
  c.protocol_warning = "payload [" + std::to_string(offset) + ", " + std::to_string(offset + length) +
                       ") lies outside the 49152-byte data buffer";
  return false;
}

bool text_arg(const Request& req, const DataBuffer& buf, std::string& out, Completion& c) {
  if (req.length == 0) {
    fail(c, EINVAL);
    return false;
  }
  if (!need(buf, req.offset, req.length, c)) return false;
  const auto* p = reinterpret_cast<const char*>(buf.at(req.offset));
  out.assign(p, strnlen(p, req.length));
  return true;
}

bool path_arg(const Request& req, const DataBuffer& buf, std::string& out, Completion& c) {
  if (!text_arg(req, buf, out, c)) return false;
  if (out.empty()) {
    fail(c, ENOENT);
    return false;
  }
  return true;
}

}  // namespace s32::host
