#include "host/posix_backend.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "host/host_abi.hpp"
#include "host/term_service.hpp"

namespace s32::host {

namespace {

void fail(Completion& c, int err) {
  c.status = kStatusErr;
  c.length = (err > 0 && err < 4096) ? static_cast<std::uint32_t>(err) : static_cast<std::uint32_t>(EIO);
}

void ok(Completion& c, std::uint32_t status = 0, std::uint32_t length = 0) {
  c.status = status;
  c.length = length;
}

// A payload range outside the data buffer is an error and a guest mistake.
bool need(const DataBuffer& buf, std::uint64_t offset, std::uint64_t length, Completion& c) {
  if (buf.fits(offset, length)) return true;
  fail(c, EINVAL);
  c.protocol_warning = "payload [" + std::to_string(offset) + ", " + std::to_string(offset + length) +
                       ") lies outside the 49152-byte data buffer";
  return false;
}

// `length` bytes at `offset`, up to the first NUL if there is one.
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

void put_stat(DataBuffer& buf, std::uint32_t off, const struct stat& st) {
  std::memset(buf.at(off), 0, kStatRecordSize);
  buf.put_u64(off + 0, static_cast<std::uint64_t>(st.st_dev));
  buf.put_u64(off + 8, static_cast<std::uint64_t>(st.st_ino));
  buf.put_u32(off + 16, static_cast<std::uint32_t>(st.st_mode));
  buf.put_u32(off + 20, static_cast<std::uint32_t>(st.st_nlink));
  buf.put_u32(off + 24, static_cast<std::uint32_t>(st.st_uid));
  buf.put_u32(off + 28, static_cast<std::uint32_t>(st.st_gid));
  buf.put_u64(off + 32, static_cast<std::uint64_t>(st.st_rdev));
  buf.put_u64(off + 40, static_cast<std::uint64_t>(std::max<off_t>(st.st_size, 0)));
  buf.put_u64(off + 48, static_cast<std::uint64_t>(st.st_blksize));
  buf.put_u64(off + 56, static_cast<std::uint64_t>(st.st_blocks));
  const struct timespec* times[3] = {&st.st_atim, &st.st_mtim, &st.st_ctim};
  for (int i = 0; i < 3; ++i) {
    buf.put_u64(off + 64 + 16 * static_cast<std::uint32_t>(i), static_cast<std::uint64_t>(times[i]->tv_sec));
    buf.put_u32(off + 72 + 16 * static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(times[i]->tv_nsec));
  }
}

std::string make_blob(const std::vector<std::string>& strings) {
  std::string blob;
  for (const auto& s : strings) {
    blob += s;
    blob.push_back('\0');
  }
  return blob;
}

std::int64_t host_realtime_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Linux open flags a guest may pass through raw; the rest are dropped.
constexpr int kRawOpenFlags = O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY | O_NOFOLLOW;

}  // namespace

PosixBackend::PosixBackend(const HostConfig& config, Console& console)
    : config_(config),
      console_(console),
      sandbox_(config.root),
      services_({{"term", TermService::kCount, 1, [this] { return std::make_unique<TermService>(console_); }},
                 {"tube", TubeService::kCount, 1, [this] { return std::make_unique<TubeService>(config_.tube); }}}) {
  args_blob_ = make_blob(config_.argv);
  env_blob_ = make_blob(config_.env);
  epoch_ns_ = config_.epoch_ns ? *config_.epoch_ns : host_realtime_ns();
  const int console_fds[3] = {console.in_fd(), console.out_fd(), console.err_fd()};
  for (int i = 0; i < 3; ++i) slots_[static_cast<std::size_t>(i)] = {Slot::Kind::File, console_fds[i], false, nullptr};
}

PosixBackend::~PosixBackend() {
  for (Slot& s : slots_) {
    if (s.kind == Slot::Kind::Dir) ::closedir(s.dir);
    if (s.kind == Slot::Kind::File && s.owned) ::close(s.fd);
  }
}

void PosixBackend::flush() { console_.flush(); }

PosixBackend::Slot* PosixBackend::open_slot(std::uint32_t guest_fd, std::optional<Slot::Kind> kind, Completion& c) {
  Slot* s = guest_fd < kMaxGuestFds ? &slots_[guest_fd] : nullptr;
  if (!s || s->kind == Slot::Kind::Free || (kind && s->kind != *kind)) {
    fail(c, EBADF);
    return nullptr;
  }
  return s;
}

int PosixBackend::alloc_slot() {
  for (unsigned i = 0; i < kMaxGuestFds; ++i)
    if (slots_[i].kind == Slot::Kind::Free) return static_cast<int>(i);
  return -1;
}

bool PosixBackend::is_console_fd(int host_fd) const {
  return host_fd == console_.in_fd() || host_fd == console_.out_fd() || host_fd == console_.err_fd();
}

bool PosixBackend::path_arg(const Request& req, const DataBuffer& buf, std::string& out, Completion& c) {
  if (!text_arg(req, buf, out, c)) return false;
  if (out.empty()) {
    fail(c, ENOENT);
    return false;
  }
  return true;
}

Completion PosixBackend::execute(const Request& req, DataBuffer& buf, GuestMemory& mem, const HostTime& now) {
  Completion c;
  const Work w = dispatch(req, buf, mem, now, c);
  // A payload refused as outside the buffer was never moved: charging its
  // claimed length would let one bad descriptor stall the device for ages.
  c.latency_cycles += config_.latency.cycles(w.cls, c.protocol_warning.empty() ? w.bytes : 0);
  return c;
}

PosixBackend::Work PosixBackend::dispatch(const Request& req, DataBuffer& buf, GuestMemory& mem,
                                          const HostTime& now, Completion& c) {
  const Work console{ServiceClass::Console, 0};
  const Work control{ServiceClass::Control, 0};
  switch (req.opcode) {
    case kNop:
      return control;
    case kPutchar:
      if (!need(buf, req.offset, 1, c)) return console;
      console_.put(*buf.at(req.offset));
      console_.flush();
      return {ServiceClass::Console, 1};
    case kGetchar: {
      if (!need(buf, req.offset, 1, c)) return console;
      console_.flush();
      std::uint8_t b;
      ssize_t n;
      do n = ::read(console_.in_fd(), &b, 1);
      while (n < 0 && errno == EINTR);
      if (n == 1) {
        *buf.at(req.offset) = b;
        ok(c, 0, 1);
      } else if (n == 0) {
        c.status = kStatusErr;  // end of input: ERR with length 0
        c.length = 0;
      } else {
        fail(c, errno);
      }
      return {ServiceClass::Console, 1};
    }
    case kWrite:
    case kRead: return do_transfer(req, buf, c);
    case kReadDirect: return do_read_direct(req, mem, c);
    case kOpen: return do_open(req, buf, c);
    case kClose: {
      Slot* s = open_slot(req.status, std::nullopt, c);
      if (!s) return {ServiceClass::File, 0};
      int err = 0;
      if (s->kind == Slot::Kind::Dir && ::closedir(s->dir) != 0) err = errno;
      if (s->kind == Slot::Kind::File && s->owned && ::close(s->fd) != 0) err = errno;
      *s = Slot{};
      if (err) fail(c, err);
      else ok(c);
      return {ServiceClass::File, 0};
    }
    case kSeek: return do_seek(req, buf, c);
    case kExit:
      c.exit = true;
      ok(c, req.status, 0);
      return control;
    case kStat: return do_stat(req, buf, c, false);
    case kLstat: return do_stat(req, buf, c, true);
    case kFlush:
      console_.flush();
      ok(c);
      return console;
    case kFtruncate: {
      Slot* s = open_slot(req.status, Slot::Kind::File, c);
      if (!s) return {ServiceClass::File, 0};
      if (req.length < 4) {
        fail(c, EINVAL);
        return {ServiceClass::File, 0};
      }
      if (!need(buf, req.offset, 4, c)) return {ServiceClass::File, 0};
      if (::ftruncate(s->fd, static_cast<off_t>(buf.u32(req.offset))) != 0) fail(c, errno);
      else ok(c);
      return {ServiceClass::File, 4};
    }
    case kUnlink:
    case kMkdir:
    case kRmdir:
    case kAccess:
    case kChdir: return do_path_op(req, buf, c);
    case kRename: return do_rename(req, buf, c);
    case kGetcwd: return do_getcwd(req, buf, c);
    case kOpendir: return do_opendir(req, buf, c);
    case kReaddir: return do_readdir(req, buf, c);
    case kClosedir:
    case kRewinddir: {
      Slot* s = open_slot(req.status, Slot::Kind::Dir, c);
      if (!s) return {ServiceClass::File, 0};
      if (req.opcode == kRewinddir) {
        ::rewinddir(s->dir);
        ok(c);
      } else {
        const int r = ::closedir(s->dir);
        const int err = errno;
        *s = Slot{};
        if (r != 0) fail(c, err);
        else ok(c);
      }
      return {ServiceClass::File, 0};
    }
    case kGettime:
    case kSleep:
    case kGettz: return do_time(req, buf, now, c);
    case kArgsInfo:
      return do_blob_info(args_blob_, static_cast<std::uint32_t>(config_.argv.size()), req, buf, c);
    case kArgsData: return do_blob_data(args_blob_, req, buf, c);
    case kEnvpInfo:
      return do_blob_info(env_blob_, static_cast<std::uint32_t>(config_.env.size()), req, buf, c);
    case kEnvpData: return do_blob_data(env_blob_, req, buf, c);
    case kGetenv: return do_getenv(req, buf, c);
    case kSvcRequest:
    case kSvcRelease:
    case kSvcQuery:
    case kSvcList:
    case kSvcVersion:
      services_.negotiate(req, buf, c);
      return {ServiceClass::Control, req.length};
    default: return do_negotiated(req, buf, mem, c);
  }
}

PosixBackend::Work PosixBackend::do_transfer(const Request& req, DataBuffer& buf, Completion& c) {
  const bool writing = req.opcode == kWrite;
  Slot* s = open_slot(req.status, Slot::Kind::File, c);
  if (!s) return {ServiceClass::File, 0};
  Work w{is_console_fd(s->fd) ? ServiceClass::Console : ServiceClass::File, 0};
  if (!need(buf, req.offset, req.length, c)) return w;
  if (req.length == 0) {
    ok(c);
    return w;
  }
  // Buffered DEBUG bytes go out first: before anything else written to the
  // console, and before the host blocks reading stdin (they may be a prompt).
  if (writing ? is_console_fd(s->fd) : s->fd == console_.in_fd()) console_.flush();
  ssize_t n;
  do n = writing ? ::write(s->fd, buf.at(req.offset), req.length) : ::read(s->fd, buf.at(req.offset), req.length);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    fail(c, errno);
    return w;
  }
  ok(c, static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(n));
  w.bytes = static_cast<std::uint64_t>(n);
  return w;
}

PosixBackend::Work PosixBackend::do_read_direct(const Request& req, GuestMemory& mem, Completion& c) {
  if (!config_.read_direct) {
    fail(c, EINVAL);
    return {ServiceClass::File, 0};
  }
  Slot* s = open_slot(req.status, Slot::Kind::File, c);
  if (!s) return {ServiceClass::File, 0};
  if (req.length == 0) {
    ok(c);
    return {ServiceClass::File, 0};
  }
  if (std::uint64_t{req.offset} + req.length > (std::uint64_t{1} << 32)) {
    fail(c, EFAULT);
    return {ServiceClass::File, 0};
  }
  if (s->fd == console_.in_fd()) console_.flush();
  constexpr std::uint32_t kChunk = 64 * 1024;
  std::vector<std::uint8_t> chunk(std::min(kChunk, req.length));
  std::uint32_t done = 0;
  while (done < req.length) {
    const std::uint32_t want = std::min<std::uint32_t>(kChunk, req.length - done);
    ssize_t n;
    do n = ::read(s->fd, chunk.data(), want);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (done == 0) {
        fail(c, errno);
        return {ServiceClass::File, 0};
      }
      break;
    }
    if (n == 0) break;
    if (!mem.write(req.offset + done, chunk.data(), static_cast<std::uint32_t>(n))) {
      // Unmapped or read-only guest memory: give the bytes back to the file
      // where it can seek, so nothing read is lost.
      ::lseek(s->fd, -static_cast<off_t>(n), SEEK_CUR);
      if (done == 0) {
        fail(c, EFAULT);
        return {ServiceClass::File, 0};
      }
      break;
    }
    done += static_cast<std::uint32_t>(n);
    if (static_cast<std::uint32_t>(n) < want) break;
  }
  ok(c, done, done);
  return {ServiceClass::File, done};
}

PosixBackend::Work PosixBackend::do_open(const Request& req, DataBuffer& buf, Completion& c) {
  const Work w{ServiceClass::File, req.length};
  std::string path;
  if (!path_arg(req, buf, path, c)) return w;
  int flags;
  const std::uint32_t g = req.status;
  if (g & ~0x1Fu) {
    flags = static_cast<int>(g) & kRawOpenFlags;
  } else {
    flags = (g & 0x02) ? ((g & 0x01) ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (g & 0x04) flags |= O_APPEND;
    if (g & 0x08) flags |= O_CREAT;
    if (g & 0x10) flags |= O_TRUNC;
  }
  const int index = alloc_slot();
  if (index < 0) {
    fail(c, EMFILE);
    return w;
  }
  const bool follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  std::string host_path;
  if (int e = sandbox_.resolve(path, follow, host_path)) {
    fail(c, e);
    return w;
  }
  // The path is resolved, so a link left at the end is one not to follow.
  const int fd = ::open(host_path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    fail(c, errno);
    return w;
  }
  slots_[static_cast<std::size_t>(index)] = {Slot::Kind::File, fd, true, nullptr};
  ok(c, static_cast<std::uint32_t>(index), 0);
  return w;
}

PosixBackend::Work PosixBackend::do_seek(const Request& req, DataBuffer& buf, Completion& c) {
  const Work w{ServiceClass::File, 8};
  Slot* s = open_slot(req.status, Slot::Kind::File, c);
  if (!s) return w;
  if (req.length < 8) {
    fail(c, EINVAL);
    return w;
  }
  if (!need(buf, req.offset, 8, c)) return w;
  const std::uint8_t whence = *buf.at(req.offset);
  if (whence > 2) {
    fail(c, EINVAL);
    return w;
  }
  const auto distance = static_cast<std::int32_t>(buf.u32(req.offset + 4));
  const off_t pos = ::lseek(s->fd, distance, whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : SEEK_END);
  if (pos < 0) fail(c, errno);
  else ok(c, static_cast<std::uint32_t>(pos), 0);
  return w;
}

PosixBackend::Work PosixBackend::do_stat(const Request& req, DataBuffer& buf, Completion& c, bool use_lstat) {
  // The record's bytes are charged only when one is written.
  const Work w{ServiceClass::File, 0};
  if (!need(buf, req.offset, kStatRecordSize, c)) return w;
  struct stat st;
  if (!use_lstat && req.status != kStatusErr) {
    Slot* s = open_slot(req.status, std::nullopt, c);
    if (!s) return w;
    const int fd = s->kind == Slot::Kind::Dir ? ::dirfd(s->dir) : s->fd;
    if (::fstat(fd, &st) != 0) {
      fail(c, errno);
      return w;
    }
  } else {
    std::string path, host_path;
    if (!path_arg(req, buf, path, c)) return w;
    if (int e = sandbox_.resolve(path, !use_lstat, host_path)) {
      fail(c, e);
      return w;
    }
    if ((use_lstat ? ::lstat(host_path.c_str(), &st) : ::stat(host_path.c_str(), &st)) != 0) {
      fail(c, errno);
      return w;
    }
  }
  put_stat(buf, req.offset, st);
  ok(c, 0, kStatRecordSize);
  return {ServiceClass::File, kStatRecordSize};
}

PosixBackend::Work PosixBackend::do_path_op(const Request& req, DataBuffer& buf, Completion& c) {
  const Work w{ServiceClass::File, req.length};
  std::string path;
  if (!path_arg(req, buf, path, c)) return w;
  if (req.opcode == kChdir) {
    if (int e = sandbox_.chdir(path)) fail(c, e);
    else ok(c);
    return w;
  }
  // Operations on the name itself do not follow a final link; access does.
  std::string host_path;
  if (int e = sandbox_.resolve(path, req.opcode == kAccess, host_path)) {
    fail(c, e);
    return w;
  }
  // The root's own name lives in its parent, outside the sandbox; Linux
  // answers EBUSY for removing a process's root directory.
  if (req.opcode == kRmdir && host_path == sandbox_.root()) {
    fail(c, EBUSY);
    return w;
  }
  int r = -1;
  switch (req.opcode) {
    case kUnlink: r = ::unlink(host_path.c_str()); break;
    case kMkdir: r = ::mkdir(host_path.c_str(), req.status ? static_cast<mode_t>(req.status & 07777) : 0755); break;
    case kRmdir: r = ::rmdir(host_path.c_str()); break;
    case kAccess: r = ::access(host_path.c_str(), static_cast<int>(req.status & 7)); break;
    default: break;
  }
  if (r != 0) fail(c, errno);
  else ok(c);
  return w;
}

PosixBackend::Work PosixBackend::do_rename(const Request& req, DataBuffer& buf, Completion& c) {
  const Work w{ServiceClass::File, req.length};
  if (req.status == 0 || req.status >= req.length) {
    fail(c, EINVAL);
    return w;
  }
  if (!need(buf, req.offset, req.length, c)) return w;
  const auto* p = reinterpret_cast<const char*>(buf.at(req.offset));
  const std::string from(p, strnlen(p, req.status));
  const std::string to(p + req.status, strnlen(p + req.status, req.length - req.status));
  if (from.empty() || to.empty()) {
    fail(c, ENOENT);
    return w;
  }
  std::string host_from, host_to;
  if (int e = sandbox_.resolve(from, false, host_from)) {
    fail(c, e);
    return w;
  }
  if (int e = sandbox_.resolve(to, false, host_to)) {
    fail(c, e);
    return w;
  }
  if (::rename(host_from.c_str(), host_to.c_str()) != 0) fail(c, errno);
  else ok(c);
  return w;
}

PosixBackend::Work PosixBackend::do_getcwd(const Request& req, DataBuffer& buf, Completion& c) {
  const std::string& cwd = sandbox_.cwd();
  const auto size = static_cast<std::uint32_t>(cwd.size() + 1);
  const Work w{ServiceClass::File, size};
  if (req.length == 0) {
    fail(c, EINVAL);
    return w;
  }
  if (size > req.length) {
    fail(c, ERANGE);
    return w;
  }
  if (!need(buf, req.offset, size, c)) return w;
  std::memcpy(buf.at(req.offset), cwd.c_str(), size);
  ok(c, size, size);
  return w;
}

PosixBackend::Work PosixBackend::do_opendir(const Request& req, DataBuffer& buf, Completion& c) {
  const Work w{ServiceClass::File, req.length};
  std::string path, host_path;
  if (!path_arg(req, buf, path, c)) return w;
  const int index = alloc_slot();
  if (index < 0) {
    fail(c, EMFILE);
    return w;
  }
  if (int e = sandbox_.resolve(path, true, host_path)) {
    fail(c, e);
    return w;
  }
  const int fd = ::open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  DIR* dir = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (!dir) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    fail(c, err);
    return w;
  }
  slots_[static_cast<std::size_t>(index)] = {Slot::Kind::Dir, -1, true, dir};
  ok(c, static_cast<std::uint32_t>(index), 0);
  return w;
}

PosixBackend::Work PosixBackend::do_readdir(const Request& req, DataBuffer& buf, Completion& c) {
  const Work w{ServiceClass::File, 0};
  Slot* s = open_slot(req.status, Slot::Kind::Dir, c);
  if (!s) return w;
  if (!need(buf, req.offset, kDirentRecordSize, c)) return w;
  errno = 0;
  const struct dirent* e = ::readdir(s->dir);
  if (!e) {
    if (errno) fail(c, errno);
    else ok(c, kStatusEndOfDir, 0);
    return w;
  }
  std::memset(buf.at(req.offset), 0, kDirentRecordSize);
  const std::size_t len = strnlen(e->d_name, 255);
  buf.put_u64(req.offset, static_cast<std::uint64_t>(e->d_ino));
  buf.put_u32(req.offset + 8, e->d_type);
  buf.put_u32(req.offset + 12, static_cast<std::uint32_t>(len));
  std::memcpy(buf.at(req.offset + 16), e->d_name, len);
  ok(c, 0, kDirentRecordSize);
  return {ServiceClass::File, kDirentRecordSize};
}

PosixBackend::Work PosixBackend::do_time(const Request& req, DataBuffer& buf, const HostTime& now, Completion& c) {
  const Work w{ServiceClass::Time, kTimeRecordSize};
  if (req.length < kTimeRecordSize) {
    fail(c, EINVAL);
    return w;
  }
  if (!need(buf, req.offset, kTimeRecordSize, c)) return w;
  const std::uint32_t off = req.offset;
  if (req.opcode == kGettime) {
    const std::int64_t t = config_.host_clock ? host_realtime_ns()
                                              : epoch_ns_ + static_cast<std::int64_t>(now.sim_ps / 1000);
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
    c.latency_cycles = static_cast<std::uint64_t>((ps + now.cycle_ps - 1) / now.cycle_ps);
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

PosixBackend::Work PosixBackend::do_blob_info(const std::string& blob, std::uint32_t count, const Request& req,
                                              DataBuffer& buf, Completion& c) {
  const Work w{ServiceClass::Env, kInfoRecordSize};
  if (req.length < kInfoRecordSize) {
    fail(c, EINVAL);
    return w;
  }
  if (!need(buf, req.offset, kInfoRecordSize, c)) return w;
  buf.put_u32(req.offset, count);
  buf.put_u32(req.offset + 4, static_cast<std::uint32_t>(blob.size()));
  buf.put_u32(req.offset + 8, 0);
  buf.put_u32(req.offset + 12, 0);
  ok(c, 0, kInfoRecordSize);
  return w;
}

PosixBackend::Work PosixBackend::do_blob_data(const std::string& blob, const Request& req, DataBuffer& buf,
                                              Completion& c) {
  Work w{ServiceClass::Env, 0};
  if (req.length == 0) {
    ok(c);
    return w;
  }
  if (!need(buf, req.offset, req.length, c)) return w;
  if (req.status > blob.size()) {
    fail(c, EINVAL);
    return w;
  }
  const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(req.length, blob.size() - req.status));
  std::memcpy(buf.at(req.offset), blob.data() + req.status, n);
  ok(c, 0, n);
  w.bytes = n;
  return w;
}

PosixBackend::Work PosixBackend::do_getenv(const Request& req, DataBuffer& buf, Completion& c) {
  Work w{ServiceClass::Env, req.length};
  std::string name;
  if (!text_arg(req, buf, name, c)) return w;
  // An empty name is simply unset, not a missing file.
  if (name.empty() || name.find('=') != std::string::npos) {
    fail(c, EINVAL);
    return w;
  }
  for (const std::string& kv : config_.env) {
    if (kv.size() <= name.size() || kv.compare(0, name.size(), name) != 0 || kv[name.size()] != '=') continue;
    const std::string value = kv.substr(name.size() + 1);
    if (!buf.fits(req.offset, value.size())) {
      fail(c, ERANGE);
      return w;
    }
    std::memcpy(buf.at(req.offset), value.data(), value.size());
    ok(c, static_cast<std::uint32_t>(value.size()), static_cast<std::uint32_t>(value.size()));
    w.bytes += value.size();
    return w;
  }
  fail(c, EINVAL);
  return w;
}

PosixBackend::Work PosixBackend::do_negotiated(const Request& req, DataBuffer& buf, GuestMemory& mem,
                                               Completion& c) {
  std::uint32_t sub = 0;
  if (ServiceSession* s = services_.route(req.opcode, sub)) {
    const std::uint64_t bytes = s->serve(sub, req, buf, mem, c);
    return {s->service_class(), bytes};
  }
  // A range no session holds (released ones included) is the services';
  // other codes are simply not implemented.
  fail(c, req.opcode >= kFirstServiceOpcode && req.opcode < kServiceOpcodeEnd ? EINVAL : ENOSYS);
  return {ServiceClass::Control, 0};
}

}  // namespace s32::host
