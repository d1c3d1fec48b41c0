#include "host/host_thread.hpp"

#include <pthread.h>

#include <chrono>

namespace s32::host {

HostThread::HostThread() : thread_([this] { loop(); }) {}

HostThread::~HostThread() {
  std::unique_lock<std::mutex> lock(mutex_);
  stop_ = true;
  cv_.notify_all();
  // A job that finishes soon (a slow write) is let finish, so no output is
  // lost; one blocked for good is cancelled where it blocks.
  if (!cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return !running_ && !pending_; }))
    pthread_cancel(thread_.native_handle());
  lock.unlock();
  thread_.join();
}

void HostThread::start(std::function<void()> job) {
  std::lock_guard<std::mutex> lock(mutex_);
  job_ = std::move(job);
  pending_ = true;
  cv_.notify_all();
}

void HostThread::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return !pending_ && !running_; });
}

void HostThread::loop() {
  // Cancellation may only strike inside a job's blocking host call.
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, nullptr);
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return pending_ || stop_; });
    if (!pending_) return;
    pending_ = false;
    running_ = true;
    std::function<void()> job = std::move(job_);
    lock.unlock();
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, nullptr);
    job();
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, nullptr);
    lock.lock();
    running_ = false;
    cv_.notify_all();
  }
}

}  // namespace s32::host
