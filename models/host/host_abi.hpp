// The host-service side of the SLOW-32 ring ABI (ring-abi.md): request
// opcodes, response statuses and record sizes. The window layout that
// carries them is the ring device's business (ring/ring_layout.hpp).
#pragma once

#include <cstdint>

namespace s32::host {

enum Opcode : std::uint32_t {
  kNop = 0x00,
  kPutchar = 0x01,
  kGetchar = 0x02,
  kWrite = 0x03,
  kRead = 0x04,
  kOpen = 0x05,
  kClose = 0x06,
  kSeek = 0x07,
  kExit = 0x09,
  kStat = 0x0A,
  kFlush = 0x0B,
  kReadDirect = 0x0C,
  kFtruncate = 0x0D,
  kExec = 0x10,
  kSocket = 0x40,
  kConnect = 0x41,
  kAccept = 0x42,
  kSend = 0x43,
  kRecv = 0x44,
  kShutdown = 0x45,
  kBind = 0x46,
  kListen = 0x47,
  kGetsockname = 0x48,
  kUnlink = 0x20,
  kRename = 0x21,
  kMkdir = 0x22,
  kRmdir = 0x23,
  kLstat = 0x24,
  kAccess = 0x25,
  kChdir = 0x26,
  kGetcwd = 0x27,
  kOpendir = 0x28,
  kReaddir = 0x29,
  kClosedir = 0x2A,
  kRewinddir = 0x2B,
  kGettime = 0x30,
  kSleep = 0x31,
  kGettz = 0x35,
  kArgsInfo = 0x60,
  kArgsData = 0x61,
  kEnvpInfo = 0x62,
  kEnvpData = 0x63,
  kGetenv = 0x64,
  kSvcRequest = 0xF0,
  kSvcRelease = 0xF1,
  kSvcQuery = 0xF2,
  kSvcList = 0xF3,
  kSvcVersion = 0xF4,
};

// The mnemonic of a known opcode ("WRITE"), or nullptr.
const char* opcode_name(std::uint32_t opcode);

enum Status : std::uint32_t {
  kStatusOk = 0,
  kStatusEndOfDir = 0xFFFFFFFD,
  kStatusInterrupted = 0xFFFFFFFE,
  kStatusErr = 0xFFFFFFFF,
};

inline constexpr std::uint32_t kDataBufferSize = 0xC000;  // 49,152 bytes
inline constexpr std::uint32_t kStatRecordSize = 112;
inline constexpr std::uint32_t kDirentRecordSize = 272;
inline constexpr std::uint32_t kTimeRecordSize = 16;
inline constexpr std::uint32_t kInfoRecordSize = 16;
inline constexpr unsigned kMaxGuestFds = 128;

}  // namespace s32::host
