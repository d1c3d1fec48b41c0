#include "scripted_backend.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace s32::test {

host::Completion ScriptedBackend::execute(const host::Request& req, host::DataBuffer& buf, host::GuestMemory&,
                                          const host::HostTime& now) {
  ScriptedCall call{req, {}, now};
  if (req.offset < buf.size()) {
    const std::uint32_t n = std::min(req.length, buf.size() - req.offset);
    call.payload.assign(buf.at(req.offset), buf.at(req.offset) + n);
  }
  calls_.push_back(std::move(call));

  ScriptedResponse r;
  if (!queue_.empty()) {
    r = std::move(queue_.front());
    queue_.pop_front();
  } else if (responder_) {
    r = responder_(req, buf);
  }
  if (!r.bytes.empty()) {
    if (!buf.fits(req.offset, r.bytes.size()))
      throw std::out_of_range("scripted response bytes do not fit the data buffer at offset " +
                              std::to_string(req.offset));
    std::memcpy(buf.at(req.offset), r.bytes.data(), r.bytes.size());
  }

  host::Completion c;
  c.status = r.status;
  c.length = r.length;
  c.latency_cycles = r.latency_cycles;
  c.exit = r.exit;
  c.protocol_warning = std::move(r.protocol_warning);
  return c;
}

}  // namespace s32::test
