#include "host/tube_service.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "host/host_abi.hpp"
#include "host/service_call.hpp"

namespace s32::host {

std::uint64_t fnv1a64(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::uint64_t TubeFrame::hash() const { return fnv1a64(text); }

std::optional<TubeFrame> tube_frame(const std::vector<std::uint32_t>& words) {
  enum Op : std::uint32_t { kEnd, kMove, kDraw, kPoint, kInten, kColor };
  TubeFrame f;
  std::uint32_t intensity = 255, colour = 0xFFFFFF;
  const auto rgbi = [&] {
    return " " + std::to_string(colour >> 16 & 0xFF) + " " + std::to_string(colour >> 8 & 0xFF) + " " +
           std::to_string(colour & 0xFF) + " " + std::to_string(intensity) + "\n";
  };
  for (std::uint32_t w : words) {
    const std::uint32_t op = w >> 28;
    const std::string xy = std::to_string(w >> 16 & 0xFFF) + " " + std::to_string(w >> 4 & 0xFFF);
    switch (op) {
      case kEnd: return f;
      case kMove: f.text += "M " + xy + "\n"; break;
      case kDraw: f.text += "D " + xy + rgbi(); break;
      case kPoint: f.text += "P " + xy + rgbi(); break;
      case kInten: intensity = w & 0xFF; break;
      case kColor: colour = w & 0xFFFFFF; break;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

TubeService::TubeService(const TubeConfig& config) : config_(config) {
  // Any failure but "already there" quietly turns the journal off, as in
  // the public emulator.
  if (!config_.dump_dir.empty())
    journaling_ = ::mkdir(config_.dump_dir.c_str(), 0777) == 0 || errno == EEXIST;
}

void TubeService::preload_keys() {
  if (config_.keys_file.empty()) return;
  std::ifstream in(config_.keys_file, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::size_t at = 0; at + 4 <= data.size(); at += 4) {
    std::uint32_t rec;
    std::memcpy(&rec, data.data() + at, 4);
    if (keys_.size() == kKeyQueue) keys_.pop_front();
    keys_.push_back(rec);
  }
}

void TubeService::journal(const TubeFrame& frame) {
  const unsigned index = dump_index_++;
  if (!journaling_) return;
  char name[16];
  std::snprintf(name, sizeof name, "%06u", index);
  const std::string base = config_.dump_dir + "/" + name;
  char hex[24];
  std::snprintf(hex, sizeof hex, "%016llx\n", static_cast<unsigned long long>(frame.hash()));
  std::ofstream(base + ".hash", std::ios::binary) << hex;
  if (config_.dump_full) std::ofstream(base + ".txt", std::ios::binary) << frame.text;
}

std::uint64_t TubeService::present(const Request& req, GuestMemory& mem, Completion& c) {
  const std::uint32_t addr = req.status;
  if (!open_ || req.length == 0 || req.length > kMaxListWords || addr % 4 != 0) {
    fail(c, EINVAL);
    return 0;
  }
  // Words are read one by one up to END: the list may end well before the
  // count the guest gave, next to memory that is not there.
  std::vector<std::uint32_t> words;
  for (std::uint32_t i = 0; i < req.length; ++i) {
    const std::uint64_t at = std::uint64_t{addr} + 4ull * i;
    std::uint8_t b[4];
    if (at + 4 > (std::uint64_t{1} << 32) || at < config_.code_limit ||
        !mem.read(static_cast<std::uint32_t>(at), b, 4)) {
      fail(c, EINVAL);
      return 4ull * i;
    }
    std::uint32_t w;
    std::memcpy(&w, b, 4);
    words.push_back(w);
    if (w >> 28 == 0) break;
  }
  std::optional<TubeFrame> frame = tube_frame(words);
  if (!frame) {
    fail(c, EINVAL);
    return 4ull * words.size();
  }
  journal(*frame);
  generation_ = req.offset;
  frames_ = (frames_ + 1) & 0xFFFFFF;
  snapshot_ = std::move(frame);
  ok(c);
  return 4ull * words.size();
}

std::uint64_t TubeService::serve(std::uint32_t sub, const Request& req, DataBuffer& buf, GuestMemory& mem,
                                 Completion& c) {
  ok(c);
  switch (sub) {
    case kInfo: ok(c, 0x00010001, 0); return 0;
    case kOpen:
      if (open_ || req.status != 1 || req.length != 0) {
        fail(c, EINVAL);
        return 0;
      }
      open_ = true;
      preload_keys();
      return 0;
    case kClose:
      open_ = false;
      snapshot_.reset();
      keys_.clear();
      return 0;
    case kPresent: return present(req, mem, c);
    case kStatus: ok(c, frames_, 0); return 0;
    case kKeys: {
      // The public emulator checks offset + length in 32 bits, which a huge
      // length wraps past; here the whole range must lie in the buffer.
      if (req.length % 4 != 0 || !need(buf, req.offset, req.length, c)) {
        fail(c, EINVAL);
        return 0;
      }
      const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(req.length / 4, keys_.size()));
      for (std::uint32_t i = 0; i < n; ++i) {
        buf.put_u32(req.offset + 4 * i, keys_.front());
        keys_.pop_front();
      }
      ok(c, n, 4 * n);
      return 4ull * n;
    }
    default: fail(c, EINVAL); return 0;
  }
}

}  // namespace s32::host
