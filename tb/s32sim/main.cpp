// s32sim: run a SLOW-32 executable on the virtual platform.
//
//   s32sim [options] program.s32x [guest args...]
//
// Options come from the command line and, with --config FILE, from an INI
// file using the same names (command line wins). Everything after the
// program path belongs to the guest. SIGINT, SIGTERM and SIGHUP stop the
// run cleanly (signals.hpp).
#include <boost/program_options.hpp>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <systemc>

#include "host/exec_service.hpp"
#include "host/exit_hooks.hpp"
#include "options.hpp"
#include "platform/platform.hpp"
#include "signals.hpp"

namespace {

s32::sim::SignalWatcher* g_signals = nullptr;  // main's, outliving sc_main

// SystemC's reports go to stderr (stdout is the guest's); infos are dropped.
void report_to_stderr(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (report.get_severity() == sc_core::SC_INFO) return;
  std::cerr << "s32sim: SystemC " << (report.get_severity() == sc_core::SC_WARNING ? "warning" : "error") << " "
            << report.get_msg_type() << ": " << report.get_msg() << "\n";
  if (actions & sc_core::SC_THROW) throw report;
  if (actions & sc_core::SC_ABORT) std::abort();
}

}  // namespace

int sc_main(int argc, char** argv) {
  sc_core::sc_report_handler::set_handler(report_to_stderr);

  s32::platform::Config config;
  const s32::sim::ParseResult parsed = s32::sim::parse_command_line(argc, argv, config, std::cout);
  if (parsed.exit) return parsed.status;
  config.host.exec.emulator = s32::host::own_executable(argv[0]);

  try {
    s32::platform::Platform platform(config);
    // Unhooked before the platform goes, on every path out.
    struct StopOnSignal {
      explicit StopOnSignal(s32::platform::Platform& p) {
        g_signals->on_stop([&p](int signal) { p.request_stop(signal); });
      }
      ~StopOnSignal() { g_signals->on_stop(nullptr); }
    } stop_on_signal(platform);
    const s32::platform::Stats& stats = platform.run();
    if (!config.quiet) {
      s32::platform::print_summary(std::cerr, stats);
    } else if (!stats.message.empty()) {
      std::cerr << "s32sim: " << stats.message << "\n";
    }
    return stats.exit_code;
  } catch (const s32::isa::LoadError& e) {
    std::cerr << "s32sim: " << config.program << ": " << e.what() << "\n";
    return s32::platform::kExitLoadError;
  } catch (const sc_core::sc_report& e) {
    std::cerr << "s32sim: internal error: " << e.what() << "\n";
    return s32::platform::kExitInternal;
  } catch (const std::exception& e) {
    std::cerr << "s32sim: " << e.what() << "\n";
    return s32::platform::kExitUsage;
  }
}

// Our own main, so the environment is set before SystemC initialises and
// prints its banner (which would land in the middle of the guest's output).
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  s32::sim::SignalWatcher signals;
  g_signals = &signals;
  const int status = sc_core::sc_elab_and_sim(argc, argv);
  s32::host::run_exit_hooks();
  return status;
}
