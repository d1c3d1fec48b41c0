// Every DEBUG example assembled by s32as runs on the ISA core alone and
// prints exactly its expected output.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bare_machine.hpp"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class BareExample : public testing::TestWithParam<const char*> {};

TEST_P(BareExample, PrintsExpectedOutputAndHalts) {
  const std::string name = GetParam();
  const auto run = s32::test::run_s32x(std::string(S32_SW_BINARY_DIR) + "/examples/" + name + ".s32x");
  EXPECT_EQ(run.stop, s32::isa::StopReason::Halt) << s32::isa::fault_kind_name(run.fault.kind) << " at pc 0x"
                                                  << std::hex << run.fault.pc << " addr 0x" << run.fault.addr;
  EXPECT_EQ(run.output, read_file(std::string(S32_SW_SOURCE_DIR) + "/examples/" + name + ".expected"));
  EXPECT_EQ(run.r1, 0u);
}

INSTANTIATE_TEST_SUITE_P(Examples, BareExample, testing::Values("hello", "muldiv", "fib", "fp"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
