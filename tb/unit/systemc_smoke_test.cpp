// The build finds SystemC through pkg-config and one elaboration runs.
#include <gtest/gtest.h>

#include <systemc>

namespace {

SC_MODULE(Ticker) {
  int ticks = 0;
  SC_CTOR(Ticker) { SC_THREAD(run); }
  void run() {
    for (int i = 0; i < 3; ++i) {
      wait(10, sc_core::SC_NS);
      ++ticks;
    }
  }
};

TEST(SystemC, ElaboratesAndAdvancesTime) {
  Ticker t("ticker");
  sc_core::sc_start();
  EXPECT_EQ(t.ticks, 3);
  EXPECT_EQ(sc_core::sc_time_stamp(), sc_core::sc_time(30, sc_core::SC_NS));
}

}  // namespace
