#include "symbolizer.hpp"

#include <cstdio>

#include "image.hpp"

namespace s32::isa {

std::string symbolize(const Image& image, std::uint32_t addr) {
  const Symbol* sym = image.symbol_for(addr);
  // Past a symbol's known size the address belongs to no symbol: naming it
  // after the one below would mislead (a fetch far past the code).
  if (!sym || (sym->size && addr - sym->value >= sym->size)) return {};
  if (addr == sym->value) return sym->name;
  char off[16];
  std::snprintf(off, sizeof off, "+0x%x", addr - sym->value);
  return sym->name + off;
}

std::string describe_address(const Image* image, std::uint32_t addr) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", addr);
  std::string s = buf;
  if (image) {
    const std::string name = symbolize(*image, addr);
    if (!name.empty()) s += " <" + name + ">";
  }
  return s;
}

}  // namespace s32::isa
