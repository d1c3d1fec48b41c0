// s32as: assemble and link SLOW-32 assembly into one .s32x executable.
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "assembler.hpp"

namespace po = boost::program_options;

namespace {

// "64K", "1M", "0x10000", "4096".
bool parse_size(const std::string& text, std::uint32_t& out) {
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &used, 0);
  } catch (const std::exception&) {
    return false;
  }
  const std::string suffix = text.substr(used);
  if (suffix == "K" || suffix == "k") v *= 1024;
  else if (suffix == "M" || suffix == "m") v *= 1024 * 1024;
  else if (!suffix.empty()) return false;
  if (v > 0xFFFFFFFFull) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string output, stack_size, heap_size;
  std::vector<std::string> inputs;
  s32::as::Options opt;

  po::options_description visible(
      "Usage: s32as [options] -o out.s32x in.s [more.s ...]\n\n"
      "Assembles SLOW-32 assembly (the syntax of the public toolchain and its\n"
      "clang back end) and links it into one .s32x executable: code from\n"
      "address 0, read-only data and data on the next 4 KiB pages, bss after\n"
      "data, heap, then the stack below 0x0FFFFFF0. The entry point is _start\n"
      "(or the start of .text).\n\nOptions");
  visible.add_options()
      ("help,h", "show this help and exit")
      ("version", "print the version and exit")
      ("output,o", po::value(&output), "output .s32x file (required)")
      ("stack-size", po::value(&stack_size)->default_value(std::to_string(opt.stack_size)),
       "stack size (bytes; K and M suffixes)")
      ("heap-size", po::value(&heap_size)->default_value(std::to_string(opt.heap_size)),
       "heap size reserved before the MMIO window")
      ("mmio", po::bool_switch(&opt.mmio), "add the 64 KiB ring window after the heap (defines __mmio_base, __mmio_end)")
      ("no-wxorx", "leave code and rodata writable (clears header flag 0x01)")
      ("entry,e", po::value(&opt.entry)->default_value("_start"), "entry symbol")
      ("strip,s", po::bool_switch(&opt.strip), "omit the symbol table");
  po::options_description hidden;
  hidden.add_options()("input", po::value(&inputs));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "s32as: " << e.what() << "\n(try s32as --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "s32as " S32SIM_VERSION "\n";
    return 0;
  }
  if (output.empty() || inputs.empty()) {
    std::cerr << "s32as: need -o OUTPUT and at least one input file\n(try s32as --help)\n";
    return 2;
  }
  if (!parse_size(stack_size, opt.stack_size)) {
    std::cerr << "s32as: bad --stack-size '" << stack_size << "'\n";
    return 2;
  }
  if (!parse_size(heap_size, opt.heap_size)) {
    std::cerr << "s32as: bad --heap-size '" << heap_size << "'\n";
    return 2;
  }
  opt.wxorx = vm.count("no-wxorx") == 0;

  s32::as::Assembler assembler(opt);
  for (const std::string& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "s32as: cannot open '" << path << "': " << std::strerror(errno) << "\n";
      return 1;
    }
    std::ostringstream text;
    text << in.rdbuf();
    assembler.add_source(path, text.str());
  }
  std::vector<std::uint8_t> bytes;
  try {
    bytes = assembler.link();
  } catch (const s32::as::AssemblyError& e) {
    int shown = 0;
    for (const auto& d : e.diagnostics()) {
      if (++shown > 50) {
        std::cerr << "s32as: too many errors, stopping\n";
        break;
      }
      std::cerr << d.str() << "\n";
    }
    return 1;
  }
  for (const auto& d : assembler.diagnostics())
    if (d.warning) std::cerr << d.str() << "\n";

  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::cerr << "s32as: cannot write '" << output << "'\n";
    std::remove(output.c_str());
    return 1;
  }
  return 0;
}
