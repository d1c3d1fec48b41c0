// The GTKWave translate filters checked in under waves/ name exactly what
// the models produce: every host opcode and the idle device, every CPU
// state.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "cpu/slow32_cpu.hpp"
#include "host/host_abi.hpp"
#include "ring/ring_device.hpp"

namespace {

std::map<unsigned, std::string> read_filter(const std::string& name) {
  std::ifstream in(std::string(S32_SOURCE_DIR) + "/waves/" + name);
  EXPECT_TRUE(in) << name;
  std::map<unsigned, std::string> m;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    unsigned value;
    std::string text;
    s >> value >> text;
    EXPECT_TRUE(m.emplace(value, text).second) << "duplicate " << value << " in " << name;
  }
  return m;
}

TEST(WaveFilters, OpcodeFilterNamesEveryKnownOpcode) {
  const auto filter = read_filter("opcode.gtkwfilter");
  std::size_t known = 0;
  for (unsigned op = 0; op < 256; ++op) {
    const char* name = op == s32::ring::RingDevice::kIdleOpcode ? "idle" : s32::host::opcode_name(op);
    if (!name) {
      EXPECT_EQ(filter.count(op), 0u) << "filter names unknown opcode " << op;
      continue;
    }
    ++known;
    ASSERT_EQ(filter.count(op), 1u) << "filter lacks " << name;
    EXPECT_EQ(filter.at(op), name);
  }
  EXPECT_EQ(filter.size(), known);
}

TEST(WaveFilters, CpuStateFilterMatchesTheStates) {
  using s32::cpu::CpuState;
  const std::map<unsigned, std::string> expected = {
      {static_cast<unsigned>(CpuState::Run), "run"},
      {static_cast<unsigned>(CpuState::Memory), "memory"},
      {static_cast<unsigned>(CpuState::Mmio), "mmio"},
      {static_cast<unsigned>(CpuState::YieldWait), "yield_wait"},
      {static_cast<unsigned>(CpuState::Halted), "halted"}};
  EXPECT_EQ(read_filter("cpu_state.gtkwfilter"), expected);
  for (const auto& [state, name] : expected) EXPECT_EQ(s32::cpu::cpu_state_name(static_cast<CpuState>(state)), name);
}

}  // namespace
