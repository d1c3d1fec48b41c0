// The .s32x executable format (s32x.md): field offsets and constants shared
// by the loader and by s32as, which writes the same format.
#pragma once

#include <cstdint>

namespace s32::s32x {

inline constexpr std::uint32_t kMagic = 0x53333258;  // "X23S" on disk
inline constexpr std::uint16_t kVersion = 1;
inline constexpr std::uint8_t kEndianLittle = 1;
inline constexpr std::uint8_t kMachine = 0x32;

inline constexpr std::uint32_t kHeaderSize = 64;
inline constexpr std::uint32_t kSectionEntrySize = 28;
inline constexpr std::uint32_t kSymbolEntrySize = 16;

// Header field offsets.
enum HeaderOffset : std::uint32_t {
  kOffMagic = 0x00,
  kOffVersion = 0x04,
  kOffEndian = 0x06,
  kOffMachine = 0x07,
  kOffEntry = 0x08,
  kOffNsections = 0x0C,
  kOffSecOffset = 0x10,
  kOffStrOffset = 0x14,
  kOffStrSize = 0x18,
  kOffFlags = 0x1C,
  kOffCodeLimit = 0x20,
  kOffRodataLimit = 0x24,
  kOffDataLimit = 0x28,
  kOffStackBase = 0x2C,
  kOffMemSize = 0x30,
  kOffHeapBase = 0x34,
  kOffStackEnd = 0x38,
  kOffMmioBase = 0x3C,
};

enum HeaderFlag : std::uint32_t {
  kFlagWxorX = 0x01,
  kFlagEvt = 0x02,
  kFlagTsr = 0x04,
  kFlagDebug = 0x08,
  kFlagStripped = 0x10,
  kFlagPic = 0x20,
  kFlagCompressed = 0x40,
  kFlagMmio = 0x80,
};

enum SectionType : std::uint32_t {
  kSecNull = 0,
  kSecCode = 1,
  kSecData = 2,
  kSecBss = 3,
  kSecRodata = 4,
  kSecEvt = 0x10,
  kSecTsr = 0x11,
  kSecDebug = 0x20,
  kSecSymtab = 0x21,
  kSecStrtab = 0x22,
  kSecEhFrame = 0x30,
  kSecEhFrameHdr = 0x31,
  kSecExceptTable = 0x32,
};

enum SectionFlag : std::uint32_t {
  kSecExec = 1,
  kSecWrite = 2,
  kSecRead = 4,
  kSecAlloc = 8,
};

enum SymbolType : std::uint8_t { kSymNone = 0, kSymFunc = 1, kSymObject = 2, kSymSection = 3 };
enum SymbolBinding : std::uint8_t { kBindLocal = 0, kBindGlobal = 1, kBindWeak = 2 };

// Layout facts of the memory map (s32x.md "Memory map set up at load").
inline constexpr std::uint32_t kPageSize = 4096;
inline constexpr std::uint32_t kMinHeapStart = 0x3000;
inline constexpr std::uint32_t kStackTopSlack = 16;  // stack spans [stack_end, stack_base + 16)
inline constexpr std::uint32_t kMmioWindowSize = 0x10000;

// Defaults of the public linker, which s32as follows.
inline constexpr std::uint32_t kDefaultStackBase = 0x0FFFFFF0;
inline constexpr std::uint32_t kDefaultStackSize = 0x10000;
inline constexpr std::uint32_t kDefaultHeapSize = 0x100000;
inline constexpr std::uint32_t kDefaultMemSize = 0x10000000;
// The public interpreter refuses a code region larger than this.
inline constexpr std::uint32_t kPublicInterpreterCodeLimit = 0x100000;

}  // namespace s32::s32x
