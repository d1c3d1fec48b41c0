#include "trace/insn_trace.hpp"

#include "isa/disassembler.hpp"
#include "isa/instruction.hpp"
#include "isa/symbolizer.hpp"
#include "trace/output_file.hpp"

namespace s32::trace {

namespace {

unsigned store_size(isa::Op op) {
  switch (op) {
    case isa::Op::STB: return 1;
    case isa::Op::STH: return 2;
    default: return 4;
  }
}

}  // namespace

std::string format_retired(const isa::Image& image, const isa::Core& core, std::uint64_t start, std::uint32_t pc,
                           std::uint32_t word) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%llu ", static_cast<unsigned long long>(start));
  std::string line = buf + isa::describe_address(&image, pc) + ": " + isa::disassemble(word, pc, &image);
  const isa::OpInfo* info = word ? isa::op_info(static_cast<std::uint8_t>(word & 0x7F)) : nullptr;
  if (!info) return line;
  const isa::Decoded d = isa::decode(word);
  switch (info->form) {
    case isa::Form::R3:
    case isa::Form::R2:
    case isa::Form::I:
    case isa::Form::Load:
    case isa::Form::U:
    case isa::Form::Jal:
    case isa::Form::Jalr:
      if (d.rd == 0) break;
      if (isa::pair_operands(info->op).rd)
        std::snprintf(buf, sizeof buf, "  %s:%s=0x%08x%08x", isa::reg_name(d.rd).c_str(),
                      isa::reg_name(d.rd + 1u).c_str(), core.reg(d.rd + 1u), core.reg(d.rd));
      else
        std::snprintf(buf, sizeof buf, "  %s=0x%08x", isa::reg_name(d.rd).c_str(), core.reg(d.rd));
      line += buf;
      break;
    case isa::Form::Store: {
      // The store leaves its base and source registers as they were.
      const unsigned size = store_size(info->op);
      const std::uint32_t addr = core.reg(d.rs1) + static_cast<std::uint32_t>(d.imm);
      const std::uint32_t value = size == 4 ? core.reg(d.rs2) : core.reg(d.rs2) & ((1u << (8 * size)) - 1);
      std::snprintf(buf, sizeof buf, "  [0x%08x]=0x%0*x", addr, static_cast<int>(2 * size), value);
      line += buf;
      break;
    }
    default: break;
  }
  return line;
}

InsnTraceWriter::InsnTraceWriter(const std::string& path, const isa::Image& image)
    : file_(open_output(path, "instruction trace")), image_(image) {}

InsnTraceWriter::~InsnTraceWriter() { close(); }

void InsnTraceWriter::retired(const isa::Core& core, std::uint64_t start, std::uint32_t pc, std::uint32_t word) {
  if (!file_) return;
  const std::string line = format_retired(image_, core, start, pc, word);
  if (std::fputs(line.c_str(), file_) < 0 || std::fputc('\n', file_) < 0) ok_ = false;
}

bool InsnTraceWriter::close() {
  if (!file_) return ok_;
  if (std::fclose(file_) != 0) ok_ = false;
  file_ = nullptr;
  return ok_;
}

}  // namespace s32::trace
