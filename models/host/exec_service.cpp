#include "host/exec_service.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <filesystem>

#include "host/exit_hooks.hpp"
#include "host/host_thread.hpp"
#include "host/services.hpp"

namespace s32::host {

namespace {

constexpr std::uint32_t kMaxRequest = 4096;  // EXEC's length limit (services.md §3)
constexpr std::size_t kMaxArgs = 11;
constexpr std::uint32_t kInheritStdio = 0xFFFFFFFF;
constexpr std::uint32_t kCannotRun = 127;
constexpr std::uint32_t kSignalled = 255;

// A terminal's Ctrl-C reaches the child as well (one process group). Sent
// at once, the parent's copy would be the child's second signal, which
// makes it quit without its clean stop; so a child that has not ended this
// long after the parent was asked to stop gets the signal from the parent.
constexpr std::chrono::milliseconds kForwardAfter{200};

bool ends_with_s32x(const std::string& path) {
  static constexpr char kExt[] = ".s32x";
  constexpr std::size_t n = sizeof kExt - 1;
  if (path.size() < n) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(path[path.size() - n + i])) != kExt[i]) return false;
  return true;
}

// The child's cycle count from its --stats-json text; 0 if it wrote none
// (it was killed, or never ran).
std::uint64_t cycles_in_stats(int fd) {
  std::string text;
  char chunk[4096];
  off_t at = 0;
  for (ssize_t n; (n = ::pread(fd, chunk, sizeof chunk, at)) > 0; at += n) text.append(chunk, static_cast<std::size_t>(n));
  static constexpr char kKey[] = "\n  \"cycles\": ";
  const auto pos = text.find(kKey);
  return pos == std::string::npos ? 0 : std::strtoull(text.c_str() + pos + sizeof kKey - 1, nullptr, 10);
}

// In the forked child: only async-signal-safe calls until execv.
[[noreturn]] void become_child(char* const* argv, const char* cwd, const int stdio[3], int stats_fd, pid_t parent) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // A parent that dies without reaping (SIGKILL) takes the child along.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(kCannotRun);
  // Out of 0-2 first, so one source never overwrites another.
  int high[3];
  for (int i = 0; i < 3; ++i)
    if ((high[i] = fcntl(stdio[i], F_DUPFD, 10)) < 0) _exit(kCannotRun);
  for (int i = 0; i < 3; ++i)
    if (dup2(high[i], i) < 0) _exit(kCannotRun);
  // Ours: the child holds nothing of the parent's but its stdio and the
  // statistics file (the public emulator's inherits every descriptor).
  close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  const int flags = fcntl(stats_fd, F_GETFD);
  if (flags < 0 || fcntl(stats_fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) _exit(kCannotRun);
  if (chdir(cwd) != 0) _exit(kCannotRun);
  execv(argv[0], argv);
  _exit(kCannotRun);
}

}  // namespace

std::string own_executable(const char* argv0) {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) return exe.string();
  const std::string given = argv0 ? argv0 : "";
  if (given.find('/') == std::string::npos) return given;
  const std::filesystem::path abs = std::filesystem::absolute(given, ec);
  return ec ? given : abs.string();
}

ExecService::ExecService() {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  // A second Ctrl-C quits at once: the child goes too.
  exit_hook_ = add_exit_hook([this] {
    if (const pid_t pid = child_.load()) ::kill(pid, SIGKILL);
  });
}

ExecService::~ExecService() {
  remove_exit_hook(exit_hook_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void ExecService::interrupt(int signal) {
  std::lock_guard<std::mutex> lock(mutex_);
  int none = 0;
  stop_.compare_exchange_strong(none, signal);
  const std::uint64_t one = 1;
  if (wake_fd_ >= 0 && ::write(wake_fd_, &one, sizeof one) < 0) return;  // already signalled: full counter
}

int ExecService::run(const std::vector<std::string>& argv, const std::string& cwd, int in, int out, int err,
                     std::uint32_t& status, std::uint64_t& child_cycles) {
  if (wake_fd_ < 0) return EMFILE;
  const int stats_fd = ::memfd_create("s32sim-exec-stats", MFD_CLOEXEC);
  if (stats_fd < 0) return errno;
  std::vector<std::string> args = argv;
  // The child opens its own copy of the descriptor, which it inherits.
  args.insert(args.begin() + 1, {"--stats-json", "/proc/self/fd/" + std::to_string(stats_fd)});
  std::vector<char*> cargv;
  for (std::string& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  const int stdio[3] = {in, out, err};
  const pid_t parent = ::getpid();

  pid_t pid;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stop_.load()) {
      ::close(stats_fd);
      return EINTR;
    }
    pid = ::fork();
    if (pid == 0) become_child(cargv.data(), cwd.c_str(), stdio, stats_fd, parent);
    if (pid < 0) {
      const int e = errno;
      ::close(stats_fd);
      return e;
    }
    child_ = pid;
  }
  // glibc 2.36 declares pidfd_open without C linkage for C++.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  int wstatus = 0;
  const int e = pidfd < 0 ? errno : wait(pid, pidfd, wstatus);
  if (pidfd < 0) {
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
  } else {
    ::close(pidfd);
  }
  child_ = 0;
  child_cycles = cycles_in_stats(stats_fd);
  ::close(stats_fd);
  if (e) return e;
  status = WIFEXITED(wstatus) ? static_cast<std::uint32_t>(WEXITSTATUS(wstatus)) : kSignalled;
  return 0;
}

// Waits for the child to end and reaps it; the child is reaped on every path.
int ExecService::wait(pid_t pid, int pidfd, int& wstatus) {
  using Clock = std::chrono::steady_clock;
  bool forwarded = false;
  Clock::time_point forward_at{};
  int result = 0;
  for (;;) {
    pollfd fds[2] = {{pidfd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int timeout = -1;
    if (stop_.load() && !forwarded) {
      if (forward_at == Clock::time_point{}) forward_at = Clock::now() + kForwardAfter;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(forward_at - Clock::now()).count();
      timeout = static_cast<int>(std::max<long long>(0, left)) + 1;
    }
    const int n = ::poll(fds, 2, timeout);
    if (n < 0) {
      if (errno != EINTR) {
        result = errno;
        ::kill(pid, SIGKILL);
        break;
      }
      if (retry_interrupted_call()) continue;
      // The host thread is told to give up (the run ended): so does the child.
      result = EINTR;
      ::kill(pid, SIGKILL);
      break;
    }
    if (fds[0].revents) break;
    if (fds[1].revents) {
      std::uint64_t count;
      if (::read(wake_fd_, &count, sizeof count) < 0 && errno != EAGAIN) {
        result = errno;
        ::kill(pid, SIGKILL);
        break;
      }
    }
    if (stop_.load() && !forwarded && Clock::now() >= forward_at && forward_at != Clock::time_point{}) {
      ::kill(pid, stop_.load());
      forwarded = true;
    }
  }
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno == EINTR) continue;
    return result ? result : errno;
  }
  return result;
}

namespace exec {

// The answers of services.md §3's condition table, in its order.
Work run(HostState& s, Call& k) {
  const Work refused{ServiceClass::Control, 0};
  if (k.req.length == 0 || k.req.length >= kMaxRequest) {
    fail(k.c, EINVAL);
    return refused;
  }
  if (!need(k.buf, k.req.offset, k.req.length, k.c)) return refused;
  const char* p = reinterpret_cast<const char*>(k.buf.at(k.req.offset));
  const char* end = p + k.req.length;
  auto next_string = [&](const char*& at) {
    const char* nul = std::find(at, end, '\0');
    std::string str(at, nul);
    at = nul == end ? end : nul + 1;
    return str;
  };
  const char* at = p;
  const std::string path = next_string(at);
  if (path.empty() || !ends_with_s32x(path)) {
    fail(k.c, EINVAL);
    return refused;
  }
  std::vector<std::string> guest_args;
  while (at < end && guest_args.size() < kMaxArgs) {
    std::string a = next_string(at);
    if (a.empty()) break;
    guest_args.push_back(std::move(a));
  }

  Entry program;
  if (const int e = s.sandbox.resolve(path, true, program)) {
    fail(k.c, e);
    return refused;
  }
  // A link followed is resolved already: what is left there is the file.
  struct stat st {};
  if (::fstatat(program.dir.get(), program.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    fail(k.c, errno);
    return refused;
  }
  // Ours: always ENOENT (the public emulator's errno is whatever was left).
  if (!S_ISREG(st.st_mode)) {
    fail(k.c, ENOENT);
    return refused;
  }
  const ExecConfig& config = s.config.exec;
  if (config.emulator.empty()) {
    fail(k.c, ENOENT);
    return refused;
  }
  int stdio[3] = {s.console.in_fd(), s.console.out_fd(), s.console.err_fd()};
  if (k.req.status != kInheritStdio) {
    // The public emulator's child fails its dup2 and exits 127; the answer
    // is the same without starting it.
    Completion probe;
    FdTable::Slot* slot = s.fds.get(k.req.status, FdTable::Slot::Kind::File, probe);
    if (!slot) {
      ok(k.c, kCannotRun, 0);
      return refused;
    }
    stdio[0] = stdio[1] = stdio[2] = slot->fd;
  }

  std::vector<std::string> argv{config.emulator};
  argv.insert(argv.end(), config.options.begin(), config.options.end());
  // The child's clock goes on from the parent's: same epoch, plus the
  // simulated time of the EXEC's start.
  const std::int64_t epoch = s.epoch_ns + static_cast<std::int64_t>(k.now.sim_ps / 1000);
  argv.insert(argv.end(), {"-q", "--no-progress", "--root", s.sandbox.root(), "--epoch", epoch_text(epoch),
                           "--argv0", path});
  // The `--` after the program keeps a first guest argument "--" the guest's.
  argv.push_back(Sandbox::host_path(program));
  argv.emplace_back("--");
  argv.insert(argv.end(), guest_args.begin(), guest_args.end());

  // The guest's buffered output comes before the child's.
  s.console.flush();
  std::uint32_t status = 0;
  std::uint64_t child_cycles = 0;
  // The child process starts where the guest is, on the host.
  std::string where = s.sandbox.root();
  Entry cwd;
  if (s.sandbox.resolve(s.sandbox.cwd(), true, cwd) == 0) where = Sandbox::host_path(cwd);
  if (const int e = s.exec.run(argv, where, stdio[0], stdio[1], stdio[2], status, child_cycles)) {
    fail(k.c, e);
    return refused;
  }
  ok(k.c, status, 0);
  return {ServiceClass::Process, child_cycles};
}

}  // namespace exec

}  // namespace s32::host
