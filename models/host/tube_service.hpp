// The `tube` vector-display service (services.md section 6): a display
// list of MOVE/DRAW/POINT/INTEN/COLOR words in guest RAM, walked at each
// PRESENT into a frame whose canonical text and FNV-1a hash match the
// public emulator's; a journal of frame hashes (--tube-dump, S32_TUBE_DUMP)
// and key records injected from a file (--tube-keys, S32_TUBE_KEYS). It
// runs headless: no viewer socket is offered, so INFO and STATUS never
// report one attached.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "host/negotiation.hpp"

namespace s32::host {

struct TubeConfig {
  std::string dump_dir;    // journal directory; empty: no journal
  bool dump_full = false;  // also write each frame's canonical text
  std::string keys_file;   // key records preloaded at every OPEN; empty: none
  std::uint32_t code_limit = 0;  // display lists below this address (code) are refused
};

// One frame: its canonical text (one line per element) or, when the list
// is malformed, nothing.
struct TubeFrame {
  std::string text;
  std::uint64_t hash() const;
};
// Walks `words` (as many as the guest said) up to END. nullopt: an op 6-15
// or no END.
std::optional<TubeFrame> tube_frame(const std::vector<std::uint32_t>& words);
std::uint64_t fnv1a64(const std::string& bytes);

class TubeService : public ServiceSession {
 public:
  enum Sub : std::uint32_t { kInfo, kOpen, kClose, kPresent, kStatus, kKeys, kCount = 16 };
  static constexpr std::uint32_t kMaxListWords = 65536;
  static constexpr std::size_t kKeyQueue = 256;

  explicit TubeService(const TubeConfig& config);

  ServiceClass service_class() const override { return ServiceClass::Control; }
  bool may_block(std::uint32_t) const override { return false; }
  std::uint64_t serve(std::uint32_t sub, const Request& req, DataBuffer& buf, GuestMemory& mem,
                      Completion& c) override;
  void release() override {}

 private:
  std::uint64_t present(const Request& req, GuestMemory& mem, Completion& c);
  void journal(const TubeFrame& frame);
  void preload_keys();

  TubeConfig config_;
  bool journaling_ = false;
  bool open_ = false;
  std::uint32_t frames_ = 0, generation_ = 0, dump_index_ = 0;
  std::optional<TubeFrame> snapshot_;
  std::deque<std::uint32_t> keys_;  // 4-byte records, oldest first
};

}  // namespace s32::host
