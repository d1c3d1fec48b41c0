#include "host/posix_backend.hpp"

#include <algorithm>
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
      sandbox(c.root, c.dirs),
      fds(con.in_fd(), con.out_fd(), con.err_fd()),
      args_blob(make_blob(c.argv)),
      env_blob(make_blob(c.env)),
      epoch_ns(time_env::start_epoch_ns(c)),
      services({{"term", TermService::kCount, 1, [this] { return std::make_unique<TermService>(console); }},
                {"tube", TubeService::kCount, 1, [this] { return std::make_unique<TubeService>(config.tube); }}},
               [this](std::string_view name) { return config.policy.allows(name); }) {}

PosixBackend::PosixBackend(const HostConfig& config, Console& console) : state_(config, console) {}

void PosixBackend::flush() { state_.console.flush(); }

bool PosixBackend::may_block(const Request& req) const {
  // A refused request is answered at once, at the control latency.
  const char* service = Policy::service_of(req.opcode);
  if (service && !state_.config.policy.allows(service)) return false;
  switch (req.opcode) {
    case kConnect:
    case kAccept:
    case kExec:
    case kSend:
    case kRecv:
    case kGetchar:
    case kWrite:
    case kRead:
    case kOpen:
    case kClose:
    case kSeek:
    case kStat:
    case kFlush:
    case kFtruncate:
    case kLstat:
    case kUnlink:
    case kRename:
    case kMkdir:
    case kRmdir:
    case kAccess:
    case kOpendir:
    case kReaddir: return true;
    default: break;
  }
  std::uint32_t sub = 0;
  const ServiceSession* s = state_.services.route(req.opcode, sub);
  return s && s->may_block(sub);
}

std::uint64_t PosixBackend::latency_floor(const Request& req) const {
  // Every request that may block is charged as console, file or process work.
  if (!may_block(req)) return 0;
  const LatencyModel& m = state_.config.latency;
  return std::min({m.cycles(ServiceClass::Console, 0), m.cycles(ServiceClass::File, 0),
                   m.cycles(ServiceClass::Process, 0)});
}

void PosixBackend::interrupt(int signal) { state_.exec.interrupt(signal); }

Completion PosixBackend::execute(const Request& req, DataBuffer& buf, GuestMemory& mem, const HostTime& now) {
  Completion c;
  Call call{req, buf, mem, now, c};
  Work w{ServiceClass::Control, 0};
  const char* service = Policy::service_of(req.opcode);
  if (service && !state_.config.policy.allows(service)) {
    // Ours: the public emulator answers EINVAL, which hides the reason.
    fail(c, EACCES);
    ++refused_[service];
  } else if (Handler h = handler_for(req.opcode)) {
    w = h(state_, call);
  } else {
    w = control::negotiated(state_, call);
  }
  // A payload refused as outside the buffer was never moved: charging its
  // claimed length would let one bad descriptor stall the device for ages.
  c.latency_cycles += state_.config.latency.cycles(w.cls, c.protocol_warning.empty() ? w.bytes : 0);
  return c;
}

}  // namespace s32::host
