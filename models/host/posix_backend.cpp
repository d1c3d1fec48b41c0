#include "host/posix_backend.hpp"

#include <cerrno>
#include <string>
#include <vector>

#include "host/services.hpp"
#include "host/term_service.hpp"

namespace s32::host {

namespace {

std::string make_blob(const std::vector<std::string>& strings) {
  std::string blob;
  for (const auto& s : strings) {
    blob += s;
    blob.push_back('\0');
  }
  return blob;
}

}  // namespace

HostState::HostState(const HostConfig& c, Console& con)
    : config(c),
      console(con),
      sandbox(c.root),
      fds(con.in_fd(), con.out_fd(), con.err_fd()),
      args_blob(make_blob(c.argv)),
      env_blob(make_blob(c.env)),
      epoch_ns(time_env::start_epoch_ns(c)),
      services({{"term", TermService::kCount, 1, [this] { return std::make_unique<TermService>(console); }},
                {"tube", TubeService::kCount, 1, [this] { return std::make_unique<TubeService>(config.tube); }}}) {}

PosixBackend::PosixBackend(const HostConfig& config, Console& console) : state_(config, console) {}

void PosixBackend::flush() { state_.console.flush(); }

Completion PosixBackend::execute(const Request& req, DataBuffer& buf, GuestMemory& mem, const HostTime& now) {
  Completion c;
  Call call{req, buf, mem, now, c};
  Work w{ServiceClass::Control, 0};
  if (Handler h = handler_for(req.opcode)) w = h(state_, call);
  else w = control::negotiated(state_, call);
  // A payload refused as outside the buffer was never moved: charging its
  // claimed length would let one bad descriptor stall the device for ages.
  c.latency_cycles += state_.config.latency.cycles(w.cls, c.protocol_warning.empty() ? w.bytes : 0);
  return c;
}

}  // namespace s32::host
