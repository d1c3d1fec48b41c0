// s32dis: validate a .s32x, print its memory map and disassemble its code.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "isa/disassembler.hpp"
#include "isa/image.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  std::string path;
  bool headers_only = false;
  po::options_description visible(
      "Usage: s32dis [options] program.s32x\n\n"
      "Checks a SLOW-32 executable the way s32sim's loader does, prints its\n"
      "memory map and disassembles the code sections in the toolchain's own\n"
      "syntax (which s32as reads back). Exits 1 with one line naming the\n"
      "problem when the file is malformed.\n\nOptions");
  visible.add_options()
      ("help,h", "show this help and exit")
      ("version", "print the version and exit")
      ("headers", po::bool_switch(&headers_only), "print only the memory map and symbols");
  po::options_description hidden;
  hidden.add_options()("input", po::value(&path));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "s32dis: " << e.what() << "\n(try s32dis --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "s32dis " S32SIM_VERSION "\n";
    return 0;
  }
  if (path.empty()) {
    std::cerr << "s32dis: no input file\n(try s32dis --help)\n";
    return 2;
  }

  s32::isa::Image image;
  try {
    image = s32::isa::load_s32x_file(path);
  } catch (const s32::isa::LoadError& e) {
    std::cerr << "s32dis: " << path << ": " << e.what() << "\n";
    return 1;
  }

  std::printf("%s: entry 0x%08x, sp 0x%08x, W^X %s\n", path.c_str(), image.entry, image.stack_pointer,
              image.wxorx() ? "on" : "off");
  for (const auto& r : image.regions) {
    std::printf("  %-6s [0x%08x, 0x%08llx) %c%c%c\n", s32::isa::region_kind_name(r.kind), r.base,
                static_cast<unsigned long long>(r.end()), (r.perms & 1) ? 'r' : '-', (r.perms & 2) ? 'w' : '-',
                (r.perms & 4) ? 'x' : '-');
  }
  if (headers_only) {
    for (const auto& s : image.symbols) std::printf("  0x%08x %s\n", s.value, s.name.c_str());
    return 0;
  }
  for (const auto& seg : image.segments) {
    if (seg.vaddr >= image.code_limit) continue;
    std::printf("\n%s:\n", seg.name.c_str());
    for (std::size_t off = 0; off + 4 <= seg.bytes.size(); off += 4) {
      const std::uint32_t pc = seg.vaddr + static_cast<std::uint32_t>(off);
      const std::uint32_t word = seg.bytes[off] | (seg.bytes[off + 1] << 8) | (seg.bytes[off + 2] << 16) |
                                 (static_cast<std::uint32_t>(seg.bytes[off + 3]) << 24);
      if (const auto* sym = image.symbol_for(pc); sym && sym->value == pc) std::printf("%s:\n", sym->name.c_str());
      std::printf("  %08x:  %08x  %s\n", pc, word, s32::isa::disassemble(word, pc, &image).c_str());
    }
  }
  return 0;
}
