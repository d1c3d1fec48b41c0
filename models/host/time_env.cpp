// Clocks, SLEEP, the time zone, and the guest's arguments and environment.
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host/services.hpp"

namespace s32::host::time_env {

namespace {

constexpr unsigned __int128 kLatestWakeUpPs = static_cast<unsigned __int128>(1) << 63;

std::int64_t host_realtime_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Work blob_info(const std::string& blob, std::uint32_t count, Call& k) {
  const Work w{ServiceClass::Env, kInfoRecordSize};
  if (k.req.length < kInfoRecordSize) {
    fail(k.c, EINVAL);
    return w;
  }
  if (!need(k.buf, k.req.offset, kInfoRecordSize, k.c)) return w;
  k.buf.put_u32(k.req.offset, count);
  k.buf.put_u32(k.req.offset + 4, static_cast<std::uint32_t>(blob.size()));
  k.buf.put_u32(k.req.offset + 8, 0);
  k.buf.put_u32(k.req.offset + 12, 0);
  ok(k.c, 0, kInfoRecordSize);
  return w;
}

Work blob_data(const std::string& blob, Call& k) {
  const Request& req = k.req;
  Work w{ServiceClass::Env, 0};
  if (req.length == 0) {
    ok(k.c);
    return w;
  }
  if (!need(k.buf, req.offset, req.length, k.c)) return w;
  if (req.status > blob.size()) {
    fail(k.c, EINVAL);
    return w;
  }
  const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(req.length, blob.size() - req.status));
  std::memcpy(k.buf.at(req.offset), blob.data() + req.status, n);
  ok(k.c, 0, n);
  w.bytes = n;
  return w;
}

}  // namespace

std::int64_t start_epoch_ns(const HostConfig& config) {
  return config.epoch_ns ? *config.epoch_ns : host_realtime_ns();
}

Work time(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  DataBuffer& buf = k.buf;
  const Work w{ServiceClass::Time, kTimeRecordSize};
  if (req.length < kTimeRecordSize) {
    fail(c, EINVAL);
    return w;
  }
  if (!need(buf, req.offset, kTimeRecordSize, c)) return w;
  const std::uint32_t off = req.offset;
  if (req.opcode == kGettime) {
    const std::int64_t t = h.config.host_clock ? host_realtime_ns()
                                               : h.epoch_ns + static_cast<std::int64_t>(k.now.sim_ps / 1000);
    const std::uint64_t secs = t < 0 ? 0 : static_cast<std::uint64_t>(t / 1'000'000'000);
    buf.put_u64(off, secs);
    buf.put_u32(off + 8, t < 0 ? 0 : static_cast<std::uint32_t>(t % 1'000'000'000));
    buf.put_u32(off + 12, 0);
    ok(c, 0, kTimeRecordSize);
    return w;
  }
  if (req.opcode == kSleep) {
    std::uint64_t secs;
    std::memcpy(&secs, buf.at(off), 8);
    const std::uint32_t nsec = buf.u32(off + 8);
    if (nsec >= 1'000'000'000u || secs > 1'000'000'000ull) {
      fail(c, EINVAL);
      return w;
    }
    // Sleeping passes simulated time only: the response comes that much later.
    const unsigned __int128 ps = (static_cast<unsigned __int128>(secs) * 1'000'000'000u + nsec) * 1000u;
    // The platform counts time in 64-bit picoseconds: a wake-up past 2^63 ps
    // (about 106.7 days, leaving room for the latencies added after it)
    // would wrap and wake the guest almost at once.
    if (k.now.sim_ps + ps >= kLatestWakeUpPs) {
      fail(c, EINVAL);
      return w;
    }
    c.latency_cycles = static_cast<std::uint64_t>((ps + k.now.cycle_ps - 1) / k.now.cycle_ps);
    std::memset(buf.at(off), 0, kTimeRecordSize);
    ok(c, 0, kTimeRecordSize);
    return w;
  }
  std::uint64_t secs;
  std::memcpy(&secs, buf.at(off), 8);
  const time_t when = static_cast<time_t>(std::min<std::uint64_t>(secs, static_cast<std::uint64_t>(INT64_MAX)));
  struct tm tm {};
  std::int32_t gmtoff = 0;
  std::uint32_t dst = 0;
  char abbrev[8] = "UTC";
  if (::localtime_r(&when, &tm)) {
    gmtoff = static_cast<std::int32_t>(tm.tm_gmtoff);
    dst = tm.tm_isdst > 0 ? 1 : 0;
    if (tm.tm_zone && tm.tm_zone[0]) {
      std::memset(abbrev, 0, sizeof abbrev);
      std::strncpy(abbrev, tm.tm_zone, sizeof abbrev - 1);
    }
  }
  std::memset(buf.at(off), 0, kTimeRecordSize);
  buf.put_u32(off, static_cast<std::uint32_t>(gmtoff));
  buf.put_u32(off + 4, dst);
  std::memcpy(buf.at(off + 8), abbrev, sizeof abbrev);
  ok(c, 0, kTimeRecordSize);
  return w;
}

Work args_info(HostState& h, Call& k) {
  return blob_info(h.args_blob, static_cast<std::uint32_t>(h.config.argv.size()), k);
}
Work args_data(HostState& h, Call& k) { return blob_data(h.args_blob, k); }
Work envp_info(HostState& h, Call& k) {
  return blob_info(h.env_blob, static_cast<std::uint32_t>(h.config.env.size()), k);
}
Work envp_data(HostState& h, Call& k) { return blob_data(h.env_blob, k); }

Work getenv(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  Work w{ServiceClass::Env, req.length};
  std::string name;
  if (!text_arg(req, k.buf, name, c)) return w;
  // An empty name is simply unset, not a missing file.
  if (name.empty() || name.find('=') != std::string::npos) {
    fail(c, EINVAL);
    return w;
  }
  for (const std::string& kv : h.config.env) {
    if (kv.size() <= name.size() || kv.compare(0, name.size(), name) != 0 || kv[name.size()] != '=') continue;
    const std::string value = kv.substr(name.size() + 1);
    if (!k.buf.fits(req.offset, value.size())) {
      fail(c, ERANGE);
      return w;
    }
    std::memcpy(k.buf.at(req.offset), value.data(), value.size());
    ok(c, static_cast<std::uint32_t>(value.size()), static_cast<std::uint32_t>(value.size()));
    w.bytes += value.size();
    return w;
  }
  fail(c, EINVAL);
  return w;
}

}  // namespace s32::host::time_env
