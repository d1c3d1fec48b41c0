// Confines the guest's file system to the root and the granted directories
// (its trees). Guest paths name the root by its host path, and each granted
// directory by the guest path it was granted at; relative ones start at the
// guest's own working directory. A path that would leave every tree through
// `..`, an absolute path or a link is refused with EACCES; the directories
// above a tree, on the way down to it, may be named but not used.
//
// Paths are resolved on directory fds, never as host path strings: each tree
// is held open, a lookup goes down from it with openat2(RESOLVE_BENEATH)
// where the kernel has it, else one component at a time with
// openat(O_NOFOLLOW), reading links itself and taking `..` from its own
// stack of directories. The answer is the directory fd holding the final
// name, so the operation (openat, mkdirat, renameat, ...) acts on what was
// checked even while another host process changes the tree.
#pragma once

#include <sys/types.h>

#include <deque>
#include <string>
#include <vector>

namespace s32::host {

// A host directory granted to the guest: `--dir HOST[::GUEST][:ro]`.
struct DirGrant {
  std::string host;   // as given; relative to the process's directory
  std::string guest;  // absolute; empty: the host directory's canonical path
  bool read_only = false;

  // Returns "" or what is wrong with `spec`.
  static std::string parse(const std::string& spec, DirGrant& out);
  std::string spec() const;
};

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset();

 private:
  int fd_ = -1;
};

// A resolved guest path: the name `name` in the directory `dir` (an O_PATH
// fd). A tree's own top is "." in itself: its name lies outside the tree.
// The name may not exist yet (a file about to be created).
struct Entry {
  Fd dir;
  std::string name;
  int tree = -1;     // which tree: 0 is the root, then the grants in order
  bool top = false;  // the tree's top directory itself
};

class Sandbox {
 public:
  // How a lookup reaches the kernel: Kernel uses openat2 when the running
  // kernel has it (and walks where openat2 cannot answer), Walk always goes
  // one component at a time. They answer alike; tests run both.
  enum class Lookup { Kernel, Walk };

  // `root` and each grant's host directory must exist and be directories;
  // guest paths must be absolute, without `..`, and distinct. Throws
  // std::runtime_error otherwise. The guest's working directory starts at
  // the process's when that lies in a tree, else at the root.
  explicit Sandbox(const std::string& root, const std::vector<DirGrant>& grants = {},
                   Lookup lookup = Lookup::Kernel);

  const std::string& root() const { return trees_[0].guest; }  // also its host path
  const std::string& cwd() const { return cwd_; }              // a guest path

  // Resolves `path`; `follow_last` says whether a final symbolic link is
  // followed. A trailing slash demands a directory: "file/" and, without
  // following, "link/" are ENOTDIR. Returns 0 or an errno value.
  int resolve(const std::string& path, bool follow_last, Entry& out) const;
  // Where the host has an entry now (for messages, tests and child
  // processes; operations use the entry itself).
  static std::string host_path(const Entry& e);
  bool read_only(const Entry& e) const { return trees_[static_cast<std::size_t>(e.tree)].read_only; }

  // Opens `path` with Linux open flags, as OPEN does: a final link is
  // followed unless O_NOFOLLOW or O_CREAT|O_EXCL; anything that could write
  // into a read-only tree is EROFS. Returns 0 with a new fd, or an errno.
  int open(const std::string& path, int flags, mode_t mode, int& fd) const;
  int open_at(const Entry& e, int flags, mode_t mode, int& fd) const;
  // Changes the guest's working directory; returns 0 or an errno value.
  int chdir(const std::string& path);

 private:
  struct Tree {
    std::string host;   // canonical host path of its top, at start
    std::string guest;  // canonical guest path of its top
    Fd fd;              // its top, O_PATH
    bool read_only = false;
    bool nested = false;  // another tree's top lies below this one's
  };

  int lookup(const std::string& path, bool follow_last, Entry& out, std::string* guest) const;
  int beneath(std::size_t tree, const std::deque<std::string>& rest, bool follow_last, Entry& out) const;
  int top_at(const std::string& guest) const;
  bool above_a_tree(const std::string& guest) const;

  std::vector<Tree> trees_;
  std::string cwd_;
  bool kernel_lookup_;
};

}  // namespace s32::host
