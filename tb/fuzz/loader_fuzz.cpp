// libFuzzer target: the .s32x loader on arbitrary bytes. A file is either
// refused with LoadError or yields an Image whose invariants hold (regions
// sorted and disjoint, every segment inside mapped memory, entry in code);
// anything else (a crash, a sanitizer report, another exception, a broken
// invariant) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "isa/image.hpp"

namespace {

void fail(const char* what) {
  std::fprintf(stderr, "loader_fuzz: accepted image breaks an invariant: %s\n", what);
  std::abort();
}

void check(const s32::isa::Image& image) {
  for (std::size_t i = 0; i < image.regions.size(); ++i) {
    const auto& r = image.regions[i];
    if (r.size == 0 || r.end() > (std::uint64_t{1} << 32)) fail("region empty or past 4 GiB");
    if (i > 0 && image.regions[i - 1].end() > r.base) fail("regions overlap or are unsorted");
  }
  // A segment may span adjacent regions (code running on into rodata), so
  // the rule is the loader's own: covered by the regions, the MMIO window
  // excepted.
  for (const auto& seg : image.segments) {
    if (seg.bytes.size() > seg.mem_size) fail("segment holds more bytes than its memory size");
    std::uint64_t at = seg.vaddr;
    const std::uint64_t end = std::uint64_t{seg.vaddr} + seg.mem_size;
    while (at < end) {
      const auto* r = image.region_at(static_cast<std::uint32_t>(at));
      if (!r || r->kind == s32::isa::RegionKind::Mmio) fail("segment outside mapped memory");
      at = r->end();
    }
  }
  const auto* code = image.region_at(image.entry);
  if (!code || code->kind != s32::isa::RegionKind::Code) fail("entry outside code");
  for (std::size_t i = 1; i < image.symbols.size(); ++i)
    if (image.symbols[i - 1].value > image.symbols[i].value) fail("symbols unsorted");
  // The lookups the disassembler and fault reports use.
  for (const auto& s : image.symbols) (void)image.symbol_for(s.value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  try {
    check(s32::isa::load_s32x(bytes));
  } catch (const s32::isa::LoadError&) {
  }
  return 0;
}
