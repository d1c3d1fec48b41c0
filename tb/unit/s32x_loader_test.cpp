// The .s32x loader against s32x.md: the memory map of valid files, a corpus
// of malformed files, systematic corruption of valid ones, and the one-line
// error exit of s32dis. The corruption tests are meant to run under
// AddressSanitizer+UBSan, which turns any out-of-bounds read into a failure.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "assembler.hpp"
#include "isa/image.hpp"
#include "isa/memory_port.hpp"
#include "isa/s32x_format.hpp"

namespace {

using namespace s32::s32x;
using s32::isa::Image;
using s32::isa::LoadError;
using s32::isa::Region;
using s32::isa::RegionKind;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint64_t kAddressSpace = std::uint64_t{1} << 32;

// Byte offsets of the fields of a 28-byte section entry.
enum EntryField : std::uint32_t {
  kEntName = 0,
  kEntType = 4,
  kEntVaddr = 8,
  kEntOffset = 12,
  kEntSize = 16,
  kEntMemSize = 20,
  kEntFlags = 24,
};

std::uint32_t get32(const Bytes& b, std::size_t off) {
  return std::uint32_t{b.at(off)} | std::uint32_t{b.at(off + 1)} << 8 | std::uint32_t{b.at(off + 2)} << 16 |
         std::uint32_t{b.at(off + 3)} << 24;
}

void put32(Bytes& b, std::size_t off, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) b.at(off + i) = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint32_t file_size(const Bytes& b) { return static_cast<std::uint32_t>(b.size()); }

std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

// File offset of the section entry named `name` in a well-formed file.
std::size_t section_entry(const Bytes& b, const std::string& name) {
  const std::uint32_t table = get32(b, kOffSecOffset), strings = get32(b, kOffStrOffset);
  for (std::uint32_t i = 0; i < get32(b, kOffNsections); ++i) {
    const std::size_t e = table + std::size_t{i} * kSectionEntrySize;
    if (name == reinterpret_cast<const char*>(b.data() + strings + get32(b, e + kEntName))) return e;
  }
  throw std::invalid_argument("test file has no section " + name);
}

std::uint32_t section_field(const Bytes& b, const std::string& name, EntryField field) {
  return get32(b, section_entry(b, name) + field);
}

void set_section_field(Bytes& b, const std::string& name, EntryField field, std::uint32_t v) {
  put32(b, section_entry(b, name) + field, v);
}

// Code, rodata, data and bss, a function that is not at the entry, and an
// object that shares its address with linker-defined names.
constexpr const char* kProgram = R"(
        .text
        .globl  helper
        .type   helper,@function
helper:
        ret
.Lhelper_end:
        .size   helper, .Lhelper_end - helper

        .globl  _start
        .type   _start,@function
_start:
        la      r3, message
        la      r4, counter
        ldw     r5, r4+0
        li      r1, 0
        halt
.Lstart_end:
        .size   _start, .Lstart_end - _start

        .section .rodata
message:
        .asciz  "loader"

        .data
        .type   counter,@object
counter:
        .word   0x12345678
        .size   counter, 4

        .bss
buffer:
        .zero   64
)";

// Where the public linker's layout puts kProgram (s32x.md defaults); with
// the MMIO option the window follows a default-sized heap.
constexpr std::uint32_t kCodeLimit = 0x1000;
constexpr std::uint32_t kRodataLimit = 0x2000;
constexpr std::uint32_t kBssStart = 0x2004;
constexpr std::uint32_t kDataLimit = 0x2044;
constexpr std::uint32_t kStackEnd = kDefaultStackBase - kDefaultStackSize;
constexpr std::uint32_t kMmioBase = 0x3000 + kDefaultHeapSize;

s32::as::Options options_with(bool mmio, bool wxorx = true, bool strip = false) {
  s32::as::Options o;
  o.mmio = mmio;
  o.wxorx = wxorx;
  o.strip = strip;
  return o;
}

const Bytes& valid_file() {
  static const Bytes bytes = s32::as::assemble(kProgram);
  return bytes;
}

const Bytes& valid_mmio_file() {
  static const Bytes bytes = s32::as::assemble(kProgram, options_with(true));
  return bytes;
}

std::string perms_text(std::uint8_t p) {
  std::string s = "---";
  if (p & s32::isa::kPermRead) s[0] = 'r';
  if (p & s32::isa::kPermWrite) s[1] = 'w';
  if (p & s32::isa::kPermExec) s[2] = 'x';
  return s;
}

std::string region_line(RegionKind kind, std::uint64_t begin, std::uint64_t end, const std::string& perms) {
  return std::string(s32::isa::region_kind_name(kind)) + " [" + hex(begin) + ", " + hex(end) + ") " + perms + "\n";
}

// The whole map as text, so that a mismatch shows every region at once.
std::string memory_map(const Image& img) {
  std::string s;
  for (const Region& r : img.regions) s += region_line(r.kind, r.base, r.end(), perms_text(r.perms));
  return s;
}

bool single_line(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }

// The properties every accepted file must give its image, whatever its
// contents: a consistent map, the entry in executable code, the initial sp
// on the stack, and segments that overlap nothing and lie in mapped memory.
void expect_consistent(const Image& img, const std::string& what) {
  SCOPED_TRACE(what);
  for (std::size_t i = 0; i < img.regions.size(); ++i) {
    const Region& r = img.regions[i];
    EXPECT_GT(r.size, 0u);
    EXPECT_LE(r.end(), kAddressSpace);
    if (i > 0) {
      EXPECT_LE(img.regions[i - 1].end(), r.base) << memory_map(img);
    }
  }
  const Region* code = img.region_at(img.entry);
  ASSERT_NE(code, nullptr) << "entry " << hex(img.entry) << "\n" << memory_map(img);
  EXPECT_EQ(code->kind, RegionKind::Code);
  EXPECT_TRUE(code->contains(img.entry, 4));
  const Region* stack = img.region_at(img.stack_pointer);
  ASSERT_NE(stack, nullptr) << "sp " << hex(img.stack_pointer) << "\n" << memory_map(img);
  EXPECT_EQ(stack->kind, RegionKind::Stack);
  for (std::size_t i = 0; i < img.segments.size(); ++i) {
    const auto& s = img.segments[i];
    EXPECT_LE(s.bytes.size(), s.mem_size) << s.name;
    const std::uint64_t end = std::uint64_t{s.vaddr} + s.mem_size;
    EXPECT_LE(end, kAddressSpace) << s.name;
    for (std::uint64_t a = s.vaddr; a < end;) {
      const Region* r = img.region_at(static_cast<std::uint32_t>(a));
      if (r == nullptr || r->kind == RegionKind::Mmio) {
        ADD_FAILURE() << "segment " << s.name << " reaches unmapped " << hex(a) << "\n" << memory_map(img);
        break;
      }
      a = r->end();
    }
    for (std::size_t j = 0; j < i; ++j) {
      const auto& o = img.segments[j];
      EXPECT_FALSE(s.vaddr < std::uint64_t{o.vaddr} + o.mem_size && o.vaddr < end)
          << s.name << " overlaps " << o.name;
    }
  }
}

enum class Outcome { Loaded, Rejected };

// Loads `bytes`, which must either give a consistent image or a LoadError
// with a one-line message; anything else (another exception) fails.
Outcome load_or_reject(const Bytes& bytes, const std::string& what) {
  try {
    expect_consistent(s32::isa::load_s32x(bytes), what);
    return Outcome::Loaded;
  } catch (const LoadError& e) {
    EXPECT_TRUE(single_line(e.what())) << what << ": '" << e.what() << "'";
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": not a LoadError: " << e.what();
  }
  return Outcome::Rejected;
}

// ---------------------------------------------------------------------------
// Valid files

TEST(LoaderValid, MemoryMapFollowsTheSpecification) {
  const Image img = s32::isa::load_s32x(valid_file());
  EXPECT_EQ(memory_map(img), region_line(RegionKind::Code, 0, kCodeLimit, "r-x") +
                                 region_line(RegionKind::Rodata, kCodeLimit, kRodataLimit, "r--") +
                                 region_line(RegionKind::Data, kRodataLimit, kDataLimit, "rw-") +
                                 region_line(RegionKind::Heap, 0x3000, kStackEnd, "rw-") +
                                 region_line(RegionKind::Stack, kStackEnd, kDefaultStackBase + 16, "rw-"));
  EXPECT_EQ(img.code_limit, kCodeLimit);
  EXPECT_EQ(img.rodata_limit, kRodataLimit);
  EXPECT_EQ(img.data_limit, kDataLimit);
  EXPECT_EQ(img.heap_base, 0x3000u);
  EXPECT_FALSE(img.mmio_base.has_value());
  EXPECT_TRUE(img.wxorx());
  EXPECT_EQ(img.region_at(kDataLimit), nullptr) << "the gap below the heap must fault";
  EXPECT_EQ(img.region_at(kDefaultStackBase + 16), nullptr);
}

TEST(LoaderValid, WithoutWxorXCodeAndRodataAreWritable) {
  const Image img = s32::isa::load_s32x(s32::as::assemble(kProgram, options_with(false, false)));
  EXPECT_FALSE(img.wxorx());
  EXPECT_EQ(memory_map(img), region_line(RegionKind::Code, 0, kCodeLimit, "rwx") +
                                 region_line(RegionKind::Rodata, kCodeLimit, kRodataLimit, "rw-") +
                                 region_line(RegionKind::Data, kRodataLimit, kDataLimit, "rw-") +
                                 region_line(RegionKind::Heap, 0x3000, kStackEnd, "rw-") +
                                 region_line(RegionKind::Stack, kStackEnd, kDefaultStackBase + 16, "rw-"));
}

TEST(LoaderValid, HeapStartsAtDataLimitRoundedUpToAPage) {
  const Image img = s32::isa::load_s32x(s32::as::assemble(".text\n_start: halt\n.bss\n.zero 0x4504\n"));
  ASSERT_EQ(img.data_limit, 0x5504u);
  const Region* heap = img.region_at(0x6000);
  ASSERT_NE(heap, nullptr);
  EXPECT_EQ(heap->kind, RegionKind::Heap);
  EXPECT_EQ(heap->base, 0x6000u);
  EXPECT_EQ(img.region_at(0x5fff), nullptr);
}

TEST(LoaderValid, HeapStartsAtPageAlignedDataLimitItself) {
  Bytes b = valid_file();
  put32(b, kOffDataLimit, 0x5000);
  set_section_field(b, ".bss", kEntMemSize, 0x5000 - kBssStart);
  const Image img = s32::isa::load_s32x(b);
  const Region* heap = img.region_at(0x5000);
  ASSERT_NE(heap, nullptr);
  EXPECT_EQ(heap->kind, RegionKind::Heap);
  EXPECT_EQ(heap->base, 0x5000u);
}

TEST(LoaderValid, HeapStartsNoLowerThan0x3000) {
  const Image img = s32::isa::load_s32x(s32::as::assemble(".text\n_start: halt\n"));
  ASSERT_EQ(img.data_limit, 0x1000u) << "rounds up to itself, below the minimum";
  const Region* heap = img.region_at(0x3000);
  ASSERT_NE(heap, nullptr);
  EXPECT_EQ(heap->kind, RegionKind::Heap);
  EXPECT_EQ(heap->base, 0x3000u);
  EXPECT_EQ(img.region_at(0x1000), nullptr);
  EXPECT_EQ(img.region_at(0x2fff), nullptr);
}

TEST(LoaderValid, HeapStopsAtAnMmioWindowBelowTheStack) {
  const Image img = s32::isa::load_s32x(valid_mmio_file());
  ASSERT_TRUE(img.mmio_base.has_value());
  EXPECT_EQ(*img.mmio_base, kMmioBase);
  EXPECT_EQ(memory_map(img), region_line(RegionKind::Code, 0, kCodeLimit, "r-x") +
                                 region_line(RegionKind::Rodata, kCodeLimit, kRodataLimit, "r--") +
                                 region_line(RegionKind::Data, kRodataLimit, kDataLimit, "rw-") +
                                 region_line(RegionKind::Heap, 0x3000, kMmioBase, "rw-") +
                                 region_line(RegionKind::Mmio, kMmioBase, kMmioBase + 0x10000, "rw-") +
                                 region_line(RegionKind::Stack, kStackEnd, kDefaultStackBase + 16, "rw-"));
}

TEST(LoaderValid, HeapRunsToTheStackWhenTheMmioWindowIsAboveIt) {
  Bytes b = valid_mmio_file();
  put32(b, kOffMmioBase, kDefaultStackBase + 16);
  const Image img = s32::isa::load_s32x(b);
  EXPECT_EQ(memory_map(img), region_line(RegionKind::Code, 0, kCodeLimit, "r-x") +
                                 region_line(RegionKind::Rodata, kCodeLimit, kRodataLimit, "r--") +
                                 region_line(RegionKind::Data, kRodataLimit, kDataLimit, "rw-") +
                                 region_line(RegionKind::Heap, 0x3000, kStackEnd, "rw-") +
                                 region_line(RegionKind::Stack, kStackEnd, kDefaultStackBase + 16, "rw-") +
                                 region_line(RegionKind::Mmio, kDefaultStackBase + 16,
                                             kDefaultStackBase + 16 + 0x10000, "rw-"));
}

TEST(LoaderValid, MmioBaseMeansNothingWithoutTheFlag) {
  Bytes b = valid_file();
  put32(b, kOffMmioBase, kRodataLimit);
  const Image img = s32::isa::load_s32x(b);
  EXPECT_FALSE(img.mmio_base.has_value());
  for (const Region& r : img.regions) EXPECT_NE(r.kind, RegionKind::Mmio);
}

TEST(LoaderValid, StackMayReachTheTopOfTheAddressSpace) {
  Bytes b = valid_file();
  put32(b, kOffStackBase, 0xFFFFFFF0);
  const Image img = s32::isa::load_s32x(b);
  EXPECT_EQ(img.stack_pointer, 0xFFFFFFF0u);
  ASSERT_FALSE(img.regions.empty());
  EXPECT_EQ(img.regions.back().kind, RegionKind::Stack);
  EXPECT_EQ(img.regions.back().base, kStackEnd);
  EXPECT_EQ(img.regions.back().end(), kAddressSpace);
}

TEST(LoaderValid, EntryAndInitialStackPointer) {
  const Image img = s32::isa::load_s32x(valid_file());
  const auto* start = img.find_symbol("_start");
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(img.entry, 4u) << "_start follows the one-instruction helper";
  EXPECT_EQ(img.entry, start->value);
  EXPECT_EQ(img.stack_pointer, kDefaultStackBase);
  EXPECT_EQ(img.flags, std::uint32_t{kFlagWxorX});
}

TEST(LoaderValid, SegmentsCarryTheFileBytesAndBssIsZeroFill) {
  const Bytes& b = valid_file();
  const Image img = s32::isa::load_s32x(b);
  ASSERT_EQ(img.segments.size(), 4u) << "symbol and string tables are not loaded";
  const auto& text = img.segments[0];
  EXPECT_EQ(text.name, ".text");
  EXPECT_EQ(text.vaddr, 0u);
  EXPECT_EQ(text.mem_size, text.bytes.size());
  const std::uint32_t text_off = section_field(b, ".text", kEntOffset);
  EXPECT_EQ(text.bytes, Bytes(b.begin() + text_off, b.begin() + text_off + text.mem_size));
  const auto& rodata = img.segments[1];
  EXPECT_EQ(rodata.name, ".rodata");
  EXPECT_EQ(rodata.vaddr, kCodeLimit);
  EXPECT_EQ(std::string(rodata.bytes.begin(), rodata.bytes.end()), std::string("loader", 7));
  const auto& data = img.segments[2];
  EXPECT_EQ(data.name, ".data");
  EXPECT_EQ(data.vaddr, kRodataLimit);
  EXPECT_EQ(data.bytes, (Bytes{0x78, 0x56, 0x34, 0x12}));
  const auto& bss = img.segments[3];
  EXPECT_EQ(bss.name, ".bss");
  EXPECT_EQ(bss.vaddr, kBssStart);
  EXPECT_EQ(bss.mem_size, 64u);
  EXPECT_TRUE(bss.bytes.empty());
}

TEST(LoaderValid, PartlyInitialisedSectionIsZeroFilledBeyondItsBytes) {
  Bytes b = valid_file();
  set_section_field(b, ".bss", kEntMemSize, 0);
  set_section_field(b, ".data", kEntMemSize, kDataLimit - kRodataLimit);
  const Image img = s32::isa::load_s32x(b);
  ASSERT_EQ(img.segments.size(), 3u);
  EXPECT_EQ(img.segments[2].bytes.size(), 4u);
  EXPECT_EQ(img.segments[2].mem_size, kDataLimit - kRodataLimit);
}

TEST(LoaderValid, SymbolsByNameAndByAddress) {
  const Image img = s32::isa::load_s32x(valid_file());
  const auto* start = img.find_symbol("_start");
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->type, kSymFunc);
  EXPECT_EQ(start->binding, kBindGlobal);
  EXPECT_FALSE(start->absolute);
  ASSERT_GT(start->size, 4u);
  const auto* inside = img.symbol_for(start->value + start->size - 4);
  ASSERT_NE(inside, nullptr);
  EXPECT_EQ(inside->name, "_start");

  // Linker-defined names share these addresses; the located, typed symbol wins.
  const auto* at_zero = img.symbol_for(0);
  ASSERT_NE(at_zero, nullptr);
  EXPECT_EQ(at_zero->name, "helper");
  const auto* at_data = img.symbol_for(kRodataLimit);
  ASSERT_NE(at_data, nullptr);
  EXPECT_EQ(at_data->name, "counter");
  EXPECT_EQ(at_data->type, kSymObject);
  EXPECT_EQ(at_data->size, 4u);

  const auto* buffer = img.find_symbol("buffer");
  ASSERT_NE(buffer, nullptr);
  EXPECT_EQ(buffer->value, kBssStart);
  EXPECT_EQ(buffer->binding, kBindLocal);
  const auto* data_start = img.find_symbol("__data_start");
  ASSERT_NE(data_start, nullptr);
  EXPECT_TRUE(data_start->absolute);
  EXPECT_EQ(data_start->value, kRodataLimit);
  EXPECT_EQ(img.find_symbol("no_such_symbol"), nullptr);
  for (std::size_t i = 1; i < img.symbols.size(); ++i) EXPECT_LE(img.symbols[i - 1].value, img.symbols[i].value);
}

TEST(LoaderValid, StrippedFileHasNoSymbols) {
  const Image img = s32::isa::load_s32x(s32::as::assemble(kProgram, options_with(false, true, true)));
  EXPECT_TRUE(img.symbols.empty());
  EXPECT_EQ(img.symbol_for(4), nullptr);
  EXPECT_EQ(img.entry, 4u);
}

// ---------------------------------------------------------------------------
// Malformed files, one per way of being wrong

struct MalformedCase {
  const char* name;
  bool mmio;  // start from the file with an MMIO window
  std::function<void(Bytes&)> corrupt;
  const char* expected;  // the message must contain this
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }

std::function<void(Bytes&)> set_header(std::uint32_t off, std::uint32_t v) {
  return [=](Bytes& b) { put32(b, off, v); };
}

std::function<void(Bytes&)> set_section(const char* name, EntryField field, std::uint32_t v) {
  return [=](Bytes& b) { set_section_field(b, name, field, v); };
}

std::size_t first_symbol(const Bytes& b) { return section_field(b, ".symtab", kEntOffset); }

const std::vector<MalformedCase>& malformed_cases() {
  static const std::vector<MalformedCase> cases = {
      {"EmptyFile", false, [](Bytes& b) { b.clear(); }, "truncated header"},
      {"BadMagic", false, set_header(kOffMagic, 0x58323353), "bad magic"},
      {"BadVersion", false, [](Bytes& b) { b[kOffVersion] = 2; }, "version"},
      {"BadEndian", false, [](Bytes& b) { b[kOffEndian] = 2; }, "byte order"},
      {"BadMachine", false, [](Bytes& b) { b[kOffMachine] = 0x64; }, "machine"},
      {"SectionTableOffsetPastEnd", false, [](Bytes& b) { put32(b, kOffSecOffset, file_size(b)); },
       "section table"},
      {"SectionTableOffsetNear4G", false, set_header(kOffSecOffset, 0xFFFFFFFF), "section table"},
      {"SectionCountPastEnd", false, [](Bytes& b) { put32(b, kOffNsections, file_size(b) / kSectionEntrySize); },
       "section table"},
      {"HugeSectionCountAtOffsetNear4G", false,
       [](Bytes& b) {
         put32(b, kOffNsections, 0xFFFFFFFF);
         put32(b, kOffSecOffset, 0xFFFFFFF0);
       },
       "section table"},
      // 0x0924924A entries of 28 bytes are 2^32 + 24 bytes: small in 32 bits.
      {"SectionTableSizeWrapsIn32Bits", false, set_header(kOffNsections, 0x0924924A), "section table"},
      {"SectionNameOffsetPastStringTable", false,
       [](Bytes& b) { set_section_field(b, ".text", kEntName, get32(b, kOffStrSize)); }, "past its string table"},
      {"SectionNameOffsetNear4G", false, set_section(".data", kEntName, 0xFFFFFFFF), "past its string table"},
      {"SectionNameTableWithoutFinalNul", false, [](Bytes& b) { put32(b, kOffStrSize, get32(b, kOffStrSize) - 1); },
       "no terminating NUL"},
      {"SectionNameTablePastEnd", false,
       [](Bytes& b) { put32(b, kOffStrSize, file_size(b) - get32(b, kOffStrOffset) + 1); }, "section-name table"},
      {"SectionNameTableWrapsPast4G", false,
       [](Bytes& b) {
         put32(b, kOffStrOffset, 0xFFFFFFF0);
         put32(b, kOffStrSize, 0x20);
       },
       "section-name table"},
      {"SectionDataPastEnd", false, [](Bytes& b) { set_section_field(b, ".text", kEntOffset, file_size(b) - 4); },
       "past the end of the file"},
      {"SectionDataWrapsPast4G", false, set_section(".text", kEntOffset, 0xFFFFFFF0), "past the end of the file"},
      {"SectionSizeHuge", false, set_section(".rodata", kEntSize, 0xFFFFFFFF), "past the end of the file"},
      {"SymbolTableDataPastEnd", false, set_section(".symtab", kEntOffset, 0xFFFFFFF8), "past the end of the file"},
      {"SectionAddressWrapsPast4G", false,
       [](Bytes& b) {
         set_section_field(b, ".bss", kEntVaddr, 0xFFFFFF00);
         set_section_field(b, ".bss", kEntMemSize, 0x200);
       },
       "wraps past the 4 GiB"},
      {"SectionsOverlap", false, set_section(".data", kEntVaddr, kCodeLimit), "overlaps another section"},
      {"SectionOutsideMappedMemory", false, set_section(".bss", kEntVaddr, 0x20000000), "outside mapped memory"},
      {"SectionReachesTheGapBelowTheHeap", false, set_section(".bss", kEntMemSize, 0x1000), "outside mapped memory"},
      {"SectionInTheMmioWindow", true, set_section(".bss", kEntVaddr, kMmioBase), "outside mapped memory"},
      {"SectionAboveTheStack", false, set_section(".bss", kEntVaddr, kDefaultStackBase + 8), "outside mapped memory"},
      {"SectionFileSizeExceedsMemSize", false, set_section(".data", kEntMemSize, 2), "more file bytes"},
      {"RodataLimitBelowCodeLimit", false, set_header(kOffRodataLimit, kCodeLimit - 4), "rodata_limit"},
      {"DataLimitBelowRodataLimit", false, set_header(kOffDataLimit, kRodataLimit - 4), "data_limit"},
      {"StackBaseBelowStackEnd", false, set_header(kOffStackBase, kStackEnd - 16), "stack_base"},
      {"StackBaseNear4G", false, set_header(kOffStackBase, 0xFFFFFFF8), "stack_base"},
      {"StackOverlapsData", false, set_header(kOffStackEnd, kDataLimit - 4), "stack"},
      {"EntryAtCodeLimit", false, set_header(kOffEntry, kCodeLimit), "entry point"},
      {"EntryInLastPartialWord", false, set_header(kOffEntry, kCodeLimit - 2), "entry point"},
      {"EntryNear4G", false, set_header(kOffEntry, 0xFFFFFFFF), "entry point"},
      {"NoCodeRegion", false,
       [](Bytes& b) {
         put32(b, kOffCodeLimit, 0);
         put32(b, kOffEntry, 0);
       },
       "entry point"},
      {"MmioWindowOverlapsStackBottom", true, set_header(kOffMmioBase, kStackEnd - 0x8000), "overlaps the stack"},
      {"MmioWindowOverlapsStackTop", true, set_header(kOffMmioBase, kDefaultStackBase), "overlaps the stack"},
      {"MmioWindowOverlapsData", true, set_header(kOffMmioBase, kRodataLimit), "overlaps code or data"},
      {"MmioWindowPast4G", true, set_header(kOffMmioBase, 0xFFFF8000), "runs past the 4 GiB"},
      {"MmioWindowMisaligned", true, set_header(kOffMmioBase, kMmioBase + 2), "not word-aligned"},
      {"CompressedSections", false,
       [](Bytes& b) { put32(b, kOffFlags, get32(b, kOffFlags) | kFlagCompressed); }, "compressed"},
      {"SymbolTableSizeNotMultipleOf16", false,
       [](Bytes& b) { set_section_field(b, ".symtab", kEntSize, section_field(b, ".symtab", kEntSize) - 4); },
       "multiple of 16"},
      {"SymbolStringTableMissing", false, set_section(".strtab", kEntType, kSecNull), "no symbol string table"},
      {"SymbolStringTableWithoutFinalNul", false,
       [](Bytes& b) { set_section_field(b, ".strtab", kEntSize, section_field(b, ".strtab", kEntSize) - 1); },
       "no terminating NUL"},
      {"SymbolStringTableEmpty", false, set_section(".strtab", kEntSize, 0), "past its string table"},
      {"SymbolNameOffsetNear4G", false, [](Bytes& b) { put32(b, first_symbol(b), 0xFFFFFFFF); },
       "past its string table"},
      // A name is file contents too: it must not break the message in two.
      {"NewlineInSectionName", false,
       [](Bytes& b) {
         b.at(get32(b, kOffStrOffset) + section_field(b, ".data", kEntName) + 2) = '\n';
         put32(b, section_entry(b, std::string(".d\nta")) + kEntVaddr, kCodeLimit);
       },
       "overlaps another section"},
  };
  return cases;
}

Bytes malformed_file(const MalformedCase& c) {
  Bytes b = c.mmio ? valid_mmio_file() : valid_file();
  c.corrupt(b);
  return b;
}

class LoaderMalformed : public testing::TestWithParam<MalformedCase> {};

TEST_P(LoaderMalformed, IsRejectedWithOneLineNamingTheProblem) {
  const Bytes b = malformed_file(GetParam());
  try {
    const Image img = s32::isa::load_s32x(b);
    ADD_FAILURE() << "accepted; memory map:\n" << memory_map(img);
  } catch (const LoadError& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(single_line(msg)) << "'" << msg << "'";
    EXPECT_NE(msg.find(GetParam().expected), std::string::npos) << "'" << msg << "'";
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, LoaderMalformed, testing::ValuesIn(malformed_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LoaderMalformedHeader, EveryTruncatedHeaderLengthIsRejected) {
  for (std::size_t len = 0; len < kHeaderSize; ++len) {
    const Bytes b(valid_file().begin(), valid_file().begin() + static_cast<std::ptrdiff_t>(len));
    try {
      s32::isa::load_s32x(b);
      ADD_FAILURE() << len << "-byte header accepted";
    } catch (const LoadError& e) {
      EXPECT_TRUE(single_line(e.what())) << e.what();
      EXPECT_NE(std::string(e.what()).find("truncated header"), std::string::npos) << len << ": " << e.what();
    }
  }
}

// ---------------------------------------------------------------------------
// Systematic corruption of valid files

// Offsets of every header word and every section-table word.
std::vector<std::size_t> table_words(const Bytes& b) {
  std::vector<std::size_t> offs;
  for (std::size_t off = 0; off < kHeaderSize; off += 4) offs.push_back(off);
  const std::size_t table = get32(b, kOffSecOffset);
  for (std::size_t i = 0; i < std::size_t{get32(b, kOffNsections)} * kSectionEntrySize; i += 4)
    offs.push_back(table + i);
  return offs;
}

class LoaderFuzz : public testing::TestWithParam<bool> {
 protected:
  const Bytes& file() const { return GetParam() ? valid_mmio_file() : valid_file(); }
};

TEST_P(LoaderFuzz, EveryTableWordWithNastyValues) {
  const Bytes& valid = file();
  int loaded = 0, rejected = 0;
  for (const std::size_t off : table_words(valid)) {
    const std::uint32_t orig = get32(valid, off);
    for (const std::uint32_t v : {0u, 0xFFFFFFFFu, 0x80000000u, file_size(valid), file_size(valid) + 1,
                                  ~orig, orig + 1, orig - 1, orig + 0x1000}) {
      Bytes b = valid;
      put32(b, off, v);
      (load_or_reject(b, "word at " + hex(off) + " = " + hex(v)) == Outcome::Loaded ? loaded : rejected)++;
    }
  }
  // Both outcomes must occur, or the corruption missed the checks entirely.
  EXPECT_GT(loaded, 0);
  EXPECT_GT(rejected, 0);
}

TEST_P(LoaderFuzz, EveryBitOfHeaderAndSectionTable) {
  const Bytes& valid = file();
  for (const std::size_t off : table_words(valid)) {
    for (unsigned bit = 0; bit < 32; ++bit) {
      Bytes b = valid;
      put32(b, off, get32(b, off) ^ (1u << bit));
      load_or_reject(b, "word at " + hex(off) + " bit " + std::to_string(bit));
    }
  }
}

TEST_P(LoaderFuzz, EveryTruncationIsRejected) {
  const Bytes& valid = file();
  // The string table of the symbols is the file's last byte, so every shorter
  // file cuts into something the loader needs.
  ASSERT_EQ(std::uint64_t{section_field(valid, ".strtab", kEntOffset)} + section_field(valid, ".strtab", kEntSize),
            valid.size());
  for (std::size_t len = 0; len < valid.size(); ++len) {
    const Bytes b(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_EQ(load_or_reject(b, "truncated to " + std::to_string(len)), Outcome::Rejected) << len;
  }
}

TEST_P(LoaderFuzz, RandomWordsAnywhere) {
  const Bytes& valid = file();
  std::mt19937 rng(GetParam() ? 2 : 1);
  std::uniform_int_distribution<std::size_t> where(0, valid.size() / 4 - 1);
  std::uniform_int_distribution<std::uint32_t> value;
  std::uniform_int_distribution<int> count(1, 4);
  for (int iter = 0; iter < 4000; ++iter) {
    Bytes b = valid;
    std::string what = "iteration " + std::to_string(iter) + ":";
    for (int n = count(rng); n > 0; --n) {
      const std::size_t off = where(rng) * 4;
      const std::uint32_t v = value(rng) & (iter % 2 ? 0xFFFFFFFFu : 0x3Fu);  // small values hit sizes and offsets
      put32(b, off, v);
      what += " " + hex(off) + "=" + hex(v);
    }
    load_or_reject(b, what);
  }
}

INSTANTIATE_TEST_SUITE_P(Files, LoaderFuzz, testing::Bool(),
                         [](const auto& info) { return std::string(info.param ? "Mmio" : "Plain"); });

// ---------------------------------------------------------------------------
// The file API and s32dis

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "s32x_loader_test.XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, const Bytes& bytes) const {
    const std::string path = (path_ / name).string();
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
    return path;
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct DisRun {
  int exit_code = -1;  // -1: did not exit normally
  std::string err;
};

DisRun run_s32dis(const TempDir& dir, const std::string& file) {
  const std::string err = dir.path("stderr.txt");
  const std::string cmd = "'" S32_DIS_PATH "' '" + file + "' >/dev/null 2>'" + err + "'";
  const int status = std::system(cmd.c_str());
  DisRun run;
  if (status != -1 && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  run.err = read_text(err);
  return run;
}

TEST(LoaderFile, LoadsFromDiskAndRejectsWhatIsNotAReadableFile) {
  const TempDir dir;
  const Image img = s32::isa::load_s32x_file(dir.write("ok.s32x", valid_file()));
  EXPECT_EQ(img.entry, 4u);
  try {
    s32::isa::load_s32x_file(dir.path("missing.s32x"));
    ADD_FAILURE() << "a missing file loaded";
  } catch (const LoadError& e) {
    EXPECT_TRUE(single_line(e.what())) << e.what();
    EXPECT_NE(std::string(e.what()).find("missing.s32x"), std::string::npos) << e.what();
  }
  try {
    s32::isa::load_s32x_file(dir.path("."));
    ADD_FAILURE() << "a directory loaded";
  } catch (const LoadError& e) {
    EXPECT_TRUE(single_line(e.what())) << e.what();
    EXPECT_NE(std::string(e.what()).find("cannot read"), std::string::npos) << e.what();
  }
}

TEST(LoaderCli, ValidFileExitsZeroWithNothingOnStderr) {
  const TempDir dir;
  const DisRun run = run_s32dis(dir, dir.write("ok.s32x", valid_file()));
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.err, "");
}

TEST(LoaderCli, MalformedFilesExitOneWithExactlyOneStderrLine) {
  const TempDir dir;
  std::vector<std::string> files;
  for (const char* name : {"EmptyFile", "BadMagic", "HugeSectionCountAtOffsetNear4G", "SectionDataWrapsPast4G",
                           "StackBaseNear4G", "MmioWindowOverlapsStackBottom", "CompressedSections",
                           "SymbolStringTableWithoutFinalNul", "NewlineInSectionName"}) {
    const auto& cases = malformed_cases();
    const auto it = std::find_if(cases.begin(), cases.end(), [&](const auto& c) { return c.name == std::string(name); });
    ASSERT_NE(it, cases.end()) << name;
    files.push_back(dir.write(std::string(name) + ".s32x", malformed_file(*it)));
  }
  files.push_back(dir.write("truncated.s32x", Bytes(valid_file().begin(), valid_file().end() - 1)));
  files.push_back(dir.path("missing.s32x"));
  files.push_back(dir.path("."));
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    const DisRun run = run_s32dis(dir, f);
    EXPECT_EQ(run.exit_code, 1);
    ASSERT_FALSE(run.err.empty());
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "'" << run.err << "'";
    EXPECT_EQ(run.err.rfind("s32dis: " + f + ": ", 0), 0u) << "'" << run.err << "'";
  }
}

}  // namespace
