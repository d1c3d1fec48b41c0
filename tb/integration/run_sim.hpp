// Shared by the integration tests: run the real s32sim binary the way a user
// does (a child process in a scratch directory, stdin from a file, a fresh
// sandbox) and read back what it left: output, statistics, request log.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace s32::itest {

namespace fs = std::filesystem;

using Files = std::map<std::string, std::string>;  // sandbox-relative path -> contents
using Env = std::vector<std::pair<std::string, std::string>>;

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const fs::path& path, const std::string& data) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

inline Files snapshot(const fs::path& root) {
  Files files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[fs::relative(e.path(), root).string()] = read_file(e.path());
  return files;
}

// Long outputs are compared by size and first difference: a full diff of
// megabytes helps nobody.
inline void expect_same_text(const std::string& actual, const std::string& expected, const std::string& what) {
  if (actual.size() + expected.size() < 4096) {
    EXPECT_EQ(actual, expected) << what;
    return;
  }
  EXPECT_EQ(actual.size(), expected.size()) << what << " size";
  const auto diff = std::mismatch(actual.begin(), actual.end(), expected.begin(), expected.end());
  if (diff.first != actual.end() || diff.second != expected.end()) {
    const auto at = static_cast<std::size_t>(diff.first - actual.begin());
    ADD_FAILURE() << what << " differs from byte " << at << ": got \"" << actual.substr(at, 40) << "\", expected \""
                  << expected.substr(at, 40) << "\"";
  }
}

// A fresh directory for one test's runs.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = testing::TempDir() + "s32int.XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    path_ = tmpl;
  }
  ~TempDir() {
    // Kept when something failed, for a look at what the guest left.
    if (testing::Test::HasFailure()) {
      std::cerr << "run directory kept: " << path_ << "\n";
    } else {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A named set of s32sim options, a parameter of the one-answer tests.
struct Setting {
  std::string name;
  std::vector<std::string> options;
};

// Failure messages name the parameter instead of dumping its bytes.
inline void PrintTo(const Setting& s, std::ostream* os) { *os << s.name; }

// Every trigger, one interrupt configuration and a short YIELD timeout: the
// configurations under which modes and engines must give one answer.
inline std::vector<Setting> trigger_settings() {
  return {
      {"yield", {"--trigger", "yield"}},
      {"doorbell", {"--trigger", "doorbell"}},
      {"hybrid", {"--trigger", "hybrid"}},
      {"poll50", {"--trigger", "poll:50"}},
      {"irq", {"--trigger", "hybrid", "--irq", "on", "--irq-coalesce", "2,300"}},
      // Shorter than any request: every stall ends by the timeout instead.
      {"yield_timeout", {"--trigger", "yield", "--yield-timeout", "100"}},
  };
}

// One s32sim run.
struct SimRun {
  std::string program;               // under sw/ in the build tree, without ".s32x"; or an absolute path
  std::vector<std::string> options;  // s32sim's, besides -q, --root and the output files
  std::vector<std::string> args;     // the guest's
  Env host_env;                      // s32sim's own environment, on top of ours
  std::string stdin_data;
  Files files;  // the sandbox's initial contents
};

struct SimResult {
  int status = -1;
  std::string out, err;
  std::string stats;     // --stats-json
  std::string requests;  // --requests-csv
  Files files;           // the sandbox afterwards
};

// ---- s32sim as a child process ---------------------------------------------------

// A started s32sim, ended by wait_sim.
struct Child {
  pid_t pid = -1;
};

// How start_sim wires the child; files are named relative to its `dir`.
struct ChildIo {
  int stdin_fd = -1;          // else `stdin_file`, else /dev/null
  std::string stdin_file;
  std::string out = "stdout";
  std::string err = "stderr";
  std::string start_dir;       // where it runs, once the files are open (default: dir)
  const std::vector<std::string>* env = nullptr;  // default: this process's
};

// Starts `args` (s32sim first) in `dir`.
inline Child start_sim(const fs::path& dir, std::vector<std::string> args, const ChildIo& io = {}) {
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = io.env ? *io.env : std::vector<std::string>{};
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    if (chdir(dir.c_str()) != 0) _exit(120);
    const int in = io.stdin_fd >= 0            ? io.stdin_fd
                   : !io.stdin_file.empty() ? open(io.stdin_file.c_str(), O_RDONLY)
                                            : open("/dev/null", O_RDONLY);
    const int out = open(io.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(io.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(121);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(122);
    if (!io.start_dir.empty() && chdir(io.start_dir.c_str()) != 0) _exit(124);
    if (io.env) execve(argv[0], argv.data(), envp.data());
    else execv(argv[0], argv.data());
    _exit(123);
  }
  return {pid};
}

inline int exit_status(int wstatus) { return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus); }

// Waits at most `limit` for the child; kills it when it overstays (a
// failure, and -1).
inline int wait_sim(const Child& c, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int wstatus = 0;
    const pid_t r = waitpid(c.pid, &wstatus, WNOHANG);
    if (r == c.pid) return exit_status(wstatus);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(c.pid, SIGKILL);
      waitpid(c.pid, &wstatus, 0);
      ADD_FAILURE() << "s32sim did not end within " << limit.count() << " ms";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Runs s32sim in `dir` (created), which holds the program copy, stdin, the
// captured output, stats.json and requests.csv, with the sandbox inside.
// The program is copied there so argv[0] is the bare file name whatever the
// build directory; relative paths among the options are relative to `dir`.
// `cwd_in_sandbox`: where s32sim runs, relative to the sandbox (empty: in
// `dir`, outside the sandbox); the guest then starts there.
inline SimResult run_sim(const SimRun& run, const fs::path& dir, const std::string& cwd_in_sandbox = "") {
  const fs::path sandbox = dir / "sandbox";
  fs::create_directories(sandbox);
  for (const auto& [name, data] : run.files) write_file(sandbox / name, data);
  const fs::path source = fs::path(run.program).is_absolute() ? fs::path(run.program)
                                                              : fs::path(S32_SW_BINARY_DIR) / (run.program + ".s32x");
  const std::string program = source.filename().string();
  fs::copy_file(source, dir / program);
  write_file(dir / "stdin", run.stdin_data);

  // From inside the sandbox the run directory's files are named absolutely.
  const auto at = [&](const std::string& name) {
    return cwd_in_sandbox.empty() ? name : (dir / name).string();
  };
  std::vector<std::string> args{S32SIM_PATH,    "-q",           "--root",         at("sandbox"),
                                "--stats-json", at("stats.json"), "--requests-csv", at("requests.csv")};
  args.insert(args.end(), run.options.begin(), run.options.end());
  args.push_back(at(program));
  args.insert(args.end(), run.args.begin(), run.args.end());

  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const std::string key = kv.substr(0, kv.find('='));
    const bool overridden =
        std::any_of(run.host_env.begin(), run.host_env.end(), [&](const auto& p) { return p.first == key; });
    if (!overridden) env.push_back(kv);
  }
  for (const auto& [k, val] : run.host_env) env.push_back(k + "=" + val);

  ChildIo io;
  io.stdin_file = "stdin";
  io.env = &env;
  if (!cwd_in_sandbox.empty()) {
    io.start_dir = (sandbox / cwd_in_sandbox).string();
    fs::create_directories(io.start_dir);
  }
  const Child child = start_sim(dir, std::move(args), io);
  int wstatus = 0;
  while (waitpid(child.pid, &wstatus, 0) < 0)
    if (errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));

  SimResult r;
  r.status = exit_status(wstatus);
  r.out = read_file(dir / "stdout");
  r.err = read_file(dir / "stderr");
  r.stats = read_file(dir / "stats.json");
  r.requests = read_file(dir / "requests.csv");
  r.files = snapshot(sandbox);
  return r;
}

// ---- reading --stats-json ----------------------------------------------------
// The statistics are flat enough that searching for a key (from the start
// of the object holding it) is exact; a missing key fails the test.

// Where the value of "KEY": starts in `json`, searching from `from`.
inline std::size_t json_value_at(const std::string& json, const std::string& key, std::size_t from) {
  const std::string pattern = "\"" + key + "\": ";
  const auto at = json.find(pattern, from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no \"" << key << "\" in the statistics:\n" << json;
    return std::string::npos;
  }
  return at + pattern.size();
}

inline std::uint64_t json_number(const std::string& json, const std::string& key, std::size_t from = 0) {
  const auto at = json_value_at(json, key, from);
  return at == std::string::npos ? 0 : std::strtoull(json.c_str() + at, nullptr, 10);
}

inline std::string json_string(const std::string& json, const std::string& key) {
  const std::string pattern = "\"" + key + "\": \"";
  const auto at = json.find(pattern);
  if (at == std::string::npos) return "(missing)";
  const auto begin = at + pattern.size();
  return json.substr(begin, json.find('"', begin) - begin);
}

// The text of the value of "KEY": a whole object with its nested ones, or a
// scalar; for comparing two runs' statistics exactly.
inline std::string json_raw(const std::string& json, const std::string& key) {
  const auto begin = json_value_at(json, key, 0);
  if (begin == std::string::npos) return "(missing)";
  std::size_t end = begin;
  if (json[begin] == '{') {
    for (int depth = 0; end < json.size(); ++end) {
      if (json[end] == '{') ++depth;
      if (json[end] == '}' && --depth == 0) break;
    }
    ++end;
  } else {
    end = json.find_first_of(",\n}", begin);
  }
  return json.substr(begin, end - begin);
}

// FIELD of the object "OBJECT": e.g. ("latency_cycles", "median").
inline std::uint64_t json_field(const std::string& json, const std::string& object, const std::string& field) {
  const auto at = json.find("\"" + object + "\": {");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no object \"" << object << "\" in the statistics:\n" << json;
    return 0;
  }
  return json_number(json, field, at);
}

// ---- reading --requests-csv --------------------------------------------------

// One line of --requests-csv; a stage that did not happen is unset.
struct RequestRow {
  std::uint64_t seq = 0;
  std::string opcode, name;
  std::uint64_t submit = 0, doorbell = 0, start = 0, host_done = 0, posted = 0, consumed = 0;
  bool has_start = false, has_host_done = false, has_posted = false, has_consumed = false;
};

inline std::vector<RequestRow> parse_requests(const std::string& csv) {
  std::vector<RequestRow> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "seq,opcode,name,submit,doorbell,start,host_done,posted,consumed") << "requests CSV header";
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string s; std::getline(fields, s, ',');) f.push_back(s);
    if (!line.empty() && line.back() == ',') f.emplace_back();
    if (f.size() != 9) {
      ADD_FAILURE() << "bad requests CSV line: " << line;
      continue;
    }
    auto num = [](const std::string& s) { return std::strtoull(s.c_str(), nullptr, 10); };
    RequestRow r;
    r.seq = num(f[0]);
    r.opcode = f[1];
    r.name = f[2];
    r.submit = num(f[3]);
    r.doorbell = num(f[4]);
    r.has_start = !f[5].empty();
    r.start = num(f[5]);
    r.has_host_done = !f[6].empty();
    r.host_done = num(f[6]);
    r.has_posted = !f[7].empty();
    r.posted = num(f[7]);
    r.has_consumed = !f[8].empty();
    r.consumed = num(f[8]);
    rows.push_back(r);
  }
  return rows;
}

}  // namespace s32::itest
