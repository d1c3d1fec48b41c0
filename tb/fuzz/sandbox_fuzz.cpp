// libFuzzer target: the sandbox's public interface (resolve, chdir) on
// arbitrary guest paths, in a small tree made once per process under the
// system temporary directory. The tree has a file, directories, symbolic
// links that stay inside (relative, absolute, chained), links that leave
// (to the parent, to /, to a sibling directory holding a "secret" file)
// and a link loop. Whatever the input, a path the sandbox accepts must lie
// inside the root, and so must everything it names once the host follows
// its links; chdir must keep the working directory inside. The target only
// resolves and stats (lstat/readlink/realpath): it creates and removes
// nothing but its own tree.
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

#include "host/sandbox.hpp"

namespace fs = std::filesystem;

namespace {

struct Tree {
  fs::path base, root;
  std::string real_root;
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
    real_root = fs::canonical(root).string();
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

void check(const s32::host::Sandbox& box, const std::string& guest, bool follow_last) {
  std::string host;
  if (box.resolve(guest, follow_last, host) != 0) return;
  const std::string& root = tree().real_root;
  if (!lexically_inside(host, root)) escape("resolved outside the root", guest, host);
  if (host == root) return;  // the root itself (its parent is outside, legitimately)
  const std::string r = reached(host, follow_last);
  if (!r.empty() && !lexically_inside(r, root)) escape("the host follows it outside the root", guest, r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  s32::host::Sandbox box(tree().root.string());
  std::size_t i = 0;
  while (i < size) {
    const std::uint8_t mode = data[i++] % 3;
    std::string path;
    while (i < size && data[i] != 0) path.push_back(static_cast<char>(data[i++]));
    ++i;
    if (mode == 2) {
      box.chdir(path);
      if (!lexically_inside(box.cwd(), tree().real_root)) escape("chdir left the root", path, box.cwd());
    } else {
      check(box, path, mode == 0);
    }
  }
  return 0;
}
