// The pieces of tracing without a platform: the symbolizer, and the window
// layer over the VCD writer (full state at the window's start, nothing
// outside it, only selected signals, the clock starting at the window).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "isa/image.hpp"
#include "isa/symbolizer.hpp"
#include "trace/trace_window.hpp"
#include "trace/vcd_writer.hpp"

namespace {

s32::isa::Image image_with_symbols() {
  s32::isa::Image img;
  img.symbols = {{"f", 0x10, 8, 1, 1, false}, {"g", 0x40, 0, 1, 1, false}};
  return img;
}

TEST(Symbolizer, FunctionPlusOffsetWithinTheSymbol) {
  const s32::isa::Image img = image_with_symbols();
  EXPECT_EQ(s32::isa::symbolize(img, 0x4), "");
  EXPECT_EQ(s32::isa::symbolize(img, 0x10), "f");
  EXPECT_EQ(s32::isa::symbolize(img, 0x14), "f+0x4");
  EXPECT_EQ(s32::isa::symbolize(img, 0x18), "") << "past f's 8 bytes";
  EXPECT_EQ(s32::isa::symbolize(img, 0x5c), "g+0x1c") << "g has no size";
  EXPECT_EQ(s32::isa::describe_address(&img, 0x14), "0x00000014 <f+0x4>");
  EXPECT_EQ(s32::isa::describe_address(&img, 0x4), "0x00000004");
  EXPECT_EQ(s32::isa::describe_address(nullptr, 0x14), "0x00000014");
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Cycles of 10 ps; a window of cycles [3, 6): the clock is high from each
// rising edge, the file ends at the window's end.
TEST(WindowedSink, StartsWithTheFullStateAndKeepsToTheWindow) {
  const std::string path = testing::TempDir() + "windowed_sink_test.vcd";
  s32::trace::VcdWriter vcd(path);
  const s32::trace::TraceWindow window(3, 6, false);
  s32::trace::WindowedSink sink(vcd, window, 10, {"cpu.*", "clk"});
  vcd.add_clock("", "clk", 10);
  const auto a = sink.declare("cpu", "a", 8);
  const auto b = sink.declare("cpu", "b", 8);
  const auto c = sink.declare("ring", "c", 8);  // not selected
  EXPECT_TRUE(sink.selected("", "clk"));
  EXPECT_FALSE(sink.selected("ring", "c"));
  EXPECT_NO_THROW(sink.check_selection({"clk"}));
  s32::trace::WindowedSink other(vcd, window, 10, {"clk", "nothing"});
  EXPECT_THROW(other.check_selection({"clk"}), std::runtime_error);
  sink.change(a, 1, 0);
  sink.change(b, 2, 0);
  sink.change(c, 3, 0);
  sink.change(a, 4, 20);   // before the window: only the last value counts
  sink.change(b, 5, 40);   // inside
  sink.change(a, 6, 70);   // after the window's end at 60
  ASSERT_TRUE(sink.close(100));
  EXPECT_EQ(read(path),
            "$timescale 1 ps $end\n$scope module s32sim $end\n$var wire 1 ! clk $end\n$scope module cpu $end\n"
            "$var wire 8 \" a [7:0] $end\n$var wire 8 # b [7:0] $end\n$upscope $end\n$upscope $end\n"
            "$enddefinitions $end\n"
            "#30\n1!\nb100 \"\nb10 #\n"
            "#35\n0!\n#40\n1!\nb101 #\n#45\n0!\n#50\n1!\n#55\n0!\n#60\n1!\n");
  std::remove(path.c_str());
}

}  // namespace
