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

TEST_F(VcdWriterTest, UncreatableFileIsAnError) {
  EXPECT_THROW(VcdWriter("/nonexistent-dir/x.vcd"), std::runtime_error);
}

}  // namespace
