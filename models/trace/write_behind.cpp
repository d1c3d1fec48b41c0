#include "trace/write_behind.hpp"

#include <pthread.h>

#include <csignal>

namespace s32::trace {

namespace {

// One filling, one being written, one queued.
constexpr std::size_t kBuffers = 3;

}  // namespace

WriteBehind::WriteBehind(std::FILE* file, std::size_t capacity) : file_(file), buffers_(kBuffers) {
  for (Buffer& b : buffers_) b.resize(capacity);
  for (std::size_t i = 1; i < kBuffers; ++i) free_.push_back(&buffers_[i]);
  filling_ = &buffers_[0];
}

WriteBehind::~WriteBehind() { close(0); }

char* WriteBehind::submit(std::size_t n) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!thread_.joinable()) {
    // The thread takes no signals: they are the simulation's to handle
    // (s32sim stops at a safe point and closes its files).
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    thread_ = std::thread([this] { write_loop(); });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  full_.emplace_back(filling_, n);
  wake_.notify_all();
  wake_.wait(lock, [this] { return !free_.empty(); });
  filling_ = free_.back();
  free_.pop_back();
  return filling_->data();
}

void WriteBehind::write_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return !full_.empty() || stop_; });
    if (full_.empty()) return;
    const auto [buffer, n] = full_.front();
    full_.pop_front();
    lock.unlock();
    write(*buffer, n);
    lock.lock();
    free_.push_back(buffer);
    wake_.notify_all();
  }
}

void WriteBehind::write(const Buffer& b, std::size_t n) {
  // After a failure the rest is dropped: the file is incomplete anyway,
  // and close() reports it.
  if (ok_ && n && std::fwrite(b.data(), 1, n, file_) != n) ok_ = false;
}

bool WriteBehind::close(std::size_t n) {
  if (!file_) return ok_;
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  write(*filling_, n);
  if (std::fclose(file_) != 0) ok_ = false;
  file_ = nullptr;
  return ok_;
}

}  // namespace s32::trace
