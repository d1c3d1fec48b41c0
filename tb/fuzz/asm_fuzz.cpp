// libFuzzer target: s32as on arbitrary source text. The first byte chooses
// the options (--mmio, --strip, --no-wxorx); the rest is split at NUL bytes
// into up to four source files, so cross-file symbols and duplicate
// definitions are reached. Assembly either fails with AssemblyError (whose
// diagnostics must name a message) or produces an executable that the
// loader accepts; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "assembler.hpp"
#include "isa/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  s32::as::Options options;
  options.mmio = data[0] & 1;
  options.strip = data[0] & 2;
  options.wxorx = !(data[0] & 4);
  // Small stack and heap keep every output small whatever the source says.
  options.stack_size = 0x1000;
  options.heap_size = 0x1000;
  std::vector<std::string> files(1);
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == 0 && files.size() < 4) files.emplace_back();
    else files.back().push_back(static_cast<char>(data[i]));
  }
  s32::as::Assembler as(options);
  for (std::size_t i = 0; i < files.size(); ++i) as.add_source("f" + std::to_string(i) + ".s", files[i]);
  std::vector<std::uint8_t> exe;
  try {
    exe = as.link();
  } catch (const s32::as::AssemblyError& e) {
    for (const auto& d : e.diagnostics())
      if (d.message.empty()) {
        std::fprintf(stderr, "asm_fuzz: a diagnostic without a message\n");
        std::abort();
      }
    return 0;
  }
  try {
    (void)s32::isa::load_s32x(exe);
  } catch (const s32::isa::LoadError& e) {
    std::fprintf(stderr, "asm_fuzz: s32as wrote an executable the loader refuses: %s\n", e.what());
    std::abort();
  }
  return 0;
}
