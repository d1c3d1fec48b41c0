// Sandbox path confinement: every way out of the root (`..`, absolute paths,
// links to files and directories, relative and absolute targets, chains)
// must give EACCES, every way that stays inside must resolve to the right
// host entry, and the guest's cwd moves without moving the process. Each
// test runs with both lookups (openat2 where the kernel has it, and the
// component walk), which must answer alike.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/sandbox.hpp"
#include "temp_tree.hpp"
#include "process_cwd_guard.hpp"

namespace {

using s32::host::DirGrant;
using s32::host::Entry;
using s32::host::Sandbox;
using s32::test::TempTree;

// What resolve() gave: where the host has the entry, or the errno it failed with.
struct Resolved {
  int err;
  std::string path;
};
std::ostream& operator<<(std::ostream& os, const Resolved& r) {
  return os << (r.err ? std::string("errno ") + std::to_string(r.err) : "'" + r.path + "'");
}
bool operator==(const Resolved& a, const Resolved& b) { return a.err == b.err && (a.err || a.path == b.path); }

Resolved ok(const std::string& path) { return {0, path}; }
Resolved err(int e) { return {e, {}}; }

using s32::test::ProcessCwdGuard;

std::string process_cwd() {
  char buf[PATH_MAX];
  return ::getcwd(buf, sizeof buf) ? buf : "<getcwd failed>";
}

// A root with files, a subdirectory and links of every kind, and a sibling
// "outside" holding a secret the links aim at.
class SandboxTest : public ::testing::TestWithParam<Sandbox::Lookup> {
 protected:
  SandboxTest() {
    const std::string r = tree_.root(), out = tree_.outside();
    TempTree::write_file(out + "/secret", "s3cret");
    TempTree::make_dir(r + "/a");
    TempTree::write_file(r + "/a/file", "x");
    TempTree::make_link("..", r + "/a/up");
    TempTree::write_file(r + "/file", "f");
    TempTree::make_link("a/file", r + "/ln_in");
    TempTree::make_link(r + "/a/file", r + "/ln_abs_in");
    TempTree::make_link("a", r + "/ln_dir");
    TempTree::make_link(out + "/secret", r + "/ln_out_abs");
    TempTree::make_link("../outside/secret", r + "/ln_out_rel");
    TempTree::make_link(out, r + "/ln_out_dir");
    TempTree::make_link("../outside", r + "/ln_out_dir_rel");
    TempTree::make_link("chain2", r + "/chain1");
    TempTree::make_link("a/../chain3", r + "/chain2");
    TempTree::make_link("ln_out_rel", r + "/chain3");
    TempTree::make_link("ichain2", r + "/ichain1");
    TempTree::make_link("ln_dir/file", r + "/ichain2");
    TempTree::make_link("loop2", r + "/loop1");
    TempTree::make_link("loop1", r + "/loop2");
    TempTree::make_link("self", r + "/self");
    TempTree::make_link("a/new", r + "/dangling_in");
    TempTree::make_link(out + "/new", r + "/dangling_out");
    TempTree::make_link("..", r + "/parent");
    sb_ = make(r);
  }

  std::unique_ptr<Sandbox> make(const std::string& root) const {
    return std::make_unique<Sandbox>(root, std::vector<DirGrant>{}, GetParam());
  }
  static Resolved resolve_in(const Sandbox& sb, const std::string& path, bool follow_last = true) {
    Entry e;
    if (int err = sb.resolve(path, follow_last, e)) return {err, {}};
    return {0, Sandbox::host_path(e)};
  }
  Resolved resolve(const std::string& path, bool follow_last = true) const {
    return resolve_in(*sb_, path, follow_last);
  }
  std::string in_root(const std::string& rel) const { return tree_.in_root(rel); }

  TempTree tree_;
  std::unique_ptr<Sandbox> sb_;
};

using SandboxRoot = SandboxTest;
using SandboxResolve = SandboxTest;
using SandboxChdir = SandboxTest;

// ---- the root itself

TEST_P(SandboxRoot, IsAbsoluteAndCanonicalWhateverTheSpelling) {
  EXPECT_EQ(sb_->root(), tree_.root());
  EXPECT_EQ(sb_->cwd(), tree_.root());
  EXPECT_EQ(make(tree_.root() + "/")->root(), tree_.root());
  EXPECT_EQ(make(tree_.root() + "//a/..")->root(), tree_.root());
  TempTree::make_link("root", tree_.base() + "/root_link");
  EXPECT_EQ(make(tree_.base() + "/root_link/")->root(), tree_.root());
}

TEST_P(SandboxRoot, RelativeRootStartsAtTheProcessCwd) {
  ProcessCwdGuard guard;
  ASSERT_EQ(::chdir(tree_.base().c_str()), 0);
  EXPECT_EQ(make("root")->root(), tree_.root());
  EXPECT_EQ(make("./root/")->root(), tree_.root());
  ASSERT_EQ(::chdir(in_root("a").c_str()), 0);
  EXPECT_EQ(make("..")->root(), tree_.root());
}

// The guest starts where the user is when that is inside the root, so a
// relative name means what it means to the user; from outside, at the root.
TEST_P(SandboxRoot, TheGuestStartsInTheProcessCwdWhenItIsInside) {
  ProcessCwdGuard guard;
  ASSERT_EQ(::chdir(in_root("a").c_str()), 0);
  const auto inside = make(tree_.root());
  EXPECT_EQ(inside->cwd(), in_root("a"));
  EXPECT_EQ(resolve_in(*inside, "file"), ok(in_root("a/file")));
  ASSERT_EQ(::chdir(tree_.outside().c_str()), 0);
  EXPECT_EQ(make(tree_.root())->cwd(), tree_.root());
  const auto all = make("/");
  EXPECT_EQ(all->cwd(), tree_.outside());
  EXPECT_EQ(resolve_in(*all, "secret"), ok(tree_.outside() + "/secret"));
}

TEST_P(SandboxRoot, ThatIsNotADirectoryThrows) {
  for (const std::string& p : {in_root("file"), in_root("ln_in"), in_root("missing"), in_root("dangling_in"),
                               std::string()}) {
    SCOPED_TRACE(p);
    EXPECT_THROW(make(p), std::runtime_error);
  }
}

TEST_P(SandboxRoot, SlashConfinesNothing) {
  const auto all = make("/");
  EXPECT_EQ(resolve_in(*all, "/.."), ok("/"));
  EXPECT_EQ(resolve_in(*all, tree_.outside() + "/secret"), ok(tree_.outside() + "/secret"));
}

// ---- resolve

TEST_P(SandboxResolve, RelativePathsStartAtTheRoot) {
  EXPECT_EQ(resolve("a/file"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("./a/./file"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("a//file"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("."), ok(tree_.root()));
  EXPECT_EQ(resolve("a/."), ok(in_root("a")));
  EXPECT_EQ(resolve("a/.."), ok(tree_.root()));
  EXPECT_EQ(resolve("a/"), ok(in_root("a")));
}

TEST_P(SandboxResolve, EmptyAndOverlongPathsFail) {
  EXPECT_EQ(resolve(""), err(ENOENT));
  EXPECT_EQ(resolve(std::string(PATH_MAX, 'x')), err(ENAMETOOLONG));
}

TEST_P(SandboxResolve, DotDotCannotLeaveTheRoot) {
  for (const char* p : {"..", "../", "../outside/secret", "a/../../outside", "a/../..", "../../../../etc/passwd",
                        "a/../../root/../outside/secret"}) {
    SCOPED_TRACE(p);
    EXPECT_EQ(resolve(p), err(EACCES));
    EXPECT_EQ(resolve(p, false), err(EACCES));
  }
}

TEST_P(SandboxResolve, DotDotOutAndBackInIsAllowed) {
  EXPECT_EQ(resolve("../root/a/file"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("a/../../root/file"), ok(in_root("file")));
  EXPECT_EQ(resolve("/../.." + tree_.root() + "/a"), ok(in_root("a")));
  EXPECT_EQ(resolve("../root"), ok(tree_.root()));
}

// Nothing outside is looked at, even on a path that would come back: only
// the directories above the root may be passed through.
TEST_P(SandboxResolve, ComingBackThroughAnOutsideDirectoryIsRefused) {
  EXPECT_EQ(resolve("../outside/../root/file"), err(EACCES));
  EXPECT_EQ(resolve(tree_.outside() + "/../root/file"), err(EACCES));
  EXPECT_EQ(resolve("ln_out_dir/../root/file"), err(EACCES));
}

TEST_P(SandboxResolve, AbsolutePathsOutsideTheRootAreRefused) {
  TempTree::make_dir(tree_.root() + "x");
  TempTree::write_file(tree_.root() + "x/file", "sibling sharing the root's name as a prefix");
  for (const std::string& p : {std::string("/"), std::string("/etc/passwd"), tree_.base(), tree_.outside(),
                               tree_.outside() + "/secret", tree_.outside() + "/new", tree_.root() + "x/file",
                               tree_.root() + "x"}) {
    SCOPED_TRACE(p);
    EXPECT_EQ(resolve(p), err(EACCES));
    EXPECT_EQ(resolve(p, false), err(EACCES));
  }
}

TEST_P(SandboxResolve, AbsolutePathsInsideTheRootAreAllowed) {
  EXPECT_EQ(resolve(tree_.root()), ok(tree_.root()));
  EXPECT_EQ(resolve(tree_.root() + "/"), ok(tree_.root()));
  EXPECT_EQ(resolve(in_root("a/file")), ok(in_root("a/file")));
  EXPECT_EQ(resolve(in_root("a/new")), ok(in_root("a/new")));
}

TEST_P(SandboxResolve, LinksThatStayInsideAreFollowed) {
  EXPECT_EQ(resolve("ln_in"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("ln_abs_in"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("ln_dir"), ok(in_root("a")));
  EXPECT_EQ(resolve("ln_dir/file"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("ichain1"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("a/up"), ok(tree_.root()));
  EXPECT_EQ(resolve("a/up/file"), ok(in_root("file")));
  EXPECT_EQ(resolve("a/up/a/up/ln_in"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("ln_dir/up/ln_dir/.."), ok(tree_.root()));
}

TEST_P(SandboxResolve, LinksOutOfTheRootAreRefused) {
  for (const char* p : {"ln_out_abs", "ln_out_rel", "ln_out_dir", "ln_out_dir/secret", "ln_out_dir_rel",
                        "ln_out_dir_rel/secret", "ln_out_dir/new", "chain1", "chain3", "parent",
                        "parent/outside/secret", "a/up/..", "a/up/../outside"}) {
    SCOPED_TRACE(p);
    EXPECT_EQ(resolve(p), err(EACCES));
  }
  // A directory link in the middle of a path is always followed.
  EXPECT_EQ(resolve("ln_out_dir/secret", false), err(EACCES));
  EXPECT_EQ(resolve("chain1/x", false), err(EACCES));
}

TEST_P(SandboxResolve, LinkToTheRootsParentMayComeBackIn) {
  EXPECT_EQ(resolve("parent/root/file"), ok(in_root("file")));
  EXPECT_EQ(resolve("parent/root/ln_in"), ok(in_root("a/file")));
}

TEST_P(SandboxResolve, FinalLinkIsLeftAloneWhenNotFollowed) {
  EXPECT_EQ(resolve("ln_out_abs", false), ok(in_root("ln_out_abs")));
  EXPECT_EQ(resolve("ln_out_dir", false), ok(in_root("ln_out_dir")));
  EXPECT_EQ(resolve("dangling_out", false), ok(in_root("dangling_out")));
  EXPECT_EQ(resolve("loop1", false), ok(in_root("loop1")));
  EXPECT_EQ(resolve("ln_dir/up", false), ok(in_root("a/up")));
}

TEST_P(SandboxResolve, LoopsAreEloop) {
  for (const char* p : {"loop1", "loop2", "self", "loop1/x", "self/x", "a/../loop2"}) {
    SCOPED_TRACE(p);
    EXPECT_EQ(resolve(p), err(ELOOP));
  }
  EXPECT_EQ(resolve("self/x", false), err(ELOOP));
}

TEST_P(SandboxResolve, FortyLinksResolveAndFortyOneAreEloop) {
  // Linux's own limit: 40 links per lookup.
  for (int i = 0; i < 40; ++i) TempTree::make_link("c" + std::to_string(i + 1), in_root("c" + std::to_string(i)));
  TempTree::make_link("a/file", in_root("c40"));
  EXPECT_EQ(resolve("c1"), ok(in_root("a/file")));
  EXPECT_EQ(resolve("c0"), err(ELOOP));
}

TEST_P(SandboxResolve, MissingComponents) {
  EXPECT_EQ(resolve("nodir/x"), err(ENOENT));
  EXPECT_EQ(resolve("nodir/x", false), err(ENOENT));
  EXPECT_EQ(resolve("a/file/x"), err(ENOTDIR));
  EXPECT_EQ(resolve("ln_in/x"), err(ENOTDIR));
  // A missing last component is fine: it may be about to be created.
  EXPECT_EQ(resolve("a/new"), ok(in_root("a/new")));
  EXPECT_EQ(resolve("dangling_in"), ok(in_root("a/new")));
  EXPECT_EQ(resolve("dangling_in/x"), err(ENOENT));
  EXPECT_EQ(resolve("dangling_out"), err(EACCES));
}

// ---- chdir

TEST_P(SandboxChdir, RelativePathsFollowTheGuestCwd) {
  const std::string before = process_cwd();
  ASSERT_EQ(sb_->chdir("a"), 0);
  EXPECT_EQ(sb_->cwd(), in_root("a"));
  EXPECT_EQ(process_cwd(), before);
  EXPECT_EQ(resolve("file"), ok(in_root("a/file")));
  EXPECT_EQ(resolve(".."), ok(tree_.root()));
  EXPECT_EQ(resolve("../file"), ok(in_root("file")));
  EXPECT_EQ(resolve("../.."), err(EACCES));
  EXPECT_EQ(resolve("../../outside/secret"), err(EACCES));
  EXPECT_EQ(resolve("../../root/file"), ok(in_root("file")));
  EXPECT_EQ(resolve(in_root("file")), ok(in_root("file")));
}

TEST_P(SandboxChdir, BackToTheRootButNotAbove) {
  ASSERT_EQ(sb_->chdir("a"), 0);
  EXPECT_EQ(sb_->chdir(".."), 0);
  EXPECT_EQ(sb_->cwd(), tree_.root());
  EXPECT_EQ(sb_->chdir(".."), EACCES);
  EXPECT_EQ(sb_->chdir("a/../.."), EACCES);
  EXPECT_EQ(sb_->chdir("/"), EACCES);
  EXPECT_EQ(sb_->chdir(tree_.outside()), EACCES);
  EXPECT_EQ(sb_->cwd(), tree_.root());
  ASSERT_EQ(sb_->chdir(in_root("a")), 0);
  EXPECT_EQ(sb_->chdir(tree_.root()), 0);
  EXPECT_EQ(sb_->cwd(), tree_.root());
}

TEST_P(SandboxChdir, FollowsLinksThatStayInside) {
  ASSERT_EQ(sb_->chdir("ln_dir"), 0);
  EXPECT_EQ(sb_->cwd(), in_root("a"));
  ASSERT_EQ(sb_->chdir("up"), 0);
  EXPECT_EQ(sb_->cwd(), tree_.root());
  EXPECT_EQ(sb_->chdir("ln_out_dir"), EACCES);
  EXPECT_EQ(sb_->chdir("ln_out_dir_rel"), EACCES);
  EXPECT_EQ(sb_->chdir("parent"), EACCES);
  EXPECT_EQ(sb_->cwd(), tree_.root());
}

TEST_P(SandboxChdir, FailuresLeaveTheCwdAlone) {
  ASSERT_EQ(sb_->chdir("a"), 0);
  EXPECT_EQ(sb_->chdir("file"), ENOTDIR);
  EXPECT_EQ(sb_->chdir("missing"), ENOENT);
  EXPECT_EQ(sb_->chdir("up/loop1"), ELOOP);
  EXPECT_EQ(sb_->chdir(""), ENOENT);
  EXPECT_EQ(sb_->cwd(), in_root("a"));
}

INSTANTIATE_TEST_SUITE_P(Lookups, SandboxRoot, ::testing::Values(Sandbox::Lookup::Kernel, Sandbox::Lookup::Walk));
INSTANTIATE_TEST_SUITE_P(Lookups, SandboxResolve,
                         ::testing::Values(Sandbox::Lookup::Kernel, Sandbox::Lookup::Walk));
INSTANTIATE_TEST_SUITE_P(Lookups, SandboxChdir, ::testing::Values(Sandbox::Lookup::Kernel, Sandbox::Lookup::Walk));

}  // namespace
