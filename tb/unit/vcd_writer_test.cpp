// The VCD writer: header, coalescing, synthesised clock, value format.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "trace/vcd_writer.hpp"

namespace {

using s32::trace::vcd_tick_ps;
using s32::trace::vcd_unit_ps;
using s32::trace::VcdWriter;

class VcdWriterTest : public testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/s32sim-vcd-XXXXXX";
    const int fd = mkstemp(name);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = name;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string contents() const {
    std::ifstream in(path_);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // The part after $enddefinitions.
  std::string body() const {
    const std::string c = contents();
    const auto at = c.find("$enddefinitions $end\n");
    return at == std::string::npos ? std::string() : c.substr(at + 21);
  }
  std::string path_;
};

TEST_F(VcdWriterTest, HeaderListsEveryValueInItsScope) {
  VcdWriter w(path_);
  w.add_clock("", "clk", 10000);
  const auto pc = w.declare("cpu", "pc", 32);
  w.declare("ring", "doorbell", 1);
  w.change(pc, 0, 0);
  ASSERT_TRUE(w.close(0));
  const std::string c = contents();
  EXPECT_NE(c.find("$timescale 1 ps $end"), std::string::npos);
  EXPECT_NE(c.find("$scope module s32sim $end\n$var wire 1 ! clk $end"), std::string::npos);
  EXPECT_NE(c.find("$scope module cpu $end\n$var wire 32 \" pc [31:0] $end\n$upscope $end"), std::string::npos);
  EXPECT_NE(c.find("$scope module ring $end\n$var wire 1 # doorbell $end\n$upscope $end"), std::string::npos);
}

TEST_F(VcdWriterTest, ChangesAtOneTimeAreCoalescedAndVectorsHaveNoLeadingZeros) {
  VcdWriter w(path_);
  const auto a = w.declare("m", "a", 8);
  const auto b = w.declare("m", "b", 1);
  w.change(a, 0, 0);
  w.change(b, 0, 0);
  w.change(a, 3, 100);
  w.change(a, 5, 100);  // the later value at the same time wins
  w.change(b, 1, 250);
  ASSERT_TRUE(w.close(250));
  EXPECT_EQ(body(), "#0\nb0 !\n0\"\n#100\nb101 !\n#250\n1\"\n");
}

TEST_F(VcdWriterTest, ClockEdgesAreSynthesisedBetweenChanges) {
  VcdWriter w(path_);
  w.add_clock("", "clk", 10);  // rising at 0, 10, 20; falling at 5, 15
  const auto v = w.declare("m", "v", 1);
  w.change(v, 0, 0);
  w.change(v, 1, 10);  // on a rising edge: one timestamp for both
  ASSERT_TRUE(w.close(20));
  EXPECT_EQ(body(), "#0\n1!\n0\"\n#5\n0!\n#10\n1!\n1\"\n#15\n0!\n#20\n1!\n");
}

// Binary digits from the highest set bit within the width, for every bit
// count (whole bytes and not), and timestamps of every length: the writer
// formats both by hand, a byte and two digits at a time.
TEST_F(VcdWriterTest, ValuesOfEveryLengthAndTimestampsOfEveryLengthAreExact) {
  VcdWriter w(path_);
  const auto v64 = w.declare("m", "v64", 64);
  const auto v12 = w.declare("m", "v12", 12);
  std::string expected;
  std::uint64_t t = 0;
  for (unsigned top = 0; top < 64; ++top) {
    const std::uint64_t value = (std::uint64_t{1} << top) | (top % 3 ? 1 : 0);
    std::string bits;
    for (int b = static_cast<int>(top); b >= 0; --b) bits += ((value >> b) & 1) ? '1' : '0';
    // Timestamps from 1 digit up to 20.
    t = top < 19 ? t * 10 + 9 - top % 10 : UINT64_MAX - 64 + top;
    w.change(v64, value, t);
    w.change(v12, value, t);
    std::string bits12 = bits.size() > 12 ? bits.substr(bits.size() - 12) : bits;
    bits12.erase(0, std::min(bits12.find('1'), bits12.size() - 1));
    expected += "#" + std::to_string(t) + "\nb" + bits + " !\nb" + bits12 + " \"\n";
  }
  ASSERT_TRUE(w.close(t - 1));
  EXPECT_EQ(body(), expected);
}

TEST_F(VcdWriterTest, DeclaringAfterTimeAdvancedIsRefused) {
  VcdWriter w(path_);
  const auto v = w.declare("m", "v", 1);
  w.change(v, 1, 10);
  EXPECT_THROW(w.declare("m", "late", 1), std::logic_error);
}

TEST(VcdTimescale, CoarsestUnitHoldingEveryClockEdge) {
  EXPECT_EQ(vcd_tick_ps(10000), 1000u);     // 100 MHz: edges every 5 ns
  EXPECT_EQ(vcd_tick_ps(20000), 10000u);    // 50 MHz: every 10 ns
  EXPECT_EQ(vcd_tick_ps(1000000), 100000u);  // 1 MHz: every 500 ns
  EXPECT_EQ(vcd_tick_ps(30304), 1u);        // 33 MHz: every 15152 ps
  EXPECT_EQ(vcd_unit_ps(1), 1u);
  EXPECT_EQ(vcd_unit_ps(100), 1u);
  EXPECT_EQ(vcd_unit_ps(1000), 1000u);
  EXPECT_EQ(vcd_unit_ps(100000), 1000u);
  EXPECT_EQ(vcd_unit_ps(1000000), 1000000u);
}

TEST_F(VcdWriterTest, TimesAreWrittenInTheTimescale) {
  {
    VcdWriter w(path_, 1000);
    w.add_clock("", "clk", 10000);
    const auto v = w.declare("m", "v", 8);
    w.change(v, 1, 0);
    w.change(v, 2, 20000);
    w.change(v, 3, 32999);  // between ticks: counts at the earlier one
    ASSERT_TRUE(w.close(40000));
  }
  const std::string c = contents();
  EXPECT_NE(c.find("$timescale 1 ns $end"), std::string::npos);
  EXPECT_EQ(body(), "#0\n1!\nb1 \"\n#5\n0!\n#10\n1!\n#15\n0!\n#20\n1!\nb10 \"\n#25\n0!\n#30\n1!\n#32\nb11 \"\n"
                    "#35\n0!\n#40\n1!\n");
  VcdWriter w(path_, 10000);
  ASSERT_TRUE(w.close(0));
  EXPECT_NE(contents().find("$timescale 10 ns $end"), std::string::npos);
}

// Timestamps one step apart are written by adding the step to the last
// one's digits: carries across the eighth and sixteenth digit, and into a
// new digit, must come out as the numbers.
TEST_F(VcdWriterTest, ConstantStepsCarryAcrossEveryDigit) {
  for (const std::uint64_t from : {std::uint64_t{0}, std::uint64_t{99999990}, std::uint64_t{1999999990},
                                   std::uint64_t{9999999999999990}, std::uint64_t{99999999999999990},
                                   std::uint64_t{18446744073709551500u}}) {
    std::string expected;
    {
      VcdWriter w(path_);
      w.add_clock("", "clk", 10);
      w.begin_at(from);
      for (std::uint64_t t = from; t <= from + 30; t += 5)
        expected += "#" + std::to_string(t) + "\n" + ((t / 5) % 2 == 0 ? "1" : "0") + "!\n";
      ASSERT_TRUE(w.close(from + 30));
    }
    EXPECT_EQ(body(), expected) << "from " << from;
  }
}

TEST_F(VcdWriterTest, ValueBackToWhatTheFileShowsIsNotRewritten) {
  VcdWriter w(path_);
  const auto a = w.declare("m", "a", 8);
  const auto b = w.declare("m", "b", 1);
  w.change(a, 1, 0);
  w.change(b, 0, 0);
  w.change(a, 2, 10);
  w.change(a, 1, 10);  // the file still shows 1: no change, no timestamp
  w.change(b, 1, 20);
  ASSERT_TRUE(w.close(20));
  EXPECT_EQ(body(), "#0\nb1 !\n0\"\n#20\n1\"\n");
}

// Enough output for many buffers, so the writer thread writes most of it.
TEST_F(VcdWriterTest, LongTraceThroughTheWriterThreadIsExact) {
  std::string expected;
  {
    VcdWriter w(path_);
    const auto v = w.declare("m", "v", 32);
    for (std::uint64_t t = 0; t < 200000; ++t) {
      const std::uint64_t value = t * 2654435761u % 4294967296u;
      w.change(v, value, t * 7);
      std::string bits;
      for (std::uint64_t x = value; x; x >>= 1) bits.insert(bits.begin(), static_cast<char>('0' + (x & 1)));
      expected += "#" + std::to_string(t * 7) + "\nb" + (bits.empty() ? "0" : bits) + " !\n";
    }
    ASSERT_TRUE(w.close(200000 * 7));
  }
  ASSERT_GT(expected.size(), std::size_t{4} << 20);
  EXPECT_TRUE(body() == expected) << "the " << body().size() << " bytes written differ from the "
                                  << expected.size() << " expected";
}

// A write that fails on the thread (a full disk) is reported at close,
// and the simulation side never blocks on the dead file.
TEST(VcdWriterErrors, WriteFailureOnTheThreadIsReportedAtClose) {
  VcdWriter w("/dev/full");
  const auto v = w.declare("m", "v", 64);
  for (std::uint64_t t = 0; t < 300000; ++t) w.change(v, ~t, t);
  EXPECT_FALSE(w.close(300000));
}

TEST_F(VcdWriterTest, UncreatableFileIsAnError) {
  EXPECT_THROW(VcdWriter("/nonexistent-dir/x.vcd"), std::runtime_error);
}

}  // namespace
