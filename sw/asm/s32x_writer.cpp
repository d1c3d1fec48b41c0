#include "s32x_writer.hpp"

#include <map>

namespace s32::as {

namespace {

void put32(std::vector<std::uint8_t>& b, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

void pad_to(std::vector<std::uint8_t>& b, std::size_t alignment) {
  while (b.size() % alignment) b.push_back(0);
}

// A string table that starts with NUL and stores each string once.
class StringTable {
 public:
  StringTable() : bytes_(1, 0) {}
  std::uint32_t add(const std::string& s) {
    if (s.empty()) return 0;
    auto [it, inserted] = index_.emplace(s, static_cast<std::uint32_t>(bytes_.size()));
    if (inserted) {
      bytes_.insert(bytes_.end(), s.begin(), s.end());
      bytes_.push_back(0);
    }
    return it->second;
  }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::map<std::string, std::uint32_t> index_;
};

}  // namespace

std::vector<std::uint8_t> write_s32x(const WriterInput& in) {
  using namespace s32::s32x;
  struct Entry {
    std::uint32_t name, type, vaddr, offset, size, mem_size, flags;
    const std::vector<std::uint8_t>* data;
  };
  StringTable names;
  std::vector<Entry> entries;
  for (const WriterSection& s : in.sections)
    entries.push_back({names.add(s.name), s.type, s.vaddr, 0, static_cast<std::uint32_t>(s.bytes.size()),
                       s.mem_size, s.flags, &s.bytes});

  std::vector<std::uint8_t> symtab;
  StringTable symnames;
  if (!in.symbols.empty()) {
    for (const WriterSymbol& sym : in.symbols) {
      std::uint8_t e[kSymbolEntrySize] = {};
      const std::uint32_t n = symnames.add(sym.name);
      for (int i = 0; i < 4; ++i) {
        e[i] = static_cast<std::uint8_t>(n >> (8 * i));
        e[4 + i] = static_cast<std::uint8_t>(sym.value >> (8 * i));
        e[12 + i] = static_cast<std::uint8_t>(sym.size >> (8 * i));
      }
      e[8] = static_cast<std::uint8_t>(sym.section);
      e[9] = static_cast<std::uint8_t>(sym.section >> 8);
      e[10] = sym.type;
      e[11] = sym.binding;
      symtab.insert(symtab.end(), e, e + kSymbolEntrySize);
    }
    entries.push_back({names.add(".symtab"), kSecSymtab, 0, 0, static_cast<std::uint32_t>(symtab.size()), 0, 0, &symtab});
    entries.push_back({names.add(".strtab"), kSecStrtab, 0, 0, static_cast<std::uint32_t>(symnames.bytes().size()), 0,
                       0, &symnames.bytes()});
  }

  std::vector<std::uint8_t> out(kHeaderSize + entries.size() * kSectionEntrySize, 0);
  const std::uint32_t str_offset = static_cast<std::uint32_t>(out.size());
  out.insert(out.end(), names.bytes().begin(), names.bytes().end());
  pad_to(out, 16);
  for (Entry& e : entries) {
    if (e.size == 0) continue;
    pad_to(out, 4);
    e.offset = static_cast<std::uint32_t>(out.size());
    out.insert(out.end(), e.data->begin(), e.data->end());
  }

  put32(out, kOffMagic, kMagic);
  out[kOffVersion] = static_cast<std::uint8_t>(kVersion);
  out[kOffVersion + 1] = static_cast<std::uint8_t>(kVersion >> 8);
  out[kOffEndian] = kEndianLittle;
  out[kOffMachine] = kMachine;
  put32(out, kOffEntry, in.entry);
  put32(out, kOffNsections, static_cast<std::uint32_t>(entries.size()));
  put32(out, kOffSecOffset, kHeaderSize);
  put32(out, kOffStrOffset, str_offset);
  put32(out, kOffStrSize, static_cast<std::uint32_t>(names.bytes().size()));
  put32(out, kOffFlags, in.flags);
  put32(out, kOffCodeLimit, in.code_limit);
  put32(out, kOffRodataLimit, in.rodata_limit);
  put32(out, kOffDataLimit, in.data_limit);
  put32(out, kOffStackBase, in.stack_base);
  put32(out, kOffMemSize, in.mem_size);
  put32(out, kOffHeapBase, in.heap_base);
  put32(out, kOffStackEnd, in.stack_end);
  put32(out, kOffMmioBase, in.mmio_base);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    const std::size_t base = kHeaderSize + i * kSectionEntrySize;
    const std::uint32_t fields[] = {e.name, e.type, e.vaddr, e.offset, e.size, e.mem_size, e.flags};
    for (int f = 0; f < 7; ++f) put32(out, base + static_cast<std::size_t>(f) * 4, fields[f]);
  }
  return out;
}

}  // namespace s32::as
