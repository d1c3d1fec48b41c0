// EXEC (0x10, the `exec` service; services.md §3): the guest runs another
// .s32x as a child s32sim process and waits for its exit status. The child
// gets the parent's settings as command-line options (timing, ring,
// sandbox root, policy, latency model, environment: ExecConfig::options,
// which the platform fills), so it runs on its own platform exactly as the
// parent would run it, and it starts in the guest's working directory.
//
// The parent is frozen while the child runs (in the model too: the request
// costs the `process` latency class, per cycle the child ran). A stop asked
// for meanwhile (a signal to the parent) reaches the child, which then
// stops cleanly in turn, and is always reaped.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace s32::host {

struct ExecConfig {
  // The s32sim binary the children run; empty: EXEC answers ENOENT.
  std::string emulator;
  // The parent's settings as s32sim options, without the program, its
  // arguments, the sandbox root, the epoch and the output files, which
  // each EXEC sets itself.
  std::vector<std::string> options;
};

// The s32sim binary this process runs: /proc/self/exe, else `argv0` made
// absolute (a bare name is kept, as the public emulator keeps it).
std::string own_executable(const char* argv0);

class ExecService {
 public:
  ExecService();
  ~ExecService();
  ExecService(const ExecService&) = delete;
  ExecService& operator=(const ExecService&) = delete;

  // A stop was asked for (from any thread): a running child receives
  // `signal` too, and no EXEC starts any more.
  void interrupt(int signal);
  int stop_signal() const { return stop_.load(); }

  // Starts `argv` (argv[0] is the emulator) in `cwd` with `in`, `out` and
  // `err` on its fds 0, 1 and 2, and waits for it. Returns 0 with the exit
  // status (255 after a signal death, 127 if the emulator cannot run) and
  // the cycles of the child's run, or an errno value.
  int run(const std::vector<std::string>& argv, const std::string& cwd, int in, int out, int err,
          std::uint32_t& status, std::uint64_t& child_cycles);

 private:
  int wait(pid_t pid, int pidfd, int& wstatus);

  std::mutex mutex_;                // orders starting a child against interrupt()
  std::atomic<pid_t> child_{0};     // the running child, for interrupt() and the exit hook
  std::atomic<int> stop_{0};        // the signal of a stop asked for, 0 if none
  int wake_fd_ = -1;                // an eventfd: interrupt() wakes the wait
  std::size_t exit_hook_ = 0;
};

}  // namespace s32::host
