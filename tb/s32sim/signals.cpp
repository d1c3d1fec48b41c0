#include "signals.hpp"

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "host/exit_hooks.hpp"

namespace s32::sim {

namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

void say(const char* text) {
  // stderr may be a pipe nobody reads any more; nothing to do about that.
  if (write(STDERR_FILENO, text, std::strlen(text)) < 0) return;
}

}  // namespace

SignalWatcher::SignalWatcher() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  // Wakes the watcher's sigwait; it sees closing_ and leaves.
  pthread_kill(thread_.native_handle(), SIGHUP);
  thread_.join();
}

void SignalWatcher::on_stop(std::function<void(int)> stop) {
  std::lock_guard lock(mutex_);
  stop_ = std::move(stop);
  if (stop_ && first_) stop_(first_);
}

void SignalWatcher::watch() {
  const sigset_t set = stop_signals();
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    std::lock_guard lock(mutex_);
    if (closing_) return;
    if (first_) {
      say("s32sim: interrupted again: quitting without statistics\n");
      host::run_exit_hooks();
      _exit(128 + signal);
    }
    first_ = signal;
    say("s32sim: stopping at the next safe point (interrupt again to quit at once)\n");
    if (stop_) stop_(signal);
  }
}

}  // namespace s32::sim
