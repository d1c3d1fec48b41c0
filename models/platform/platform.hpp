// Builds the virtual platform from a Config (CPU, bus, RAM, ring device,
// host backend), runs it to the end and gathers the statistics. One
// Platform per process: SystemC allows a single elaboration.
#pragma once

#include <memory>

#include "isa/image.hpp"
#include "platform/config.hpp"
#include "platform/stats.hpp"

namespace s32::platform {

// Process exit statuses besides the guest's own (documented in README).
enum ExitStatus : int {
  kExitUsage = 2,
  kExitInternal = 70,
  kExitOutputError = 74,  // a statistics, request-log or waveform file could not be written
  kExitStalled = 123,  // the CPU waits and no event is left (a YIELD without timeout)
  kExitCycleLimit = 124,
  kExitProtocolViolation = 125,
  kExitLoadError = 126,
  kExitIllegalInstruction = 132,
  kExitAssertFailed = 134,
  kExitMemoryFault = 139,
};

class Platform {
 public:
  // Loads the program named in `config` (throws isa::LoadError) and
  // elaborates the platform.
  explicit Platform(Config config);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // Simulates to the end. Output is flushed and statistics written whatever
  // ends the run.
  const Stats& run();
  // Ends the run at the next safe point as if it had stopped there: stop
  // reason "interrupted", exit status 128 + `signal`, every output written.
  // Safe from any thread, before or during run().
  void request_stop(int signal);

  const isa::Image& image() const;
  const Config& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace s32::platform
