// EXEC (0x10) with real guests: exec_parent runs exec_child (or another
// program) as a child s32sim and prints the status it got. The child's
// output must sit between the parent's lines, the answers must follow
// services.md §3, the child must run with the parent's settings, and a
// signal to the parent while a child runs must end both cleanly, the child
// reaped (the test is the subreaper, so an orphan would come to it).
#include <signal.h>
#include <sys/prctl.h>

#include <chrono>
#include <thread>

#include "run_sim.hpp"

namespace s32::itest {
namespace {

const std::string kChild = read_file(fs::path(S32_SW_BINARY_DIR) / "tests/exec_child.s32x");

SimResult run(SimRun r, const std::string& cwd_in_sandbox = "") {
  TempDir dir;
  r.program = "tests/exec_parent";
  return run_sim(r, dir.path() / "run", cwd_in_sandbox);
}

std::string child_lines(const std::vector<std::string>& argv) {
  std::string s;
  for (std::size_t i = 0; i < argv.size(); ++i) s += "child argv[" + std::to_string(i) + "]=" + argv[i] + "\n";
  return s;
}

// The EXEC row's modelled host time: start to host done.
std::uint64_t exec_latency(const std::string& csv) {
  for (const RequestRow& r : parse_requests(csv))
    if (r.name == "EXEC") return r.host_done - r.start;
  ADD_FAILURE() << "no EXEC in the request log:\n" << csv;
  return 0;
}

class ExecModes : public testing::TestWithParam<const char*> {};

TEST_P(ExecModes, ChildOutputComesInOrderAndItsExitStatusIsTheAnswer) {
  SimRun r;
  r.options = {"--enable", "exec", "--host-io", GetParam(), "--latency", "console=777+3", "--ram-latency", "5"};
  r.files = {{"exec_child.s32x", kChild}};
  r.args = {"exec_child.s32x", "one", "two words", "--"};
  const SimResult res = run(r);
  EXPECT_EQ(res.status, 0) << res.err;
  EXPECT_EQ(res.out, "parent start\n" + child_lines({"exec_child.s32x", "one", "two words", "--"}) +
                         "parent status 7\n");
  EXPECT_EQ(res.err, "");

  // The parent waited for the child's whole run in the model: the process
  // class (100000) plus one cycle per child cycle. The child alone, with
  // the same timing options, runs exactly as long, so it inherited them.
  SimRun alone;
  alone.program = "tests/exec_child";
  alone.options = {"--latency", "console=777+3", "--ram-latency", "5"};
  alone.args = {"one", "two words", "--"};
  TempDir dir;
  const SimResult solo = run_sim(alone, dir.path() / "alone");
  EXPECT_EQ(solo.status, 7);
  EXPECT_EQ(exec_latency(res.requests), 100000 + json_number(solo.stats, "cycles"));
}

TEST(Exec, AsyncHostIoGivesTheSameRunAsSync) {
  SimRun r;
  r.files = {{"exec_child.s32x", kChild}};
  r.args = {"exec_child.s32x", "x"};
  r.options = {"--enable", "exec", "--epoch", "1000"};
  const SimResult sync = run(r);
  r.options.insert(r.options.end(), {"--host-io", "async"});
  const SimResult async = run(r);
  EXPECT_EQ(async.status, sync.status);
  EXPECT_EQ(async.out, sync.out);
  EXPECT_EQ(async.requests, sync.requests);
  EXPECT_EQ(json_number(async.stats, "cycles"), json_number(sync.stats, "cycles"));
  EXPECT_EQ(json_number(async.stats, "instructions"), json_number(sync.stats, "instructions"));
}

TEST(Exec, ArgvZeroIsThePathAsGivenAndAtMostElevenArgumentsPass) {
  SimRun r;
  r.options = {"--enable", "exec"};
  r.files = {{"bin/exec_child.s32x", kChild}};
  r.args = {"./bin/../bin/exec_child.s32x"};
  std::vector<std::string> seen{"./bin/../bin/exec_child.s32x"};
  for (int i = 1; i <= 13; ++i) {
    r.args.push_back("a" + std::to_string(i));
    if (i <= 11) seen.push_back("a" + std::to_string(i));
  }
  const SimResult res = run(r);
  EXPECT_EQ(res.out, "parent start\n" + child_lines(seen) + "parent status 7\n") << res.err;
}

TEST(Exec, TheChildInheritsThePolicyAndCanExecInTurn) {
  SimRun r;
  r.options = {"--enable", "exec"};
  r.files = {{"exec_child.s32x", kChild},
             {"exec_parent.s32x", read_file(fs::path(S32_SW_BINARY_DIR) / "tests/exec_parent.s32x")}};
  r.args = {"exec_parent.s32x", "exec_child.s32x", "deep"};
  const SimResult res = run(r);
  // The inner parent's status line ends with its exit status, 0.
  EXPECT_EQ(res.out, "parent start\nparent start\n" + child_lines({"exec_child.s32x", "deep"}) +
                         "parent status 7\nparent status 0\n")
      << res.err;
}

// The child process runs where the parent's guest is, and a guest starts in
// its process's directory: the child lists the parent's directory.
TEST(Exec, TheChildStartsInTheParentGuestsDirectory) {
  SimRun r;
  r.options = {"--enable", "exec"};
  r.files = {{"sub/marker.txt", "x"}, {"listdir.s32x", read_file(fs::path(S32_SW_BINARY_DIR) / "examples/listdir.s32x")}};
  r.args = {"../listdir.s32x", "."};
  const SimResult res = run(r, "sub");
  EXPECT_EQ(res.status, 0) << res.err;
  EXPECT_EQ(res.out, "parent start\nmarker.txt\nparent status 0\n") << res.err;
}

TEST(Exec, AGuestFdBecomesTheChildsStdio) {
  SimRun r;
  r.options = {"--enable", "exec"};
  r.files = {{"exec_child.s32x", kChild}};
  r.args = {"-o", "out.txt", "exec_child.s32x", "x"};
  const SimResult res = run(r);
  EXPECT_EQ(res.out, "parent start\nparent status 7\n") << res.err;
  EXPECT_EQ(res.files.at("out.txt"), child_lines({"exec_child.s32x", "x"}));
}

TEST(Exec, RefusedUnlessEnabledWithEaccesAndCounted) {
  for (const auto& options : {std::vector<std::string>{}, std::vector<std::string>{"--enable", "exec", "--deny", "exec"}}) {
    SimRun r;
    r.options = options;
    r.files = {{"exec_child.s32x", kChild}};
    r.args = {"exec_child.s32x"};
    const SimResult res = run(r);
    EXPECT_EQ(res.out, "parent start\nparent errno 13\n") << res.err;
    EXPECT_EQ(json_raw(res.stats, "policy_refused"), "{\"total\": 1, \"by_service\": {\"exec\": 1}}");
  }
}

struct BadRequest {
  const char* name;
  std::vector<std::string> args;
  std::string answer;
};
void PrintTo(const BadRequest& b, std::ostream* os) { *os << b.name; }

class ExecAnswers : public testing::TestWithParam<BadRequest> {};

TEST_P(ExecAnswers, AsTheConditionTableSays) {
  SimRun r;
  r.options = {"--enable", "exec"};
  r.files = {{"exec_child.s32x", kChild}, {"exec_child.txt", kChild}, {"dir.s32x/f", ""},
             {"text.s32x", "not an executable\n"}};
  r.args = GetParam().args;
  const SimResult res = run(r);
  EXPECT_EQ(res.status, 0) << res.err;
  EXPECT_EQ(res.out, "parent start\n" + GetParam().answer + "\n") << res.err;
}

INSTANTIATE_TEST_SUITE_P(
    Exec, ExecAnswers,
    testing::Values(BadRequest{"NoPathIsAnEmptyRequest", {}, "parent errno 22"},
                    BadRequest{"NotS32x", {"exec_child.txt"}, "parent errno 22"},
                    BadRequest{"UpperCaseS32xIsFine", {"EXEC_CHILD.S32X"}, "parent errno 2"},
                    BadRequest{"Missing", {"nope.s32x"}, "parent errno 2"},
                    BadRequest{"ADirectory", {"dir.s32x"}, "parent errno 2"},
                    BadRequest{"OutsideTheSandbox", {"../../exec_child.s32x"}, "parent errno 13"},
                    BadRequest{"RequestOf4096BytesOrMore", {"exec_child.s32x", std::string(4100, 'a')},
                               "parent errno 22"},
                    BadRequest{"NotAnImageIsTheChildsLoadError", {"text.s32x"}, "parent status 126"}),
    [](const testing::TestParamInfo<BadRequest>& info) { return std::string(info.param.name); });

// ---- a child that runs until something stops it ------------------------------

struct Running {
  pid_t pid = -1;
  fs::path dir;
};

// exec_parent in `dir` running the never-ending chatter as its child.
Running start_parent(const fs::path& dir, std::vector<std::string> options) {
  fs::create_directories(dir / "sandbox");
  fs::copy_file(fs::path(S32_SW_BINARY_DIR) / "tests/chatter.s32x", dir / "sandbox/chatter.s32x");
  std::vector<std::string> args{S32SIM_PATH, "-q", "--root", "sandbox", "--enable", "exec"};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {(fs::path(S32_SW_BINARY_DIR) / "tests/exec_parent.s32x").string(), "chatter.s32x"});
  const pid_t pid = start_sim(dir, std::move(args)).pid;
  return {pid, dir};
}

// Waits (at most 30 s) until the child has printed, and returns its pid.
pid_t running_child(const Running& p) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (read_file(p.dir / "stdout").find("tick 0\n") != std::string::npos) {
      for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(p.pid) + "/task")) {
        std::istringstream children(read_file(task.path() / "children"));
        pid_t child = 0;
        if (children >> child) return child;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "the child never ran:\n" << read_file(p.dir / "stderr");
  return -1;
}

int wait_for(const Running& p) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    int wstatus = 0;
    if (waitpid(p.pid, &wstatus, WNOHANG) == p.pid)
      return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(p.pid, SIGKILL);
      waitpid(p.pid, &wstatus, 0);
      ADD_FAILURE() << "s32sim did not end within 30 s";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Nothing was left behind: no orphaned child came to us, the subreaper.
void expect_no_orphan() {
  int wstatus = 0;
  EXPECT_EQ(waitpid(-1, &wstatus, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(Exec, AChildKilledByASignalAnswers255) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  TempDir dir;
  const Running p = start_parent(dir.path(), {});
  const pid_t child = running_child(p);
  ASSERT_GT(child, 0);
  kill(child, SIGKILL);
  EXPECT_EQ(wait_for(p), 0) << read_file(p.dir / "stderr");
  const std::string out = read_file(p.dir / "stdout");
  EXPECT_EQ(out.rfind("parent start\ntick 0\n", 0), 0u) << out;
  // The kill may land between a line's requests: "tick 9parent status 255".
  const std::string last = "parent status 255\n";
  ASSERT_GE(out.size(), last.size());
  EXPECT_EQ(out.substr(out.size() - last.size()), last) << out;
  expect_no_orphan();
}

class ExecInterrupted : public testing::TestWithParam<const char*> {};

TEST_P(ExecInterrupted, SigintToTheParentStopsTheChildAndBothEndCleanly) {
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  TempDir dir;
  const Running p = start_parent(dir.path(), {"--host-io", GetParam(), "--stats-json", "stats.json"});
  ASSERT_GT(running_child(p), 0);
  kill(p.pid, SIGINT);
  EXPECT_EQ(wait_for(p), 130) << read_file(p.dir / "stderr");
  const std::string json = read_file(p.dir / "stats.json");
  EXPECT_EQ(json_string(json, "stop_reason"), "interrupted");
  // The child stopped cleanly on the forwarded signal (its own clean stop
  // says so once; a second signal would have made it quit at once).
  const std::string err = read_file(p.dir / "stderr");
  EXPECT_EQ(err.find("interrupted again"), std::string::npos) << err;
  expect_no_orphan();
}

INSTANTIATE_TEST_SUITE_P(Exec, ExecModes, testing::Values("sync", "async"));
INSTANTIATE_TEST_SUITE_P(Exec, ExecInterrupted, testing::Values("sync", "async"));

}  // namespace
}  // namespace s32::itest
