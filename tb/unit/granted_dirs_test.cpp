// Granted directories (--dir) as the guest meets them through the POSIX
// backend: trees at their guest paths, read-only grants, a grant inside the
// root, the starting directory, links out of a grant, a canary tree outside
// every tree that no path operation may change, and a tree changed by
// another host process between (and during) requests.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/posix_backend.hpp"
#include "temp_tree.hpp"
#include "process_cwd_guard.hpp"

namespace {

using namespace s32::host;
using s32::test::TempTree;
namespace fs = std::filesystem;

// Guest OPEN flags (ring-abi.md): read, write, create, truncate.
constexpr std::uint32_t kRd = 0x01, kWr = 0x02, kCreat = 0x08, kTrunc = 0x10;
constexpr std::uint32_t kPathAt = 0x100, kDataAt = 0x2000;

class NoMemory : public GuestMemory {
 public:
  bool write(std::uint32_t, const std::uint8_t*, std::uint32_t) override { return false; }
  bool read(std::uint32_t, std::uint8_t*, std::uint32_t) override { return false; }
};

// Everything under `dir`: each name with its content, its link target or
// "<dir>", so a test sees anything that appeared, vanished or changed.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = e.path().string().substr(dir.size());
    if (e.is_symlink()) all[rel] = "-> " + fs::read_symlink(e.path()).string();
    else if (e.is_directory()) all[rel] = "<dir>";
    else all[rel] = TempTree::read_file(e.path().string());
  }
  return all;
}

using s32::test::ProcessCwdGuard;

// The root, a writable grant at guest /data (host base/grant), a read-only
// one at /ro (host base/ro), and base/outside: the canary, in no tree.
class GrantedDirs : public ::testing::Test {
 protected:
  GrantedDirs() : bytes_(kDataBufferSize, 0), buf_(bytes_.data(), kDataBufferSize) {
    grant_ = tree_.base() + "/grant";
    ro_ = tree_.base() + "/ro";
    TempTree::make_dir(grant_);
    TempTree::make_dir(ro_);
    TempTree::make_dir(ro_ + "/sub");
    TempTree::write_file(ro_ + "/f", "read only");
    TempTree::write_file(grant_ + "/f", "granted");
    TempTree::write_file(tree_.in_root("file"), "in root");
    TempTree::write_file(tree_.in_outside("secret"), "s3cret");
    TempTree::make_dir(tree_.in_outside("dir"));
    TempTree::write_file(tree_.in_outside("dir/canary"), "tweet");
    for (int i = 0; i < 3; ++i)
      if (::pipe2(pipes_[i], O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    console_ = std::make_unique<Console>(pipes_[0][0], pipes_[1][1], pipes_[2][1]);
    start(config());
  }
  ~GrantedDirs() override {
    backend_.reset();
    console_.reset();
    for (auto& p : pipes_)
      for (int fd : p) ::close(fd);
  }

  HostConfig config() const {
    HostConfig c;
    c.root = tree_.root();
    c.dirs = {{grant_, "/data", false}, {ro_, "/ro", true}};
    return c;
  }
  void start(const HostConfig& c) {
    backend_.reset();
    backend_ = std::make_unique<PosixBackend>(c, *console_);
  }

  Completion run(std::uint32_t opcode, std::uint32_t status, std::uint32_t length, std::uint32_t offset) {
    Request r;
    r.opcode = opcode;
    r.status = status;
    r.length = length;
    r.offset = offset;
    return backend_->execute(r, buf_, mem_, HostTime{});
  }
  Completion with_path(std::uint32_t opcode, const std::string& path, std::uint32_t status = 0) {
    std::memcpy(bytes_.data() + kPathAt, path.c_str(), path.size() + 1);
    return run(opcode, status, static_cast<std::uint32_t>(path.size() + 1), kPathAt);
  }
  Completion rename(const std::string& from, const std::string& to) {
    const std::string both = from + std::string(1, '\0') + to + std::string(1, '\0');
    std::memcpy(bytes_.data() + kPathAt, both.data(), both.size());
    return run(kRename, static_cast<std::uint32_t>(from.size() + 1), static_cast<std::uint32_t>(both.size()),
               kPathAt);
  }
  // 0 or the errno the guest got.
  static std::uint32_t err(const Completion& c) { return c.status == kStatusErr ? c.length : 0; }
  std::uint32_t op(std::uint32_t opcode, const std::string& path, std::uint32_t status = 0) {
    const Completion c = with_path(opcode, path, status);
    if (opcode == kOpen && c.status != kStatusErr) run(kClose, c.status, 0, 0);
    return err(c);
  }
  std::string read_file(const std::string& path) {
    const Completion o = with_path(kOpen, path, kRd);
    if (o.status == kStatusErr) return "<errno " + std::to_string(o.length) + ">";
    const Completion r = run(kRead, o.status, 100, kDataAt);
    run(kClose, o.status, 0, 0);
    return std::string(reinterpret_cast<const char*>(bytes_.data() + kDataAt), r.length);
  }
  std::string getcwd() {
    const Completion c = run(kGetcwd, 0, 4096, kDataAt);
    return c.status == kStatusErr ? "<errno>" : std::string(reinterpret_cast<const char*>(bytes_.data() + kDataAt));
  }

  TempTree tree_;
  std::string grant_, ro_;
  std::vector<std::uint8_t> bytes_;
  DataBuffer buf_;
  NoMemory mem_;
  int pipes_[3][2];
  std::unique_ptr<Console> console_;
  std::unique_ptr<PosixBackend> backend_;
};

TEST_F(GrantedDirs, AGrantIsUsedAtItsGuestPath) {
  EXPECT_EQ(read_file("/data/f"), "granted");
  EXPECT_EQ(op(kOpen, "/data/new", kWr | kCreat), 0u);
  EXPECT_TRUE(TempTree::exists(grant_ + "/new"));
  EXPECT_EQ(op(kMkdir, "/data/d"), 0u);
  EXPECT_EQ(err(rename("/data/new", "/data/d/moved")), 0u);
  EXPECT_TRUE(TempTree::exists(grant_ + "/d/moved"));
  EXPECT_EQ(op(kChdir, "/data/d"), 0u);
  EXPECT_EQ(getcwd(), "/data/d");
  EXPECT_EQ(op(kUnlink, "moved"), 0u);
  EXPECT_EQ(op(kChdir, ".."), 0u);
  EXPECT_EQ(getcwd(), "/data");
  EXPECT_EQ(op(kRmdir, "d"), 0u);
  // Its top cannot be removed, and the guest's "/" above it cannot be used.
  EXPECT_EQ(op(kRmdir, "/data"), static_cast<std::uint32_t>(EBUSY));
  EXPECT_EQ(op(kChdir, ".."), static_cast<std::uint32_t>(EACCES));
  EXPECT_EQ(op(kOpendir, "/"), static_cast<std::uint32_t>(EACCES));
  // Its host path is not a guest path: it names nothing granted.
  EXPECT_EQ(op(kStat, grant_ + "/f", kStatusErr), static_cast<std::uint32_t>(EACCES));
  // Out of one tree and into another, by `..` and by an absolute path.
  EXPECT_EQ(read_file("../" + tree_.root() + "/file"), "in root");
  EXPECT_EQ(read_file("../ro/f"), "read only");
  EXPECT_EQ(op(kChdir, tree_.root()), 0u);
  EXPECT_EQ(read_file("/data/../ro/./f"), "read only");
}

TEST_F(GrantedDirs, AReadOnlyGrantRefusesEveryChangeWithErofs) {
  const auto before = snapshot(ro_);
  TempTree::make_link("/ro/f", tree_.in_root("to_ro"));
  EXPECT_EQ(read_file("/ro/f"), "read only");
  EXPECT_EQ(read_file("to_ro"), "read only");
  const std::uint32_t kErofs = EROFS;
  for (std::uint32_t flags : {kWr, kRd | kWr, kRd | kTrunc, kWr | kCreat, kRd | kCreat}) {
    SCOPED_TRACE(flags);
    EXPECT_EQ(op(kOpen, "/ro/f", flags), kErofs);
    EXPECT_EQ(op(kOpen, "to_ro", flags), kErofs);
  }
  EXPECT_EQ(op(kOpen, "/ro/new", kWr | kCreat), kErofs);
  EXPECT_EQ(op(kMkdir, "/ro/newdir"), kErofs);
  EXPECT_EQ(op(kUnlink, "/ro/f"), kErofs);
  EXPECT_EQ(op(kRmdir, "/ro/sub"), kErofs);
  EXPECT_EQ(op(kRmdir, "/ro"), static_cast<std::uint32_t>(EBUSY));
  EXPECT_EQ(err(rename("/ro/f", "/ro/g")), kErofs);
  EXPECT_EQ(err(rename("/ro/f", tree_.in_root("stolen"))), kErofs);
  EXPECT_EQ(err(rename(tree_.in_root("file"), "/ro/planted")), kErofs);
  EXPECT_EQ(op(kAccess, "/ro/f", W_OK), kErofs);
  EXPECT_EQ(op(kAccess, "/ro/f", R_OK), 0u);
  EXPECT_EQ(op(kAccess, "/ro/missing", W_OK), static_cast<std::uint32_t>(ENOENT));
  // Reading and moving around are not changes.
  EXPECT_EQ(op(kStat, "/ro/sub", kStatusErr), 0u);
  EXPECT_EQ(op(kOpendir, "/ro/sub"), 0u);
  EXPECT_EQ(op(kChdir, "/ro/sub"), 0u);
  EXPECT_EQ(read_file("../f"), "read only");
  EXPECT_EQ(snapshot(ro_), before);
  EXPECT_EQ(TempTree::read_file(tree_.in_root("file")), "in root");
}

// A grant at a guest path inside the root shadows what the root has there,
// as a mount does; granting a subdirectory at its own path read-only makes
// that part of the root read-only.
TEST_F(GrantedDirs, AGrantInsideTheRootShadowsIt) {
  TempTree::make_dir(tree_.in_root("mnt"));
  TempTree::write_file(tree_.in_root("mnt/hidden"), "root's own");
  TempTree::make_dir(tree_.in_root("frozen"));
  TempTree::write_file(tree_.in_root("frozen/f"), "cold");
  HostConfig c = config();
  c.dirs = {{grant_, tree_.in_root("mnt"), false}, {tree_.in_root("frozen"), "", true}};
  start(c);
  EXPECT_EQ(read_file(tree_.in_root("mnt/f")), "granted");
  EXPECT_EQ(read_file("mnt/f"), "granted");
  EXPECT_EQ(op(kStat, "mnt/hidden", kStatusErr), static_cast<std::uint32_t>(ENOENT));
  EXPECT_EQ(read_file("mnt/../file"), "in root");
  EXPECT_EQ(op(kChdir, "mnt"), 0u);
  EXPECT_EQ(read_file("../file"), "in root");
  EXPECT_EQ(op(kChdir, ".."), 0u);
  EXPECT_EQ(op(kOpen, "frozen/f", kWr), static_cast<std::uint32_t>(EROFS));
  EXPECT_EQ(op(kOpen, "frozen/new", kWr | kCreat), static_cast<std::uint32_t>(EROFS));
  EXPECT_EQ(op(kUnlink, "frozen/f"), static_cast<std::uint32_t>(EROFS));
  EXPECT_EQ(op(kOpen, "elsewhere", kWr | kCreat), 0u);
  EXPECT_EQ(TempTree::read_file(tree_.in_root("mnt/hidden")), "root's own");
  EXPECT_EQ(TempTree::read_file(tree_.in_root("frozen/f")), "cold");
  EXPECT_FALSE(TempTree::exists(tree_.in_root("frozen/new")));
}

TEST_F(GrantedDirs, TheGuestStartsInTheProcessCwdWhenAGrantHoldsIt) {
  ProcessCwdGuard guard;
  TempTree::make_dir(grant_ + "/deep");
  ASSERT_EQ(::chdir((grant_ + "/deep").c_str()), 0);
  start(config());
  EXPECT_EQ(getcwd(), "/data/deep");
  EXPECT_EQ(op(kOpen, "made_here", kWr | kCreat), 0u);
  EXPECT_TRUE(TempTree::exists(grant_ + "/deep/made_here"));
  ASSERT_EQ(::chdir(tree_.outside().c_str()), 0);
  start(config());
  EXPECT_EQ(getcwd(), tree_.root());
}

TEST_F(GrantedDirs, LinksFromAGrantReachOnlyTheTrees) {
  TempTree::make_link(tree_.in_outside("secret"), grant_ + "/abs_out");
  TempTree::make_link("../outside/secret", grant_ + "/rel_out");
  TempTree::make_link("../outside", grant_ + "/dir_out");
  TempTree::make_link("..", grant_ + "/up");
  TempTree::make_link(grant_ + "/f", grant_ + "/own_host_path");
  TempTree::make_link("/data/f", grant_ + "/own_guest_path");
  TempTree::make_link(tree_.in_root("file"), grant_ + "/to_root");
  TempTree::make_link("../ro/f", grant_ + "/to_ro");
  for (const char* p : {"/data/abs_out", "/data/rel_out", "/data/dir_out/secret", "/data/up/outside/secret",
                        "/data/own_host_path", "/data/up"}) {
    SCOPED_TRACE(p);
    EXPECT_EQ(op(kOpen, p, kRd), static_cast<std::uint32_t>(EACCES));
  }
  // Link texts are guest paths: these land in trees.
  EXPECT_EQ(read_file("/data/own_guest_path"), "granted");
  EXPECT_EQ(read_file("/data/to_root"), "in root");
  EXPECT_EQ(read_file("/data/to_ro"), "read only");
  EXPECT_EQ(op(kOpen, "/data/to_ro", kWr), static_cast<std::uint32_t>(EROFS));
}

// Every path operation aimed out of the trees, by every route, answers
// EACCES and changes nothing in the canary tree.
TEST_F(GrantedDirs, NoPathOperationTouchesTheCanaryTree) {
  const std::string out = tree_.outside();
  TempTree::make_link(out, grant_ + "/abs_dir");
  TempTree::make_link("../outside", grant_ + "/rel_dir");
  TempTree::make_link(out + "/dir/canary", grant_ + "/abs_file");
  TempTree::make_link(out + "/dir/new", grant_ + "/dangling");
  TempTree::make_link("../../outside/dir", tree_.in_root("sub_link"));
  const auto before = snapshot(out);
  const std::vector<std::string> dirs = {out + "/dir",
                                         "/data/abs_dir/dir",
                                         "/data/rel_dir/dir",
                                         "../outside/dir",
                                         "/data/../../outside/dir",
                                         "sub_link/.",
                                         "/data/./../" + tree_.base().substr(1) + "/outside/dir",
                                         tree_.root() + "/../outside/dir"};
  const std::uint32_t kEacces = EACCES;
  for (const std::string& d : dirs) {
    SCOPED_TRACE(d);
    const std::string f = d + "/canary", n = d + "/new";
    EXPECT_EQ(op(kOpen, f, kRd), kEacces);
    EXPECT_EQ(op(kOpen, f, kWr | kTrunc), kEacces);
    EXPECT_EQ(op(kOpen, n, kWr | kCreat), kEacces);
    EXPECT_EQ(op(kMkdir, n), kEacces);
    EXPECT_EQ(op(kUnlink, f), kEacces);
    EXPECT_EQ(op(kRmdir, d), kEacces);
    EXPECT_EQ(op(kStat, f, kStatusErr), kEacces);
    EXPECT_EQ(op(kLstat, f), kEacces);
    EXPECT_EQ(op(kAccess, f, 0), kEacces);
    EXPECT_EQ(op(kOpendir, d), kEacces);
    EXPECT_EQ(op(kChdir, d), kEacces);
    EXPECT_EQ(err(rename(f, "/data/got")), kEacces);
    EXPECT_EQ(err(rename("/data/f", n)), kEacces);
    EXPECT_EQ(err(rename(d, "/data/gotdir")), kEacces);
  }
  for (const char* l : {"/data/abs_file", "/data/dangling"}) {
    SCOPED_TRACE(l);
    EXPECT_EQ(op(kOpen, l, kRd), kEacces);
    EXPECT_EQ(op(kOpen, l, kWr | kCreat), kEacces);
    EXPECT_EQ(op(kOpen, l, kWr | kTrunc), kEacces);
    EXPECT_EQ(op(kStat, l, kStatusErr), kEacces);
  }
  // The links themselves are the guest's to remove.
  EXPECT_EQ(op(kUnlink, "/data/abs_file"), 0u);
  EXPECT_EQ(op(kUnlink, "/data/abs_dir"), 0u);
  EXPECT_EQ(snapshot(out), before);
  EXPECT_EQ(TempTree::read_file(grant_ + "/f"), "granted");
  EXPECT_FALSE(TempTree::exists(grant_ + "/got"));
  EXPECT_FALSE(TempTree::exists(grant_ + "/gotdir"));
}

// Another host process swaps a directory the guest used for a link out of
// the tree: the next request cannot follow it out.
TEST_F(GrantedDirs, ADirectorySwappedForALinkBetweenRequestsLeadsNowhere) {
  TempTree::make_dir(grant_ + "/d");
  const auto before = snapshot(tree_.outside());
  EXPECT_EQ(op(kOpen, "/data/d/x", kWr | kCreat), 0u);
  EXPECT_EQ(op(kChdir, "/data/d"), 0u);
  fs::rename(grant_ + "/d", grant_ + "/d_old");
  TempTree::make_link(tree_.in_outside("dir"), grant_ + "/d");
  const std::uint32_t kEacces = EACCES;
  EXPECT_EQ(op(kOpen, "/data/d/canary", kRd), kEacces);
  EXPECT_EQ(op(kOpen, "/data/d/y", kWr | kCreat), kEacces);
  EXPECT_EQ(op(kOpen, "canary", kRd | kWr), kEacces);
  EXPECT_EQ(op(kUnlink, "canary"), kEacces);
  EXPECT_EQ(op(kMkdir, "z"), kEacces);
  EXPECT_EQ(snapshot(tree_.outside()), before);
  EXPECT_TRUE(TempTree::exists(grant_ + "/d_old/x"));
}

// Within one request: once the sandbox has answered with an entry, the
// operation acts on the directory it checked. Swapped for a link in
// between, the directory's new name leads out, but the create still lands
// in the old directory; a final name swapped for a link is not followed.
class ResolvedEntries : public ::testing::TestWithParam<Sandbox::Lookup> {
 protected:
  ResolvedEntries() {
    TempTree::make_dir(tree_.in_root("d"));
    TempTree::write_file(tree_.in_root("f"), "inside");
    TempTree::write_file(tree_.in_outside("secret"), "s3cret");
  }
  TempTree tree_;
};

TEST_P(ResolvedEntries, ActOnWhatWasCheckedWhateverHappensToTheNames) {
  const Sandbox sb(tree_.root(), {}, GetParam());
  const auto before = snapshot(tree_.outside());
  Entry e;
  ASSERT_EQ(sb.resolve("d/new", true, e), 0);
  fs::rename(tree_.in_root("d"), tree_.in_root("d_old"));
  TempTree::make_link(tree_.outside(), tree_.in_root("d"));
  int fd = -1;
  ASSERT_EQ(sb.open_at(e, O_WRONLY | O_CREAT, 0644, fd), 0);
  ::close(fd);
  EXPECT_TRUE(TempTree::exists(tree_.in_root("d_old/new")));

  Entry f;
  ASSERT_EQ(sb.resolve("f", true, f), 0);
  ASSERT_EQ(::unlink(tree_.in_root("f").c_str()), 0);
  TempTree::make_link(tree_.in_outside("secret"), tree_.in_root("f"));
  EXPECT_EQ(sb.open_at(f, O_RDWR | O_TRUNC, 0, fd), ELOOP);
  EXPECT_EQ(sb.open("f", O_RDWR | O_TRUNC, 0, fd), EACCES);
  EXPECT_EQ(snapshot(tree_.outside()), before);
}

INSTANTIATE_TEST_SUITE_P(Lookups, ResolvedEntries, ::testing::Values(Sandbox::Lookup::Kernel, Sandbox::Lookup::Walk));

}  // namespace
