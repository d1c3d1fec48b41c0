// s32as: SLOW-32 assembly in, one linked .s32x out. Sources are parsed in a
// first pass (sizes and labels), laid out the way the public linker lays out
// a program (code from 0, page-aligned rodata and data, bss last), then
// encoded in a second pass with every symbol known.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "isa/s32x_format.hpp"

namespace s32::as {

struct Options {
  std::uint32_t stack_size = s32x::kDefaultStackSize;
  std::uint32_t heap_size = s32x::kDefaultHeapSize;
  bool mmio = false;   // add the 64 KiB ring window after the heap
  bool wxorx = true;   // header flag 0x01
  bool strip = false;  // leave out the symbol table
  std::string entry = "_start";
};

struct Diagnostic {
  std::string file;
  int line = 0;  // 0: not tied to a line
  std::string message;
  bool warning = false;
  std::string str() const;
};

// Thrown when assembly fails; carries every error found.
class AssemblyError : public std::runtime_error {
 public:
  explicit AssemblyError(std::vector<Diagnostic> diags);
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }

 private:
  std::vector<Diagnostic> diags_;
};

// The address map of a linked program, for callers and tests.
struct Layout {
  std::uint32_t code_limit = 0, rodata_limit = 0, data_limit = 0;
  std::uint32_t heap_base = 0, stack_base = 0, stack_end = 0, mmio_base = 0;
  std::uint32_t entry = 0;
};

class Assembler {
 public:
  explicit Assembler(Options options = {});
  ~Assembler();
  Assembler(const Assembler&) = delete;
  Assembler& operator=(const Assembler&) = delete;

  // Pass 1 over one source file. Errors are collected, not thrown.
  void add_source(const std::string& name, const std::string& text);
  // Lays out, encodes and writes the executable; throws AssemblyError.
  std::vector<std::uint8_t> link();

  const Layout& layout() const;
  // Warnings (and, after a failure, errors) so far.
  const std::vector<Diagnostic>& diagnostics() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience for tests: assemble one source text.
std::vector<std::uint8_t> assemble(const std::string& text, const Options& options = {});

}  // namespace s32::as
