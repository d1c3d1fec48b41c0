// A host backend for tests: it answers from a queue the test fills, or
// from a callback when the queue is empty, and remembers every request it
// was asked to serve together with the data-buffer payload it saw, so a
// test can check what reached the host, in which order and when. No
// SystemC: it sees only what any HostBackend sees.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "host/host_backend.hpp"

namespace s32::test {

struct ScriptedResponse {
  std::uint32_t status = 0;
  std::uint32_t length = 0;
  std::uint64_t latency_cycles = 0;
  bool exit = false;
  std::string protocol_warning;
  // Copied into the data buffer at the request's offset before answering,
  // as a host READ would.
  std::vector<std::uint8_t> bytes;
};

struct ScriptedCall {
  host::Request request;
  // The data buffer's bytes [offset, offset + length) as the backend found
  // them, cut at the buffer's end (empty if the offset lies beyond it).
  std::vector<std::uint8_t> payload;
  host::HostTime time;
};

class ScriptedBackend : public host::HostBackend {
 public:
  using Responder = std::function<ScriptedResponse(const host::Request&, host::DataBuffer&)>;

  // Without a responder, requests beyond the queue get a default
  // ScriptedResponse (status 0, length 0, no latency).
  ScriptedBackend() = default;
  explicit ScriptedBackend(Responder responder) : responder_(std::move(responder)) {}

  void push(ScriptedResponse response) { queue_.push_back(std::move(response)); }
  void set_responder(Responder responder) { responder_ = std::move(responder); }

  const std::vector<ScriptedCall>& calls() const { return calls_; }
  std::size_t pending() const { return queue_.size(); }

  // Throws std::out_of_range if a response's bytes do not fit the buffer at
  // the request's offset: that is a mistake in the test, not in the device.
  host::Completion execute(const host::Request& req, host::DataBuffer& buf, host::GuestMemory& mem,
                           const host::HostTime& now) override;

 private:
  std::deque<ScriptedResponse> queue_;
  Responder responder_;
  std::vector<ScriptedCall> calls_;
};

}  // namespace s32::test
