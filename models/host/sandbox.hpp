// Confines the guest's file system to one directory tree. Guest paths are
// host paths (relative ones start at the guest's own working directory);
// each is resolved component by component, following symbolic links
// ourselves, and refused with EACCES when it would leave the root through
// `..`, an absolute path or a link. Operations then use the resolved path.
#pragma once

#include <string>

namespace s32::host {

class Sandbox {
 public:
  // `root` must exist; it is made absolute and canonical. Throws
  // std::runtime_error otherwise.
  explicit Sandbox(const std::string& root);

  const std::string& root() const { return root_; }
  const std::string& cwd() const { return cwd_; }

  // Resolves `path`; `follow_last` says whether a final symbolic link is
  // followed. A trailing slash demands a directory: "file/" and, without
  // following, "link/" are ENOTDIR. Returns 0 with the host path in `out`,
  // or an errno value.
  int resolve(const std::string& path, bool follow_last, std::string& out) const;
  // Changes the guest's working directory; returns 0 or an errno value.
  int chdir(const std::string& path);

 private:
  bool inside(const std::string& p) const;
  bool ancestor_of_root(const std::string& p) const;

  std::string root_;
  std::string cwd_;
};

}  // namespace s32::host
