#include "host/host_thread.hpp"

#include <pthread.h>
#include <signal.h>

#include <cerrno>

namespace s32::host {

namespace {

// The signal that takes the host thread out of a blocking call. Its handler
// does nothing and is installed without SA_RESTART, so the call returns
// EINTR.
constexpr int kWakeSignal = SIGURG;

void ignore_wake(int) {}

void install_wake_handler() {
  struct sigaction sa {};
  sa.sa_handler = ignore_wake;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(kWakeSignal, &sa, nullptr);
}

thread_local const std::atomic<bool>* t_give_up = nullptr;

}  // namespace

bool retry_interrupted_call() { return errno == EINTR && !(t_give_up && t_give_up->load()); }

HostThread::HostThread() {
  install_wake_handler();
  thread_ = std::thread([this] { loop(); });
}

HostThread::~HostThread() {
  std::unique_lock<std::mutex> lock(mutex_);
  stop_ = true;
  cv_.notify_all();
  // A job that finishes soon (a slow write) is let finish, so no output is
  // lost; one blocked for good is signalled until its call gives up (a
  // signal may land just before the call starts, hence the repeat).
  const auto idle = [this] { return !running_ && !pending_; };
  if (!cv_.wait_for(lock, std::chrono::milliseconds(500), idle)) {
    give_up_ = true;
    while (!idle()) {
      pthread_kill(thread_.native_handle(), kWakeSignal);
      cv_.wait_for(lock, std::chrono::milliseconds(10), idle);
    }
  }
  lock.unlock();
  thread_.join();
}

void HostThread::start(std::function<void()> job) {
  std::lock_guard<std::mutex> lock(mutex_);
  job_ = std::move(job);
  pending_ = true;
  cv_.notify_all();
}

bool HostThread::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return (!pending_ && !running_) || stop_waiting_; });
  return !pending_ && !running_;
}

bool HostThread::wait_for(std::chrono::nanoseconds limit) {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait_for(lock, limit, [this] { return (!pending_ && !running_) || stop_waiting_; });
  return !pending_ && !running_;
}

bool HostThread::stopping() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stop_waiting_;
}

void HostThread::stop_waiting() {
  std::lock_guard<std::mutex> lock(mutex_);
  stop_waiting_ = true;
  cv_.notify_all();
}

void HostThread::loop() {
  t_give_up = &give_up_;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return pending_ || stop_; });
    if (!pending_) return;
    pending_ = false;
    running_ = true;
    std::function<void()> job = std::move(job_);
    lock.unlock();
    job();
    lock.lock();
    running_ = false;
    cv_.notify_all();
  }
}

}  // namespace s32::host
