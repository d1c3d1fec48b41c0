#include "host/negotiation.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host/host_abi.hpp"
#include "host/service_call.hpp"

namespace s32::host {

Services::Services(std::vector<ServiceKind> kinds, std::function<bool(std::string_view)> allows)
    : kinds_(std::move(kinds)), allows_(std::move(allows)) {}

Services::~Services() {
  for (Session& s : sessions_)
    if (s.impl) s.impl->release();
}

const ServiceKind* Services::kind(const std::string& name) const {
  for (const ServiceKind& k : kinds_)
    if (k.name == name) return &k;
  return nullptr;
}

ServiceSession* Services::route(std::uint32_t opcode, std::uint32_t& sub) const {
  for (const Session& s : sessions_) {
    if (s.impl && opcode >= s.base && opcode - s.base < s.count) {
      sub = opcode - s.base;
      return s.impl.get();
    }
  }
  return nullptr;
}

void Services::negotiate(const Request& req, DataBuffer& buf, Completion& c) {
  if (req.opcode == kSvcVersion) {
    ok(c, 1, 0);
    return;
  }
  if (req.opcode == kSvcList) {
    // Each name only if it fits whole, not filtered by policy.
    std::uint32_t at = req.offset;
    for (const ServiceKind& k : kinds_) {
      const auto size = static_cast<std::uint32_t>(k.name.size() + 1);
      if (!buf.fits(at, size)) break;
      std::memcpy(buf.at(at), k.name.c_str(), size);
      at += size;
    }
    ok(c, 0, at - req.offset);
    return;
  }
  if (req.length == 0 || req.length > 32) {
    fail(c, EINVAL);
    return;
  }
  // The public emulator writes its 4-byte code unchecked past a short name
  // at the buffer's end; here that is refused instead.
  const bool answers_code = req.opcode != kSvcRelease;
  if (!need(buf, req.offset, answers_code ? std::max<std::uint32_t>(req.length, 4) : req.length, c)) return;
  // The last byte is the terminator whatever the guest put there.
  const auto* p = reinterpret_cast<const char*>(buf.at(req.offset));
  const std::string name(p, strnlen(p, req.length - 1));
  const auto code = [&](NegotiationCode v) {
    buf.put_u32(req.offset, static_cast<std::uint32_t>(v));
    ok(c, 0, 4);
  };

  if (req.opcode == kSvcRelease) {
    for (Session& s : sessions_) {
      if (s.impl && s.name == name) {
        s.impl->release();
        s.impl.reset();
        ok(c);
        return;
      }
    }
    fail(c, ENOENT);
    return;
  }
  const ServiceKind* k = kind(name);
  if (req.opcode == kSvcQuery) {
    code(!k ? NegotiationCode::Unknown : !allows_(name) ? NegotiationCode::Denied : NegotiationCode::Ok);
    return;
  }
  if (!allows_(name)) return code(NegotiationCode::Denied);
  if (!k) return code(NegotiationCode::Unknown);
  // A held service is not granted twice (the public emulator creates a
  // second session at the next base and answers OK).
  const bool held = std::any_of(sessions_.begin(), sessions_.end(),
                                [&](const Session& s) { return s.impl && s.name == name; });
  if (held) return code(NegotiationCode::Conflict);
  if (sessions_.size() >= kMaxServiceSessions || next_base_ + k->count > kServiceOpcodeEnd)
    return code(NegotiationCode::Limit);
  sessions_.push_back({name, next_base_, k->count, k->create()});
  if (buf.fits(req.offset, 16)) {
    buf.put_u32(req.offset, static_cast<std::uint32_t>(NegotiationCode::Ok));
    buf.put_u32(req.offset + 4, next_base_);
    buf.put_u32(req.offset + 8, k->count);
    buf.put_u32(req.offset + 12, k->version);
    ok(c, 0, 16);
  } else {
    ok(c, 0, 0);
  }
  next_base_ += k->count;
}

}  // namespace s32::host
