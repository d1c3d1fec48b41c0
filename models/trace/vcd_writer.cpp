#include "trace/vcd_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

#include "trace/output_file.hpp"

namespace s32::trace {

namespace {

constexpr std::size_t kBufferSize = 1 << 20;
// The longest record: '#' and 20 digits, or 'b', 64 bits, ' ', a code.
constexpr std::size_t kRecordMax = 96;

// Eight bits of a byte as '0'/'1' characters, most significant first:
// values are formatted a byte at a time, the bulk of a cycle-stepped trace.
struct BitChars {
  char bits[256][8];
  BitChars() {
    for (unsigned v = 0; v < 256; ++v)
      for (unsigned b = 0; b < 8; ++b) bits[v][b] = ((v >> (7 - b)) & 1) ? '1' : '0';
  }
};
const BitChars kBitChars;

// "00".."99", for timestamps two digits at a time.
struct DigitPairs {
  char pairs[100][2];
  DigitPairs() {
    for (unsigned v = 0; v < 100; ++v) {
      pairs[v][0] = static_cast<char>('0' + v / 10);
      pairs[v][1] = static_cast<char>('0' + v % 10);
    }
  }
};
const DigitPairs kDigitPairs;

// VCD identifier codes: printable characters '!'..'~', shortest first.
std::string id_code(std::size_t n) {
  std::string s;
  do {
    s.push_back(static_cast<char>('!' + n % 94));
    n /= 94;
  } while (n);
  return s;
}

}  // namespace

VcdWriter::VcdWriter(const std::string& path) {
  file_ = open_output(path, "VCD");
  buf_.resize(kBufferSize + kRecordMax);
}

VcdWriter::~VcdWriter() { close(now_); }

void VcdWriter::add_clock(const std::string& scope, const std::string& name, std::uint64_t period_ps) {
  clock_ = static_cast<int>(vars_.size());
  clock_half_ = period_ps / 2;
  vars_.push_back(make_var(scope, name, 1, 1, true));
  dirty_.push_back(static_cast<Id>(clock_));
}

void VcdWriter::begin_at(std::uint64_t t) {
  if (header_written_) throw std::logic_error("VCD start moved after the trace started");
  now_ = t;
  if (clock_ >= 0 && clock_half_ > 0) vars_[static_cast<std::size_t>(clock_)].value = (t / clock_half_) % 2 == 0;
}

std::vector<VcdWriter::Declared> VcdWriter::declared() const {
  std::vector<Declared> out;
  for (const Var& v : vars_) out.push_back({v.scope, v.name, v.width});
  return out;
}

TraceSink::Id VcdWriter::declare(const std::string& scope, const std::string& name, unsigned width) {
  // The header lists every value, and is written when time first advances.
  if (header_written_) throw std::logic_error("VCD value '" + name + "' declared after the trace started");
  vars_.push_back(make_var(scope, name, width, 0, false));
  return static_cast<Id>(vars_.size() - 1);
}

VcdWriter::Var VcdWriter::make_var(const std::string& scope, const std::string& name, unsigned width,
                                   std::uint64_t value, bool dirty) const {
  Var v{scope, name, id_code(vars_.size()), width, value, dirty, {}};
  if (v.code.size() > sizeof v.short_code) throw std::logic_error("too many VCD values");
  std::memcpy(v.short_code, v.code.data(), v.code.size());
  return v;
}

void VcdWriter::write_header() {
  header_written_ = true;
  std::string h = "$timescale 1 ps $end\n$scope module s32sim $end\n";
  std::map<std::string, std::vector<const Var*>> scopes;
  for (const Var& v : vars_) scopes[v.scope].push_back(&v);
  for (const auto& [scope, vs] : scopes) {
    if (!scope.empty()) h += "$scope module " + scope + " $end\n";
    for (const Var* v : vs) {
      h += "$var wire " + std::to_string(v->width) + " " + v->code + " " + v->name;
      if (v->width > 1) h += " [" + std::to_string(v->width - 1) + ":0]";
      h += " $end\n";
    }
    if (!scope.empty()) h += "$upscope $end\n";
  }
  h += "$upscope $end\n$enddefinitions $end\n";
  put(h.data(), h.size());
}

void VcdWriter::put(const char* s, std::size_t n) {
  while (n) {
    const std::size_t k = std::min(n, kBufferSize - used_);
    std::memcpy(buf_.data() + used_, s, k);
    used_ += k;
    s += k;
    n -= k;
    if (used_ >= kBufferSize) flush_buffer();
  }
}

char* VcdWriter::record() {
  if (used_ >= kBufferSize) flush_buffer();
  return buf_.data() + used_;
}

void VcdWriter::flush_buffer() {
  if (!file_ || used_ == 0) return;
  if (std::fwrite(buf_.data(), 1, used_, file_) != used_) ok_ = false;
  used_ = 0;
}

void VcdWriter::emit_time(std::uint64_t t) {
  if (t == last_emitted_) return;
  last_emitted_ = t;
  std::size_t n = 1;
  for (std::uint64_t rest = t; rest >= 10; rest /= 10) ++n;
  char* s = record();
  s[0] = '#';
  char* d = s + 1 + n;
  *d = '\n';
  while (t >= 100) {
    d -= 2;
    std::memcpy(d, kDigitPairs.pairs[t % 100], 2);
    t /= 100;
  }
  if (t >= 10) std::memcpy(d - 2, kDigitPairs.pairs[t], 2);
  else d[-1] = static_cast<char>('0' + t);
  used_ += n + 2;
}

void VcdWriter::emit_value(const Var& v) {
  char* s = record();
  std::size_t n = 0;
  if (v.width == 1) {
    s[n++] = (v.value & 1) ? '1' : '0';
  } else {
    s[n++] = 'b';
    // No leading zeros: from the highest set bit (bit 0 for the value 0),
    // the bits above the top whole byte one by one, then whole bytes.
    const std::uint64_t value = v.width < 64 ? v.value & ((std::uint64_t{1} << v.width) - 1) : v.value;
    const unsigned bits = value ? 64 - static_cast<unsigned>(__builtin_clzll(value)) : 1;
    unsigned b = bits;
    for (; b % 8; --b) s[n++] = ((value >> (b - 1)) & 1) ? '1' : '0';
    for (; b; b -= 8) {
      std::memcpy(s + n, kBitChars.bits[(value >> (b - 8)) & 0xFF], 8);
      n += 8;
    }
    s[n++] = ' ';
  }
  // A fixed-size copy of the padded code; only its length counts.
  std::memcpy(s + n, v.short_code, sizeof v.short_code);
  n += v.code.size();
  s[n++] = '\n';
  used_ += n;
}

void VcdWriter::advance(std::uint64_t t) {
  if (!header_written_) write_header();
  if (!dirty_.empty()) {
    emit_time(now_);
    for (Id id : dirty_) {
      vars_[id].dirty = false;
      emit_value(vars_[id]);
    }
    dirty_.clear();
  }
  if (clock_ >= 0 && clock_half_ > 0) {
    Var& c = vars_[static_cast<std::size_t>(clock_)];
    // Edges strictly between now and t; an edge at t joins t's changes.
    for (std::uint64_t e = (now_ / clock_half_ + 1) * clock_half_; e < t; e += clock_half_) {
      c.value = (e / clock_half_) % 2 == 0 ? 1 : 0;
      emit_time(e);
      emit_value(c);
    }
    if (t > now_ && t % clock_half_ == 0) {
      c.value = (t / clock_half_) % 2 == 0 ? 1 : 0;
      if (!c.dirty) {
        c.dirty = true;
        dirty_.push_back(static_cast<Id>(clock_));
      }
    }
  }
  now_ = t;
}

void VcdWriter::change(Id id, std::uint64_t value, std::uint64_t time_ps) {
  if (!file_) return;
  if (time_ps > now_) advance(time_ps);
  Var& v = vars_[id];
  v.value = value;
  if (!v.dirty) {
    v.dirty = true;
    dirty_.push_back(id);
  }
}

bool VcdWriter::close(std::uint64_t end_ps) {
  if (!file_) return ok_;
  advance(std::max(end_ps, now_) + 1);
  flush_buffer();
  if (std::fclose(file_) != 0) ok_ = false;
  file_ = nullptr;
  return ok_;
}

}  // namespace s32::trace
