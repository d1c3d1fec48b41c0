// Entry point for test binaries that link SystemC: libsystemc owns main()
// and calls sc_main, which runs the tests. SystemC warnings and errors
// become test failures, so a model that reports a problem cannot pass.
#include <gtest/gtest.h>

#include <cstdlib>

#include <systemc>

namespace {

void fail_on_report(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (report.get_severity() >= sc_core::SC_WARNING) {
    ADD_FAILURE() << "SystemC " << (report.get_severity() == sc_core::SC_WARNING ? "warning" : "error") << " "
                  << report.get_msg_type() << ": " << report.get_msg();
  }
  sc_core::sc_report_handler::default_handler(report, actions & ~(sc_core::SC_ABORT | sc_core::SC_STOP));
  if (report.get_severity() >= sc_core::SC_ERROR) throw report;
}

}  // namespace

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  sc_core::sc_report_handler::set_handler(fail_on_report);
  return RUN_ALL_TESTS();
}

// Our own main, so the environment is set before SystemC initialises and
// prints its banner (which would land in the middle of the guest's output).
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
