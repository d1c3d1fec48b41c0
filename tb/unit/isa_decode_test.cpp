#include <gtest/gtest.h>

#include "isa/instruction.hpp"

using namespace s32::isa;

TEST(Decode, Placeholder) { EXPECT_EQ(decode(0).opcode, 0); }
