// libFuzzer target: the sandbox's public interface (resolve, chdir) on
// arbitrary guest paths, in a small tree made once per process under the
// system temporary directory: a root and a directory granted at guest /g.
// The tree has a file, directories, symbolic links that stay inside
// (relative, absolute, chained, from the grant into the root), links that
// leave (to the parent, to /, to a sibling directory holding a "secret"
// file, to the grant's host path) and a link loop. Whatever the input, a
// path the sandbox accepts must lie inside the root or the grant, and so
// must everything it names once the host follows its links; chdir must
// keep the working directory inside. Both lookups (openat2 and the walk)
// must give the same answer. The target only resolves and stats: it
// creates and removes nothing but its own tree.
//
// Input: NUL-separated paths. The first byte of each chooses what is done
// with the rest: resolve following the last link, resolve not following
// it, or chdir (which then applies to the paths after it).
#include <unistd.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "host/sandbox.hpp"

namespace fs = std::filesystem;

namespace {

struct Tree {
  fs::path base, root, grant;
  std::string real_root, real_grant;
  Tree() {
    base = fs::temp_directory_path() / ("s32_sandbox_fuzz_" + std::to_string(::getpid()));
    fs::remove_all(base);
    root = base / "root";
    fs::create_directories(root / "d" / "e");
    fs::create_directories(base / "outside");
    std::ofstream(root / "f") << "inside";
    std::ofstream(base / "outside" / "secret") << "outside";
    fs::create_symlink("d", root / "in");
    fs::create_symlink("d/e/../../f", root / "in_file");
    fs::create_symlink(root / "d", root / "abs_in");
    fs::create_symlink("in", root / "chain");
    fs::create_symlink("..", root / "up");
    fs::create_symlink("../outside/secret", root / "out_file");
    fs::create_symlink("/", root / "slash");
    fs::create_symlink("loop", root / "loop");
    fs::create_symlink("../../..", root / "d" / "e" / "far_up");
    fs::create_symlink("../f", root / "d" / "rel_f");
    grant = base / "grant";
    fs::create_directories(grant / "h");
    std::ofstream(grant / "h" / "gf") << "granted";
    fs::create_symlink(root / "f", grant / "to_root");
    fs::create_symlink("/g/h", grant / "to_h");
    fs::create_symlink(grant / "h", grant / "host_path");
    fs::create_symlink("../outside", grant / "out");
    fs::create_symlink("/g", root / "to_g");
    real_root = fs::canonical(root).string();
    real_grant = fs::canonical(grant).string();
  }
  ~Tree() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
};

const Tree& tree() {
  static const Tree t;
  return t;
}

bool lexically_inside(const std::string& p, const std::string& root) {
  return p == root || (p.size() > root.size() && p.compare(0, root.size(), root) == 0 && p[root.size()] == '/');
}

[[noreturn]] void escape(const char* what, const std::string& guest, const std::string& host) {
  std::fprintf(stderr, "sandbox_fuzz: %s: guest path '%s' -> host '%s'\n", what, guest.c_str(), host.c_str());
  std::abort();
}

// What the host reaches through `host`, with every link followed (for the
// last component only when `follow_last`); empty when nothing exists there.
std::string reached(const std::string& host, bool follow_last) {
  char buf[PATH_MAX];
  if (follow_last) return ::realpath(host.c_str(), buf) ? std::string(buf) : std::string();
  const fs::path p(host);
  const fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!::realpath(parent.c_str(), buf)) return {};
  return std::string(buf);
}

bool in_a_tree(const std::string& host) {
  return lexically_inside(host, tree().real_root) || lexically_inside(host, tree().real_grant);
}

void check(const s32::host::Sandbox& kernel, const s32::host::Sandbox& walk, const std::string& guest,
           bool follow_last) {
  s32::host::Entry e, w;
  const int err = kernel.resolve(guest, follow_last, e);
  const int walk_err = walk.resolve(guest, follow_last, w);
  const std::string host = err ? "" : s32::host::Sandbox::host_path(e);
  if (walk_err != err || (!err && s32::host::Sandbox::host_path(w) != host)) {
    std::fprintf(stderr, "sandbox_fuzz: the lookups differ on '%s': errno %d '%s', walk errno %d\n", guest.c_str(),
                 err, host.c_str(), walk_err);
    std::abort();
  }
  if (err) return;
  if (!in_a_tree(host)) escape("resolved outside the trees", guest, host);
  if (e.top) return;  // a tree's top itself (its parent is outside, legitimately)
  const std::string r = reached(host, follow_last);
  if (!r.empty() && !in_a_tree(r)) escape("the host follows it outside the trees", guest, r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using s32::host::Sandbox;
  const std::vector<s32::host::DirGrant> grants = {{tree().grant.string(), "/g", false}};
  Sandbox kernel(tree().root.string(), grants, Sandbox::Lookup::Kernel);
  Sandbox walk(tree().root.string(), grants, Sandbox::Lookup::Walk);
  std::size_t i = 0;
  while (i < size) {
    const std::uint8_t mode = data[i++] % 3;
    std::string path;
    while (i < size && data[i] != 0) path.push_back(static_cast<char>(data[i++]));
    ++i;
    if (mode == 2) {
      const int err = kernel.chdir(path);
      if (walk.chdir(path) != err || walk.cwd() != kernel.cwd())
        escape("the lookups differ on chdir", path, walk.cwd());
      if (!lexically_inside(kernel.cwd(), tree().real_root) && !lexically_inside(kernel.cwd(), "/g"))
        escape("chdir left the trees", path, kernel.cwd());
    } else {
      check(kernel, walk, path, mode == 0);
    }
  }
  return 0;
}
