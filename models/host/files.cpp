// The `fs` family: files and directories, confined to the sandbox.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "host/host_thread.hpp"
#include "host/services.hpp"

namespace s32::host::files {

namespace {

using Slot = FdTable::Slot;

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

// Linux open flags a guest may pass through raw; the rest are dropped.
constexpr int kRawOpenFlags = O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY | O_NOFOLLOW;

Work do_stat(HostState& h, Call& k, bool use_lstat) {
  const Request& req = k.req;
  Completion& c = k.c;
  // The record's bytes are charged only when one is written.
  const Work w{ServiceClass::File, 0};
  if (!need(k.buf, req.offset, kStatRecordSize, c)) return w;
  struct stat st;
  if (!use_lstat && req.status != kStatusErr) {
    Slot* s = h.fds.get(req.status, std::nullopt, c);
    if (!s) return w;
    if (::fstat(FdTable::host_fd(*s), &st) != 0) {
      fail(c, errno);
      return w;
    }
  } else {
    std::string path;
    if (!path_arg(req, k.buf, path, c)) return w;
    // "link/" names the directory the link points to, for LSTAT too (Linux).
    const bool follow = !use_lstat || path.back() == '/';
    Entry e;
    if (int err = h.sandbox.resolve(path, follow, e)) {
      fail(c, err);
      return w;
    }
    // A link followed is resolved already: what is left there is the entry.
    if (::fstatat(e.dir.get(), e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      fail(c, errno);
      return w;
    }
  }
  put_stat(k.buf, req.offset, st);
  ok(c, 0, kStatRecordSize);
  return {ServiceClass::File, kStatRecordSize};
}

}  // namespace

Work transfer(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  const bool writing = req.opcode == kWrite || req.opcode == kSend;
  Slot* s = h.fds.get(req.status, Slot::Kind::File, c);
  if (!s) return {ServiceClass::File, 0};
  Work w{h.is_console_fd(s->fd) ? ServiceClass::Console : ServiceClass::File, 0};
  if (!need(k.buf, req.offset, req.length, c)) return w;
  if (req.length == 0) {
    ok(c);
    return w;
  }
  // Buffered DEBUG bytes go out first: before anything else written to the
  // console, and before the host blocks reading stdin (they may be a prompt).
  if (writing ? h.is_console_fd(s->fd) : s->fd == h.console.in_fd()) h.console.flush();
  ssize_t n;
  // A socket whose peer has gone answers EPIPE instead of killing s32sim
  // with SIGPIPE (the public emulator dies there).
  const auto put = [&] {
    return s->socket ? ::send(s->fd, k.buf.at(req.offset), req.length, MSG_NOSIGNAL)
                     : ::write(s->fd, k.buf.at(req.offset), req.length);
  };
  do n = writing ? put() : ::read(s->fd, k.buf.at(req.offset), req.length);
  while (n < 0 && retry_interrupted_call());
  if (n < 0) {
    fail(c, errno);
    return w;
  }
  ok(c, static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(n));
  w.bytes = static_cast<std::uint64_t>(n);
  return w;
}

Work read_direct(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  if (!h.config.read_direct) {
    fail(c, EINVAL);
    return {ServiceClass::File, 0};
  }
  Slot* s = h.fds.get(req.status, Slot::Kind::File, c);
  if (!s) return {ServiceClass::File, 0};
  if (req.length == 0) {
    ok(c);
    return {ServiceClass::File, 0};
  }
  if (std::uint64_t{req.offset} + req.length > (std::uint64_t{1} << 32)) {
    fail(c, EFAULT);
    return {ServiceClass::File, 0};
  }
  if (s->fd == h.console.in_fd()) h.console.flush();
  constexpr std::uint32_t kChunk = 64 * 1024;
  std::vector<std::uint8_t> chunk(std::min(kChunk, req.length));
  std::uint32_t done = 0;
  while (done < req.length) {
    const std::uint32_t want = std::min<std::uint32_t>(kChunk, req.length - done);
    ssize_t n;
    do n = ::read(s->fd, chunk.data(), want);
    while (n < 0 && retry_interrupted_call());
    if (n < 0) {
      if (done == 0) {
        fail(c, errno);
        return {ServiceClass::File, 0};
      }
      break;
    }
    if (n == 0) break;
    if (!k.mem.write(req.offset + done, chunk.data(), static_cast<std::uint32_t>(n))) {
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

Work open(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  const Work w{ServiceClass::File, req.length};
  std::string path;
  if (!path_arg(req, k.buf, path, c)) return w;
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
  const int index = h.fds.alloc();
  if (index < 0) {
    fail(c, EMFILE);
    return w;
  }
  int fd = -1;
  if (int e = h.sandbox.open(path, flags, 0644, fd)) {
    fail(c, e);
    return w;
  }
  h.fds.put(index, {Slot::Kind::File, fd, true, nullptr});
  ok(c, static_cast<std::uint32_t>(index), 0);
  return w;
}

Work close(HostState& h, Call& k) {
  Slot* s = h.fds.get(k.req.status, std::nullopt, k.c);
  if (!s) return {ServiceClass::File, 0};
  if (int err = h.fds.release(*s)) fail(k.c, err);
  else ok(k.c);
  return {ServiceClass::File, 0};
}

Work seek(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  const Work w{ServiceClass::File, 8};
  Slot* s = h.fds.get(req.status, Slot::Kind::File, c);
  if (!s) return w;
  if (req.length < 8) {
    fail(c, EINVAL);
    return w;
  }
  if (!need(k.buf, req.offset, 8, c)) return w;
  // The host's standard streams are not the guest's files: moving stdout's
  // position would rewrite whatever file the user redirected it to.
  if (!s->owned) {
    fail(c, ESPIPE);
    return w;
  }
  const std::uint8_t whence = *k.buf.at(req.offset);
  if (whence > 2) {
    fail(c, EINVAL);
    return w;
  }
  const auto distance = static_cast<std::int32_t>(k.buf.u32(req.offset + 4));
  const off_t pos = ::lseek(s->fd, distance, whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : SEEK_END);
  if (pos < 0) fail(c, errno);
  else ok(c, static_cast<std::uint32_t>(pos), 0);
  return w;
}

Work stat(HostState& h, Call& k) { return do_stat(h, k, false); }
Work lstat(HostState& h, Call& k) { return do_stat(h, k, true); }

Work ftruncate(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  Slot* s = h.fds.get(req.status, Slot::Kind::File, c);
  if (!s) return {ServiceClass::File, 0};
  if (req.length < 4) {
    fail(c, EINVAL);
    return {ServiceClass::File, 0};
  }
  if (!need(k.buf, req.offset, 4, c)) return {ServiceClass::File, 0};
  if (!s->owned) {
    fail(c, EINVAL);  // as for SEEK: never cut the host's redirected stdout
    return {ServiceClass::File, 0};
  }
  if (::ftruncate(s->fd, static_cast<off_t>(k.buf.u32(req.offset))) != 0) fail(c, errno);
  else ok(c);
  return {ServiceClass::File, 4};
}

Work path_op(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  const Work w{ServiceClass::File, req.length};
  std::string path;
  if (!path_arg(req, k.buf, path, c)) return w;
  if (req.opcode == kChdir) {
    if (int e = h.sandbox.chdir(path)) fail(c, e);
    else ok(c);
    return w;
  }
  // Operations on the name itself do not follow a final link; access does.
  Entry e;
  if (int err = h.sandbox.resolve(path, req.opcode == kAccess, e)) {
    fail(c, err);
    return w;
  }
  // A tree's top has its name outside the tree; Linux answers EBUSY for
  // removing a process's root directory.
  if (req.opcode == kRmdir && e.top) {
    fail(c, EBUSY);
    return w;
  }
  // A read-only tree answers as a read-only mount: EROFS for every change,
  // and for ACCESS(W_OK) of what exists.
  if (req.opcode != kAccess && h.sandbox.read_only(e)) {
    fail(c, EROFS);
    return w;
  }
  const int dir = e.dir.get();
  const char* name = e.name.c_str();
  int r = -1;
  switch (req.opcode) {
    case kUnlink: r = ::unlinkat(dir, name, 0); break;
    case kMkdir: r = ::mkdirat(dir, name, req.status ? static_cast<mode_t>(req.status & 07777) : 0755); break;
    case kRmdir: r = ::unlinkat(dir, name, AT_REMOVEDIR); break;
    case kAccess: r = ::faccessat(dir, name, static_cast<int>(req.status & 7), AT_SYMLINK_NOFOLLOW); break;
    default: break;
  }
  int err = r != 0 ? errno : 0;
  if (!err && req.opcode == kAccess && (req.status & W_OK) && h.sandbox.read_only(e)) err = EROFS;
  if (err) fail(c, err);
  else ok(c);
  return w;
}

Work rename(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  const Work w{ServiceClass::File, req.length};
  if (req.status == 0 || req.status >= req.length) {
    fail(c, EINVAL);
    return w;
  }
  if (!need(k.buf, req.offset, req.length, c)) return w;
  const auto* p = reinterpret_cast<const char*>(k.buf.at(req.offset));
  const std::string from(p, strnlen(p, req.status));
  const std::string to(p + req.status, strnlen(p + req.status, req.length - req.status));
  if (from.empty() || to.empty()) {
    fail(c, ENOENT);
    return w;
  }
  Entry src, dst;
  if (int e = h.sandbox.resolve(from, false, src)) {
    fail(c, e);
    return w;
  }
  if (int e = h.sandbox.resolve(to, false, dst)) {
    fail(c, e);
    return w;
  }
  if (h.sandbox.read_only(src) || h.sandbox.read_only(dst)) {
    fail(c, EROFS);
    return w;
  }
  if (::renameat(src.dir.get(), src.name.c_str(), dst.dir.get(), dst.name.c_str()) != 0) fail(c, errno);
  else ok(c);
  return w;
}

Work getcwd(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  const std::string& cwd = h.sandbox.cwd();
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
  if (!need(k.buf, req.offset, size, c)) return w;
  std::memcpy(k.buf.at(req.offset), cwd.c_str(), size);
  ok(c, size, size);
  return w;
}

Work opendir(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  const Work w{ServiceClass::File, req.length};
  std::string path;
  if (!path_arg(req, k.buf, path, c)) return w;
  const int index = h.fds.alloc();
  if (index < 0) {
    fail(c, EMFILE);
    return w;
  }
  Entry e;
  if (int err = h.sandbox.resolve(path, true, e)) {
    fail(c, err);
    return w;
  }
  const int fd = ::openat(e.dir.get(), e.name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  DIR* dir = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (!dir) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    fail(c, err);
    return w;
  }
  h.fds.put(index, {Slot::Kind::Dir, -1, true, dir});
  ok(c, static_cast<std::uint32_t>(index), 0);
  return w;
}

Work readdir(HostState& h, Call& k) {
  const Request& req = k.req;
  Completion& c = k.c;
  const Work w{ServiceClass::File, 0};
  Slot* s = h.fds.get(req.status, Slot::Kind::Dir, c);
  if (!s) return w;
  if (!need(k.buf, req.offset, kDirentRecordSize, c)) return w;
  errno = 0;
  const struct dirent* e = ::readdir(s->dir);
  if (!e) {
    if (errno) fail(c, errno);
    else ok(c, kStatusEndOfDir, 0);
    return w;
  }
  std::memset(k.buf.at(req.offset), 0, kDirentRecordSize);
  const std::size_t len = strnlen(e->d_name, 255);
  k.buf.put_u64(req.offset, static_cast<std::uint64_t>(e->d_ino));
  k.buf.put_u32(req.offset + 8, e->d_type);
  k.buf.put_u32(req.offset + 12, static_cast<std::uint32_t>(len));
  std::memcpy(k.buf.at(req.offset + 16), e->d_name, len);
  ok(c, 0, kDirentRecordSize);
  return {ServiceClass::File, kDirentRecordSize};
}

Work dir_op(HostState& h, Call& k) {
  Slot* s = h.fds.get(k.req.status, Slot::Kind::Dir, k.c);
  if (!s) return {ServiceClass::File, 0};
  if (k.req.opcode == kRewinddir) {
    ::rewinddir(s->dir);
    ok(k.c);
  } else if (int err = h.fds.release(*s)) {
    fail(k.c, err);
  } else {
    ok(k.c);
  }
  return {ServiceClass::File, 0};
}

}  // namespace s32::host::files
