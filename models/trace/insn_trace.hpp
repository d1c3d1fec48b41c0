// --trace-insn: one line per retired instruction, as QEMU's -d exec,in_asm
// or gem5's Exec print it:
//   CYCLE 0xPC <function+0xoff>: DISASSEMBLY [ rd=0xVALUE | [0xADDR]=0xVALUE ]
// the value written being the destination register's new value, or the
// bytes a store wrote.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "isa/core.hpp"
#include "isa/image.hpp"

namespace s32::trace {

// The line for one instruction, without the newline.
std::string format_retired(const isa::Image& image, const isa::Core& core, std::uint64_t start, std::uint32_t pc,
                           std::uint32_t word);

class InsnTraceWriter {
 public:
  // Throws std::runtime_error when the file cannot be created.
  InsnTraceWriter(const std::string& path, const isa::Image& image);
  ~InsnTraceWriter();
  InsnTraceWriter(const InsnTraceWriter&) = delete;
  InsnTraceWriter& operator=(const InsnTraceWriter&) = delete;

  void retired(const isa::Core& core, std::uint64_t start, std::uint32_t pc, std::uint32_t word);
  // Returns false if any write failed.
  bool close();

 private:
  std::FILE* file_;
  const isa::Image& image_;
  bool ok_ = true;
};

}  // namespace s32::trace
