// The host thread of asynchronous host I/O: it runs one job at a time (the
// real work of a request that may block) while the simulation goes on, and
// the simulation waits for it in wall time only when it needs the result.
// A job still blocked when the run ends (a read from a pipe nobody closes)
// is interrupted: the thread is signalled out of its blocking call, which
// then gives up with EINTR instead of retrying (retry_interrupted_call), so
// the thread always finishes its job and is joined.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace s32::host {

// For the loops that retry a host call on EINTR: false once the host thread
// this runs on is told to give up (on the simulation's thread: never).
bool retry_interrupted_call();

class HostThread {
 public:
  HostThread();
  ~HostThread();
  HostThread(const HostThread&) = delete;
  HostThread& operator=(const HostThread&) = delete;

  // Hands over `job`; the previous one must have been waited for.
  void start(std::function<void()> job);
  // Blocks until the current job (if any) has finished; false, at once,
  // once the run is stopping (stop_waiting), the job maybe still running.
  bool wait();
  // As wait(), for at most `limit`: true when the job has finished.
  bool wait_for(std::chrono::nanoseconds limit);
  bool stopping();
  // From any thread: the run is being stopped from outside (a signal), so
  // a wait() for a job blocked on the host must not hold the simulation.
  void stop_waiting();

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::function<void()> job_;
  bool pending_ = false, running_ = false, stop_ = false, stop_waiting_ = false;
  std::atomic<bool> give_up_{false};
  std::thread thread_;
};

}  // namespace s32::host
