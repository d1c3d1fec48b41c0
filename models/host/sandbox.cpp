#include "sandbox.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <vector>

namespace s32::host {

namespace {

constexpr int kMaxSymlinks = 40;

std::deque<std::string> split(const std::string& p) {
  std::deque<std::string> parts;
  std::size_t i = 0;
  while (i <= p.size()) {
    const std::size_t j = p.find('/', i);
    const std::size_t end = j == std::string::npos ? p.size() : j;
    if (end > i) parts.push_back(p.substr(i, end - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  if (parts.empty()) return "/";
  std::string s;
  for (const auto& c : parts) s += "/" + c;
  return s;
}

}  // namespace

Sandbox::Sandbox(const std::string& root) {
  char buf[PATH_MAX];
  if (!::realpath(root.c_str(), buf))
    throw std::runtime_error("sandbox root '" + root + "': " + std::strerror(errno));
  struct stat st;
  if (::stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error("sandbox root '" + root + "' is not a directory");
  root_ = buf;
  cwd_ = root_;
}

bool Sandbox::inside(const std::string& p) const {
  if (root_ == "/") return true;
  return p == root_ || (p.size() > root_.size() && p.compare(0, root_.size(), root_) == 0 && p[root_.size()] == '/');
}

bool Sandbox::ancestor_of_root(const std::string& p) const {
  if (p == "/") return true;
  return root_.size() > p.size() && root_.compare(0, p.size(), p) == 0 && root_[p.size()] == '/';
}

int Sandbox::resolve(const std::string& path, bool follow_last, std::string& out) const {
  if (path.empty()) return ENOENT;
  if (path.size() >= PATH_MAX) return ENAMETOOLONG;
  std::vector<std::string> stack;
  if (path[0] != '/') {
    for (auto& c : split(cwd_)) stack.push_back(std::move(c));
  }
  std::deque<std::string> todo = split(path);
  int links = 0;
  while (!todo.empty()) {
    std::string comp = std::move(todo.front());
    todo.pop_front();
    if (comp == ".") continue;
    if (comp == "..") {
      if (!stack.empty()) stack.pop_back();
      continue;
    }
    stack.push_back(std::move(comp));
    const std::string cur = join(stack);
    // Never look outside the tree, except on the way down to it.
    if (!inside(cur) && !ancestor_of_root(cur)) return EACCES;
    const bool last = todo.empty();
    if (last && !follow_last) break;
    struct stat st;
    if (::lstat(cur.c_str(), &st) != 0) {
      if (errno == ENOENT && last) break;
      return errno;
    }
    if (!S_ISLNK(st.st_mode)) {
      if (!last && !S_ISDIR(st.st_mode)) return ENOTDIR;
      continue;
    }
    if (++links > kMaxSymlinks) return ELOOP;
    char target[PATH_MAX];
    const ssize_t n = ::readlink(cur.c_str(), target, sizeof target - 1);
    if (n < 0) return errno;
    target[n] = 0;
    stack.pop_back();
    if (target[0] == '/') stack.clear();
    std::deque<std::string> parts = split(target);
    todo.insert(todo.begin(), parts.begin(), parts.end());
  }
  out = join(stack);
  if (!inside(out)) return EACCES;
  // A trailing slash names a directory (Linux): "link/" and "file/" are
  // ENOTDIR for UNLINK and RENAME, which would otherwise act on the name.
  if (path.size() > 1 && path.back() == '/') {
    struct stat st;
    if (::lstat(out.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) return ENOTDIR;
  }
  return 0;
}

int Sandbox::chdir(const std::string& path) {
  std::string p;
  if (int e = resolve(path, true, p)) return e;
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return errno;
  if (!S_ISDIR(st.st_mode)) return ENOTDIR;
  if (::access(p.c_str(), X_OK) != 0) return errno;
  cwd_ = p;
  return 0;
}

}  // namespace s32::host
