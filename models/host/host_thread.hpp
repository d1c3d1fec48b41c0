// The host thread of asynchronous host I/O: it runs one job at a time (the
// real work of a request that may block) while the simulation goes on, and
// the simulation waits for it in wall time only when it needs the result.
// A job still blocked when the run ends (a read from a pipe nobody closes)
// is cancelled at its blocking call, so the thread is always joined.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace s32::host {

class HostThread {
 public:
  HostThread();
  ~HostThread();
  HostThread(const HostThread&) = delete;
  HostThread& operator=(const HostThread&) = delete;

  // Hands over `job`; the previous one must have been waited for.
  void start(std::function<void()> job);
  // Blocks until the current job (if any) has finished.
  void wait();

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::function<void()> job_;
  bool pending_ = false, running_ = false, stop_ = false;
  std::thread thread_;
};

}  // namespace s32::host
