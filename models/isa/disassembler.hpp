// Disassembly in the toolchain's own syntax (the syntax s32as reads back):
// `ldw r1, fp+-4`, `stw sp+0, lr`, branch and jump targets as absolute
// addresses, f64 operands named by their even register.
#pragma once

#include <cstdint>
#include <string>

namespace s32::isa {

struct Image;

// Register name as the compiler prints it: r0..r28, sp, fp, lr.
std::string reg_name(unsigned r);

// `image`, when given, adds `# <symbol+off>` after branch and jump targets.
std::string disassemble(std::uint32_t word, std::uint32_t pc, const Image* image = nullptr);

}  // namespace s32::isa
