#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "image.hpp"
#include "memory_port.hpp"
#include "s32x_format.hpp"

namespace s32::isa {

namespace {

using namespace s32::s32x;

constexpr std::uint64_t kAddressSpace = std::uint64_t{1} << 32;

std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

[[noreturn]] void fail(const std::string& what) { throw LoadError(what); }

// Names come from the file: escaping control and non-ASCII bytes keeps an
// error about them on one line.
std::string printable(const std::string& name) {
  std::string out;
  for (const unsigned char c : name) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static const char kDigits[] = "0123456789abcdef";
      out += {'\\', 'x', kDigits[c >> 4], kDigits[c & 0xf]};
    }
  }
  return out;
}

// Bounds-checked little-endian reads of the untrusted file.
class Reader {
 public:
  explicit Reader(const std::vector<std::uint8_t>& bytes) : bytes_(bytes) {}
  std::uint64_t size() const { return bytes_.size(); }
  bool fits(std::uint64_t off, std::uint64_t len) const {
    return off <= bytes_.size() && len <= bytes_.size() - off;
  }
  std::uint32_t u32(std::uint64_t off) const { return static_cast<std::uint32_t>(get(off, 4)); }
  std::uint16_t u16(std::uint64_t off) const { return static_cast<std::uint16_t>(get(off, 2)); }
  std::uint8_t u8(std::uint64_t off) const { return static_cast<std::uint8_t>(get(off, 1)); }
  const std::uint8_t* at(std::uint64_t off) const { return bytes_.data() + off; }

 private:
  std::uint64_t get(std::uint64_t off, unsigned n) const {
    if (!fits(off, n)) fail("read past the end of the file at offset " + hex(off));
    std::uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= std::uint64_t{bytes_[off + i]} << (8 * i);
    return v;
  }
  const std::vector<std::uint8_t>& bytes_;
};

// A NUL-terminated string inside [table, table + table_size).
std::string table_string(const Reader& r, std::uint64_t table, std::uint64_t table_size,
                         std::uint64_t index, const char* what) {
  if (index >= table_size) fail(std::string(what) + " name offset " + hex(index) + " is past its string table");
  const auto* begin = reinterpret_cast<const char*>(r.at(table + index));
  const void* nul = std::memchr(begin, 0, table_size - index);
  if (!nul) fail(std::string(what) + " name at offset " + hex(index) + " has no terminating NUL");
  return std::string(begin, static_cast<const char*>(nul));
}

struct RawSection {
  std::string name;
  std::uint32_t type, vaddr, offset, size, mem_size, flags;
};

void add_region(Image& img, RegionKind kind, std::uint64_t begin, std::uint64_t end, std::uint8_t perms) {
  if (end > begin) img.regions.push_back({kind, static_cast<std::uint32_t>(begin), end - begin, perms});
}

// Is [begin, end) covered by the union of the image's regions?
bool covered(const Image& img, std::uint64_t begin, std::uint64_t end) {
  for (const Region& r : img.regions) {
    if (begin >= end) break;
    if (r.kind == RegionKind::Mmio) continue;
    if (begin >= r.base && begin < r.end()) begin = std::min(end, r.end());
  }
  return begin >= end;
}

}  // namespace

const char* region_kind_name(RegionKind kind) {
  switch (kind) {
    case RegionKind::Code: return "code";
    case RegionKind::Rodata: return "rodata";
    case RegionKind::Data: return "data";
    case RegionKind::Heap: return "heap";
    case RegionKind::Stack: return "stack";
    case RegionKind::Mmio: return "mmio";
  }
  return "?";
}

bool Image::wxorx() const { return (flags & kFlagWxorX) != 0; }

const Region* Image::region_at(std::uint32_t addr) const {
  for (const Region& r : regions)
    if (r.contains(addr)) return &r;
  return nullptr;
}

const Symbol* Image::symbol_for(std::uint32_t addr) const {
  auto it = std::upper_bound(symbols.begin(), symbols.end(), addr,
                             [](std::uint32_t a, const Symbol& s) { return a < s.value; });
  if (it == symbols.begin()) return nullptr;
  return &*std::prev(it);
}

const Symbol* Image::find_symbol(const std::string& name) const {
  for (const Symbol& s : symbols)
    if (s.name == name) return &s;
  return nullptr;
}

Image load_s32x(const std::vector<std::uint8_t>& bytes) {
  const Reader r(bytes);
  if (r.size() < kHeaderSize)
    fail("truncated header: file has " + std::to_string(r.size()) + " bytes, the header needs 64");
  if (r.u32(kOffMagic) != kMagic) fail("bad magic " + hex(r.u32(kOffMagic)) + " (not a .s32x file)");
  if (r.u16(kOffVersion) != kVersion) fail("unsupported version " + std::to_string(r.u16(kOffVersion)));
  if (r.u8(kOffEndian) != kEndianLittle) fail("unsupported byte order " + std::to_string(r.u8(kOffEndian)));
  if (r.u8(kOffMachine) != kMachine) fail("wrong machine type " + hex(r.u8(kOffMachine)));

  Image img;
  img.entry = r.u32(kOffEntry);
  img.flags = r.u32(kOffFlags);
  img.code_limit = r.u32(kOffCodeLimit);
  img.rodata_limit = r.u32(kOffRodataLimit);
  img.data_limit = r.u32(kOffDataLimit);
  img.heap_base = r.u32(kOffHeapBase);
  const std::uint32_t stack_base = r.u32(kOffStackBase);
  const std::uint32_t stack_end = r.u32(kOffStackEnd);
  const std::uint32_t nsections = r.u32(kOffNsections);
  const std::uint32_t sec_offset = r.u32(kOffSecOffset);
  const std::uint32_t str_offset = r.u32(kOffStrOffset);
  const std::uint32_t str_size = r.u32(kOffStrSize);

  if (img.flags & kFlagCompressed) fail("compressed sections (flag 0x40) are not supported");
  if (img.rodata_limit < img.code_limit)
    fail("rodata_limit " + hex(img.rodata_limit) + " is below code_limit " + hex(img.code_limit));
  if (img.data_limit < img.rodata_limit)
    fail("data_limit " + hex(img.data_limit) + " is below rodata_limit " + hex(img.rodata_limit));
  if (stack_base < stack_end)
    fail("stack_base " + hex(stack_base) + " is below stack_end " + hex(stack_end));
  const std::uint64_t stack_top = std::uint64_t{stack_base} + kStackTopSlack;
  if (stack_top > kAddressSpace) fail("stack_base " + hex(stack_base) + " leaves no room for the stack top");
  if (stack_end < img.data_limit)
    fail("stack [" + hex(stack_end) + ", " + hex(stack_top) + ") overlaps code or data below " + hex(img.data_limit));
  if (img.code_limit < 4 || img.entry > img.code_limit - 4)
    fail("entry point " + hex(img.entry) + " is outside the code region [0, " + hex(img.code_limit) + ")");

  if (!r.fits(sec_offset, std::uint64_t{nsections} * kSectionEntrySize))
    fail("section table (" + std::to_string(nsections) + " entries at " + hex(sec_offset) +
         ") runs past the end of the file");
  if (nsections > 0 && !r.fits(str_offset, str_size))
    fail("section-name table at " + hex(str_offset) + " (" + std::to_string(str_size) +
         " bytes) runs past the end of the file");

  // Memory map (s32x.md). Code and rodata are writable only without W^X.
  const std::uint8_t ro_extra = img.wxorx() ? 0 : kPermWrite;
  add_region(img, RegionKind::Code, 0, img.code_limit, kPermRead | kPermExec | ro_extra);
  add_region(img, RegionKind::Rodata, img.code_limit, img.rodata_limit, kPermRead | ro_extra);
  add_region(img, RegionKind::Data, img.rodata_limit, img.data_limit, kPermRead | kPermWrite);

  std::uint64_t heap_start = (std::uint64_t{img.data_limit} + kPageSize - 1) / kPageSize * kPageSize;
  heap_start = std::max<std::uint64_t>(heap_start, kMinHeapStart);
  std::uint64_t heap_end = stack_end;
  if (img.flags & kFlagMmio) {
    const std::uint32_t mmio = r.u32(kOffMmioBase);
    const std::uint64_t mmio_end = std::uint64_t{mmio} + kMmioWindowSize;
    if (mmio % 4 != 0) fail("MMIO window base " + hex(mmio) + " is not word-aligned");
    if (mmio_end > kAddressSpace) fail("MMIO window at " + hex(mmio) + " runs past the 4 GiB address space");
    if (mmio < img.data_limit)
      fail("MMIO window at " + hex(mmio) + " overlaps code or data below " + hex(img.data_limit));
    if (mmio_end > stack_end && mmio < stack_top)
      fail("MMIO window at " + hex(mmio) + " overlaps the stack [" + hex(stack_end) + ", " + hex(stack_top) + ")");
    if (mmio < stack_end) heap_end = std::min<std::uint64_t>(heap_end, mmio);
    img.mmio_base = mmio;
  }
  add_region(img, RegionKind::Heap, heap_start, heap_end, kPermRead | kPermWrite);
  add_region(img, RegionKind::Stack, stack_end, stack_top, kPermRead | kPermWrite);
  if (img.mmio_base) add_region(img, RegionKind::Mmio, *img.mmio_base, *img.mmio_base + std::uint64_t{kMmioWindowSize}, kPermRead | kPermWrite);
  std::sort(img.regions.begin(), img.regions.end(),
            [](const Region& a, const Region& b) { return a.base < b.base; });
  img.stack_pointer = stack_base;

  std::vector<RawSection> sections;
  sections.reserve(nsections);
  for (std::uint32_t i = 0; i < nsections; ++i) {
    const std::uint64_t e = std::uint64_t{sec_offset} + std::uint64_t{i} * kSectionEntrySize;
    RawSection s{};
    s.name = table_string(r, str_offset, str_size, r.u32(e + 0), ("section " + std::to_string(i)).c_str());
    s.type = r.u32(e + 4);
    s.vaddr = r.u32(e + 8);
    s.offset = r.u32(e + 12);
    s.size = r.u32(e + 16);
    s.mem_size = r.u32(e + 20);
    s.flags = r.u32(e + 24);
    sections.push_back(std::move(s));
  }

  const RawSection* symtab = nullptr;
  const RawSection* symstr = nullptr;
  std::map<std::uint64_t, std::uint64_t> loaded;  // begin -> end of each loaded section
  for (const RawSection& s : sections) {
    const std::string label = "section '" + printable(s.name) + "'";
    if (s.type == kSecSymtab && !symtab) symtab = &s;
    if (s.type == kSecStrtab && !symstr && s.offset != str_offset) symstr = &s;
    if (s.type != kSecBss && s.size > 0 && !r.fits(s.offset, s.size))
      fail(label + " data (" + std::to_string(s.size) + " bytes at " + hex(s.offset) +
           ") runs past the end of the file");
    if (s.mem_size == 0 || !(s.flags & kSecAlloc) || s.type == kSecSymtab || s.type == kSecStrtab) continue;
    const std::uint64_t begin = s.vaddr, end = begin + s.mem_size;
    if (end > kAddressSpace) fail(label + " at " + hex(s.vaddr) + " wraps past the 4 GiB address space");
    if (s.type != kSecBss && s.size > s.mem_size)
      fail(label + " has more file bytes (" + std::to_string(s.size) + ") than memory (" +
           std::to_string(s.mem_size) + ")");
    // Loaded ranges never overlap, so only the neighbours can collide.
    const auto next = loaded.lower_bound(begin);
    const bool hits_next = next != loaded.end() && next->first < end;
    const bool hits_prev = next != loaded.begin() && std::prev(next)->second > begin;
    if (hits_next || hits_prev)
      fail(label + " [" + hex(begin) + ", " + hex(end) + ") overlaps another section");
    if (!covered(img, begin, end))
      fail(label + " [" + hex(begin) + ", " + hex(end) + ") lies outside mapped memory");
    loaded.emplace(begin, end);
    Segment seg;
    seg.name = s.name;
    seg.vaddr = s.vaddr;
    seg.mem_size = s.mem_size;
    if (s.type != kSecBss && s.size > 0) seg.bytes.assign(r.at(s.offset), r.at(s.offset) + s.size);
    img.segments.push_back(std::move(seg));
  }

  if (symtab) {
    if (!symstr) fail("symbol table present but no symbol string table");
    if (symtab->size % kSymbolEntrySize != 0)
      fail("symbol table size " + std::to_string(symtab->size) + " is not a multiple of 16");
    for (std::uint64_t off = 0; off < symtab->size; off += kSymbolEntrySize) {
      const std::uint64_t e = std::uint64_t{symtab->offset} + off;
      Symbol sym;
      sym.name = table_string(r, symstr->offset, symstr->size, r.u32(e), "symbol");
      sym.value = r.u32(e + 4);
      sym.absolute = r.u16(e + 8) == 0xFFFF;
      sym.type = r.u8(e + 10);
      sym.binding = r.u8(e + 11);
      sym.size = r.u32(e + 12);
      if (!sym.name.empty()) img.symbols.push_back(std::move(sym));
    }
    // At equal addresses the most specific symbol sorts last, which is the
    // one symbol_for() reports: a function over an object over a plain or
    // linker-defined name.
    auto rank = [](const Symbol& s) { return s.absolute ? 0 : 1 + s.type; };
    std::stable_sort(img.symbols.begin(), img.symbols.end(), [&](const Symbol& a, const Symbol& b) {
      return a.value != b.value ? a.value < b.value : rank(a) < rank(b);
    });
  }
  return img;
}

Image load_s32x_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw LoadError("cannot read '" + path + "': " + std::strerror(EISDIR));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LoadError("cannot open '" + path + "': " + std::strerror(errno));
  std::vector<std::uint8_t> bytes;
  try {
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure& e) {
    // libstdc++ throws from the stream buffer when a read fails (the path is
    // a directory, an I/O error), although the stream asked for no exceptions.
    throw LoadError("cannot read '" + path + "': " + e.what());
  }
  if (in.bad()) throw LoadError("cannot read '" + path + "'");
  return load_s32x(bytes);
}

}  // namespace s32::isa
