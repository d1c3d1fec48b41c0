// Negotiable host services (services.md section 2): SVC_REQUEST, RELEASE,
// QUERY, LIST and VERSION, the dynamic opcode ranges they grant from 0x80,
// and the routing of an opcode in a granted range to its session. The
// services themselves (term, tube) live in their own files behind
// ServiceSession; this file knows only their names, sizes and versions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/host_backend.hpp"
#include "host/latency_model.hpp"

namespace s32::host {

// One granted service. `sub` is the opcode minus the session's base.
class ServiceSession {
 public:
  virtual ~ServiceSession() = default;
  virtual ServiceClass service_class() const = 0;
  // Whether `sub` may block the host or take long (a host thread serves it
  // in asynchronous mode).
  virtual bool may_block(std::uint32_t sub) const = 0;
  // Serves one request; returns the bytes it moved (for the latency).
  virtual std::uint64_t serve(std::uint32_t sub, const Request& req, DataBuffer& buf, GuestMemory& mem,
                              Completion& c) = 0;
  // SVC_RELEASE: undoes what the grant did to the host (terminal, files).
  virtual void release() = 0;
};

// What a service needs to be created: its name, opcode count, version and
// a factory.
struct ServiceKind {
  std::string name;
  std::uint32_t count = 0;
  std::uint32_t version = 1;
  std::function<std::unique_ptr<ServiceSession>()> create;
};

// Result codes at buf[off] (services.md).
enum class NegotiationCode : std::uint32_t { Ok = 0, Denied = 1, Unknown = 2, Conflict = 3, Limit = 4 };

inline constexpr std::uint32_t kFirstServiceOpcode = 0x80;
inline constexpr std::uint32_t kServiceOpcodeEnd = 0xF0;  // the negotiation opcodes start here
inline constexpr unsigned kMaxServiceSessions = 16;

class Services {
 public:
  // `allows` is the service policy (true: the name may be granted).
  explicit Services(std::vector<ServiceKind> kinds,
                    std::function<bool(std::string_view)> allows = [](std::string_view) { return true; });
  // Active sessions are cleaned up in grant order.
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  void set_policy(std::function<bool(std::string_view)> allows) { allows_ = std::move(allows); }

  // The five negotiation opcodes 0xF0-0xF4.
  static bool is_negotiation(std::uint32_t opcode) { return opcode >= 0xF0 && opcode <= 0xF4; }
  void negotiate(const Request& req, DataBuffer& buf, Completion& c);

  // The active session whose range holds `opcode`, or nullptr.
  ServiceSession* route(std::uint32_t opcode, std::uint32_t& sub) const;

 private:
  struct Session {
    std::string name;
    std::uint32_t base = 0, count = 0;
    std::unique_ptr<ServiceSession> impl;  // null once released
  };
  const ServiceKind* kind(const std::string& name) const;

  std::vector<ServiceKind> kinds_;
  std::function<bool(std::string_view)> allows_;
  std::vector<Session> sessions_;  // grant order, released ones kept (they count toward the limit)
  std::uint32_t next_base_ = kFirstServiceOpcode;
};

}  // namespace s32::host
