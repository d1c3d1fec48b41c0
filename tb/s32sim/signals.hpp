// Clean stops on SIGINT, SIGTERM and SIGHUP. The signals are blocked in
// every thread and taken by one watcher thread with sigwait(), so no
// handler ever runs inside the SystemC kernel or the model. The first
// signal asks the run to stop at its next safe point (statistics, request
// log and waveform are still written); a second one runs the exit hooks
// and quits at once with 128 + its number.
#pragma once

#include <functional>
#include <mutex>
#include <thread>

namespace s32::sim {

class SignalWatcher {
 public:
  // Blocks the signals in the calling thread (threads it starts later
  // inherit the mask), so construct it first thing in main.
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // What the first signal does; a signal that came before this is handed
  // on at once. Empty: a first signal is only remembered.
  void on_stop(std::function<void(int)> stop);

 private:
  void watch();

  std::mutex mutex_;
  std::function<void(int)> stop_;
  int first_ = 0;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace s32::sim
