#include "sandbox.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <stdexcept>

namespace s32::host {

namespace {

constexpr int kMaxSymlinks = 40;  // Linux's own limit per lookup

// Cleared the first time the kernel says it has no openat2 (older than
// 5.6, or a seccomp filter that refuses it): every lookup then walks.
std::atomic<bool> kernel_has_openat2{true};

void split_into(const std::string& p, std::deque<std::string>& out, bool front) {
  std::deque<std::string> parts;
  std::size_t i = 0;
  while (i <= p.size()) {
    const std::size_t j = p.find('/', i);
    const std::size_t end = j == std::string::npos ? p.size() : j;
    if (end > i) parts.push_back(p.substr(i, end - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  out.insert(front ? out.begin() : out.end(), parts.begin(), parts.end());
}

std::string join(const std::vector<std::string>& parts) {
  if (parts.empty()) return "/";
  std::string s;
  for (const auto& c : parts) s += "/" + c;
  return s;
}

bool inside(const std::string& p, const std::string& top) {
  if (top == "/") return true;
  return p == top || (p.size() > top.size() && p.compare(0, top.size(), top) == 0 && p[top.size()] == '/');
}

bool strictly_below(const std::string& p, const std::string& top) { return p != top && inside(p, top); }

// An absolute guest path in one spelling ("/a/b"); "" when it is relative
// or climbs with "..".
std::string normal_guest(const std::string& g) {
  if (g.empty() || g[0] != '/') return {};
  std::deque<std::string> parts;
  split_into(g, parts, false);
  std::vector<std::string> kept;
  for (auto& c : parts) {
    if (c == "..") return {};
    if (c != ".") kept.push_back(std::move(c));
  }
  return join(kept);
}

Fd dup_of(int fd) { return Fd(::fcntl(fd, F_DUPFD_CLOEXEC, 0)); }

Fd open_tree(const std::string& what, const std::string& path, std::string& canonical) {
  char buf[PATH_MAX];
  if (path.empty() || !::realpath(path.c_str(), buf))
    throw std::runtime_error(what + "'" + path + "': " + std::strerror(path.empty() ? ENOENT : errno));
  Fd fd(::open(buf, O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOTDIR) throw std::runtime_error(what + "'" + path + "' is not a directory");
    throw std::runtime_error(what + "'" + path + "': " + std::strerror(errno));
  }
  canonical = buf;
  return fd;
}

}  // namespace

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string DirGrant::parse(const std::string& spec, DirGrant& out) {
  DirGrant g;
  std::string s = spec;
  constexpr const char* kRo = ":ro";
  if (s.size() > 3 && s.compare(s.size() - 3, 3, kRo) == 0) {
    g.read_only = true;
    s.resize(s.size() - 3);
  }
  const std::size_t sep = s.find("::");
  g.host = s.substr(0, sep);
  if (g.host.empty()) return "want HOST[::GUEST][:ro], got '" + spec + "'";
  if (sep != std::string::npos) {
    g.guest = normal_guest(s.substr(sep + 2));
    if (g.guest.empty())
      return "the guest path in '" + spec + "' must be absolute and without '..'";
  }
  out = std::move(g);
  return {};
}

std::string DirGrant::spec() const {
  return host + (guest.empty() ? "" : "::" + guest) + (read_only ? ":ro" : "");
}

Sandbox::Sandbox(const std::string& root, const std::vector<DirGrant>& grants, Lookup lookup)
    : kernel_lookup_(lookup == Lookup::Kernel) {
  Tree r;
  r.fd = open_tree("sandbox root ", root, r.host);
  r.guest = r.host;
  trees_.push_back(std::move(r));
  for (const DirGrant& g : grants) {
    Tree t;
    t.fd = open_tree("", g.host, t.host);
    t.guest = g.guest.empty() ? t.host : normal_guest(g.guest);
    if (t.guest.empty()) throw std::runtime_error("guest path '" + g.guest + "' must be absolute and without '..'");
    t.read_only = g.read_only;
    for (std::size_t i = 0; i < trees_.size(); ++i)
      if (trees_[i].guest == t.guest)
        throw std::runtime_error("guest path '" + t.guest + "' " +
                                 (i == 0 ? "is the sandbox root" : "is granted twice"));
    trees_.push_back(std::move(t));
  }
  for (Tree& a : trees_)
    for (const Tree& b : trees_) a.nested = a.nested || strictly_below(b.guest, a.guest);

  // The guest starts where the user is, if the user is in one of its trees
  // (the most specific one); a run from elsewhere starts at the root.
  cwd_ = trees_[0].guest;
  char buf[PATH_MAX];
  if (!::getcwd(buf, sizeof buf)) return;
  const std::string here = buf;
  const Tree* best = nullptr;
  for (const Tree& t : trees_)
    if (inside(here, t.host) && (!best || t.host.size() > best->host.size())) best = &t;
  if (!best) return;
  const std::string rest = best->host == "/" ? here : here.substr(best->host.size());
  const std::string start = normal_guest(best->guest + "/" + rest);
  if (chdir(start) != 0) cwd_ = trees_[0].guest;
}

int Sandbox::top_at(const std::string& guest) const {
  for (std::size_t i = 0; i < trees_.size(); ++i)
    if (trees_[i].guest == guest) return static_cast<int>(i);
  return -1;
}

bool Sandbox::above_a_tree(const std::string& guest) const {
  for (const Tree& t : trees_)
    if (strictly_below(t.guest, guest)) return true;
  return false;
}

int Sandbox::resolve(const std::string& path, bool follow_last, Entry& out) const {
  if (int e = lookup(path, follow_last, out, nullptr)) return e;
  // A trailing slash names a directory (Linux): "link/" and "file/" are
  // ENOTDIR for UNLINK and RENAME, which would otherwise act on the name.
  if (path.size() > 1 && path.back() == '/') {
    struct stat st;
    if (::fstatat(out.dir.get(), out.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
      return ENOTDIR;
  }
  return 0;
}

// The kernel's lookup of `rest` below tree `tree`'s top: one openat2 for the
// directory part, confined by RESOLVE_BENEATH, and the final name examined
// here. Returns -1 where only the walk can answer: the path leaves the tree
// (by `..` or an absolute link, perhaps to come back or into another tree),
// ends in a link to follow, or the kernel refuses openat2.
int Sandbox::beneath(std::size_t tree, const std::deque<std::string>& rest, bool follow_last, Entry& out) const {
  const std::string& last = rest.back();
  if (last == "." || last == "..") return -1;
  std::string dir;
  for (std::size_t i = 0; i + 1 < rest.size(); ++i) dir += (i ? "/" : "") + rest[i];
  if (dir.empty()) dir = ".";
  struct open_how how {};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const long r = ::syscall(SYS_openat2, trees_[tree].fd.get(), dir.c_str(), &how, sizeof how);
  if (r < 0) {
    const int e = errno;
    if (e == ENOSYS || e == EPERM || e == EINVAL || e == E2BIG) {
      kernel_has_openat2 = false;
      return -1;
    }
    if (e == ENOENT || e == ENOTDIR || e == EACCES || e == ENAMETOOLONG) return e;
    return -1;  // EXDEV, ELOOP, EAGAIN
  }
  Fd d(static_cast<int>(r));
  struct stat st;
  if (::fstatat(d.get(), last.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode) && follow_last) return -1;
  } else if (errno != ENOENT) {
    return errno;
  }
  out.dir = std::move(d);
  out.name = last;
  out.tree = static_cast<int>(tree);
  out.top = false;
  return 0;
}

int Sandbox::lookup(const std::string& path, bool follow_last, Entry& out, std::string* guest) const {
  if (path.empty()) return ENOENT;
  if (path.size() >= PATH_MAX) return ENAMETOOLONG;
  std::deque<std::string> todo;
  if (path[0] != '/') split_into(cwd_, todo, false);
  split_into(path, todo, false);

  std::vector<std::string> g;  // the guest path reached, links resolved
  int t = top_at("/");         // the tree it is in, -1 above every tree
  std::vector<Fd> below;       // its directories below the tree's top
  bool entered = true;         // just arrived at t's top: the kernel may take the rest
  int links = 0;
  const auto here = [&] { return below.empty() ? trees_[static_cast<std::size_t>(t)].fd.get() : below.back().get(); };
  // The answer: `name` in the directory reached.
  const auto settle = [&](const std::string& name) {
    out.dir = below.empty() ? dup_of(here()) : std::move(below.back());
    if (out.dir.get() < 0) return errno;
    out.name = name;
    out.tree = t;
    out.top = false;
    if (guest) *guest = join(g);
    return 0;
  };

  for (;;) {
    if (entered && t >= 0 && !todo.empty() && !guest && kernel_lookup_ && kernel_has_openat2 &&
        !trees_[static_cast<std::size_t>(t)].nested) {
      const int r = beneath(static_cast<std::size_t>(t), todo, follow_last, out);
      if (r >= 0) return r;
    }
    entered = false;
    if (todo.empty()) break;
    std::string comp = std::move(todo.front());
    todo.pop_front();
    const bool last = todo.empty();
    if (comp == ".") continue;
    if (comp == "..") {
      if (g.empty()) continue;
      g.pop_back();
      if (t < 0) continue;  // above the trees, a parent is above them too
      if (!below.empty()) {
        below.pop_back();
        continue;
      }
      // Up from a tree's top: its parent is reached again from "/", which
      // finds whichever tree (if any) holds it; its name stays non-final.
      if (todo.empty()) todo.push_back(".");
      todo.insert(todo.begin(), g.begin(), g.end());
      g.clear();
      below.clear();
      t = top_at("/");
      entered = true;
      continue;
    }
    g.push_back(comp);
    const std::string cur = join(g);
    if (const int top = top_at(cur); top >= 0) {
      t = top;
      below.clear();
      entered = true;
      continue;
    }
    // Never look outside the trees, except on the way down to one.
    if (t < 0) {
      if (!above_a_tree(cur)) return EACCES;
      continue;
    }
    Fd fd(::openat(here(), comp.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno == ENOENT && last) return settle(comp);
      return errno;
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return errno;
    if (S_ISLNK(st.st_mode)) {
      if (last && !follow_last) return settle(comp);
      if (++links > kMaxSymlinks) return ELOOP;
      char target[PATH_MAX];
      const ssize_t n = ::readlinkat(fd.get(), "", target, sizeof target - 1);
      if (n < 0) return errno;
      if (n == 0) return ENOENT;
      target[n] = 0;
      g.pop_back();
      split_into(target, todo, true);
      if (target[0] == '/') {
        g.clear();
        below.clear();
        t = top_at("/");
        entered = true;
      }
      continue;
    }
    if (last) return settle(comp);
    if (!S_ISDIR(st.st_mode)) return ENOTDIR;
    below.push_back(std::move(fd));
  }
  // The path ends at a directory reached, not at a name in one.
  if (t < 0) return EACCES;
  if (below.empty()) {
    out.dir = dup_of(here());
    if (out.dir.get() < 0) return errno;
    out.name = ".";
    out.tree = t;
    out.top = true;
    if (guest) *guest = join(g);
    return 0;
  }
  below.pop_back();
  return settle(g.back());
}

std::string Sandbox::host_path(const Entry& e) {
  char buf[PATH_MAX];
  const std::string link = "/proc/self/fd/" + std::to_string(e.dir.get());
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n < 0) return {};
  const std::string dir(buf, static_cast<std::size_t>(n));
  if (e.name == ".") return dir;
  return dir == "/" ? "/" + e.name : dir + "/" + e.name;
}

int Sandbox::open_at(const Entry& e, int flags, mode_t mode, int& fd) const {
  if (read_only(e) && ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))) return EROFS;
  // The entry is resolved, so a link found there now is one not to follow.
  const int r = ::openat(e.dir.get(), e.name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, mode);
  if (r < 0) return errno;
  fd = r;
  return 0;
}

int Sandbox::open(const std::string& path, int flags, mode_t mode, int& fd) const {
  const bool follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  Entry e;
  if (int err = resolve(path, follow, e)) return err;
  return open_at(e, flags, mode, fd);
}

int Sandbox::chdir(const std::string& path) {
  Entry e;
  std::string g;
  if (int err = lookup(path, true, e, &g)) return err;
  struct stat st;
  if (::fstatat(e.dir.get(), e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno;
  if (!S_ISDIR(st.st_mode)) return ENOTDIR;
  if (::faccessat(e.dir.get(), e.name.c_str(), X_OK, AT_SYMLINK_NOFOLLOW) != 0) return errno;
  cwd_ = g;
  return 0;
}

}  // namespace s32::host
