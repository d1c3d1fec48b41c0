// A throw-away directory tree for the host-side tests: base()/root is the
// sandbox root and base()/outside a sibling the guest must never reach, so
// escapes land somewhere that is ours to inspect and remove. Everything is
// removed at the end; links are removed, not followed.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace s32::test {

class TempTree {
 public:
  TempTree() {
    std::string tmpl = "/tmp/s32sim-host-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
    // Canonical, so paths built here compare equal to the sandbox's own.
    char canonical[PATH_MAX];
    if (!::realpath(tmpl.c_str(), canonical))
      throw std::runtime_error("realpath: " + std::string(std::strerror(errno)));
    base_ = canonical;
    std::filesystem::create_directory(root());
    std::filesystem::create_directory(outside());
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(base_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& base() const { return base_; }
  std::string root() const { return base_ + "/root"; }
  std::string outside() const { return base_ + "/outside"; }
  std::string in_root(const std::string& rel) const { return root() + "/" + rel; }
  std::string in_outside(const std::string& rel) const { return outside() + "/" + rel; }

  static void write_file(const std::string& path, const std::string& content) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << content;
    if (!f) throw std::runtime_error("cannot write " + path);
  }
  static std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return "<missing>";
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  }
  static void make_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0755) != 0) throw std::runtime_error("mkdir " + path + ": " + std::strerror(errno));
  }
  static void make_link(const std::string& target, const std::string& link) {
    if (::symlink(target.c_str(), link.c_str()) != 0)
      throw std::runtime_error("symlink " + link + ": " + std::strerror(errno));
  }
  // True for anything with that name, a dangling link included.
  static bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
  }
  static bool is_link(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
  }

 private:
  std::string base_;
};

}  // namespace s32::test
