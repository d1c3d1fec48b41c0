#include "trace/vcd_writer.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

#include "trace/output_file.hpp"

namespace s32::trace {

namespace {

// VCD allows 1, 10 and 100 of s, ms, us, ns, ps.
constexpr int kMaxTickDigits = 14;

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

constexpr std::uint64_t kTen8 = 100000000;

// The 8 bytes at `p` (a buffer with room for them), as one store.
void store8(char* p, std::uint64_t word) { std::memcpy(p, &word, 8); }

// The characters of a byte's bits, most significant first, as the bytes of
// a little-endian word.
std::uint64_t byte_chars(std::uint64_t byte) {
  std::uint64_t w;
  std::memcpy(&w, kBitChars.bits[byte & 0xFF], 8);
  return w;
}

// The eight decimal digits of `v` < 10^8 (with leading zeros) as the bytes
// of a little-endian word, the first digit in the lowest byte: the halves,
// quarters and digits split in parallel lanes, by multiplications that
// divide exactly in range (n / 100 == n * 5243 >> 19 for n < 43699,
// n / 10 == n * 103 >> 10 for n < 179).
std::uint64_t eight_digits(std::uint64_t v) {
  std::uint64_t w = v / 10000 | (v % 10000) << 32;
  std::uint64_t q = (w * 5243 >> 19) & 0x0000007F0000007Full;
  w = q | (w - q * 100) << 16;
  q = (w * 103 >> 10) & 0x000F000F000F000Full;
  w = q | (w - q * 10) << 8;
  return w | 0x3030303030303030ull;
}

char* put_eight(char* p, std::uint64_t v) {
  store8(p, eight_digits(v));
  return p + 8;
}

// Digits of `v` < 10^8 (one for 0).
unsigned digits8(std::uint64_t v) {
  static const std::uint32_t powers[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  const auto x = static_cast<std::uint32_t>(v | 1);
  const unsigned guess = (32 - static_cast<unsigned>(__builtin_clz(x))) * 1233 >> 12;
  return guess + 1 - (x < powers[guess]);
}

// `v` < 10^8 without leading zeros.
char* put_leading(char* p, std::uint64_t v) {
  const unsigned digits = digits8(v);
  store8(p, eight_digits(v) >> (8 * (8 - digits)));
  return p + digits;
}

// Eight decimal digits as numbers 0..9 in the bytes of a word, the least
// significant in the lowest byte, so that carries run as in an integer.
std::uint64_t unpacked(std::uint64_t v) { return __builtin_bswap64(eight_digits(v) & 0x0F0F0F0F0F0F0F0Full); }
std::uint64_t packed(std::uint64_t digits) { return __builtin_bswap64(digits) | 0x3030303030303030ull; }

// Adds two unpacked numbers; returns the carry out of the eighth digit.
// Each byte gets 0xF6 more, so a digit sum of 10 or more carries into the
// next byte by itself; the bytes that did not carry (their top bit set)
// get the 0xF6 back.
bool add_unpacked(std::uint64_t& digits, std::uint64_t other) {
  std::uint64_t sum;
  const bool carry = __builtin_add_overflow(digits, other + 0xF6F6F6F6F6F6F6F6ull, &sum);
  digits = sum - ((sum & 0x8080808080808080ull) >> 7) * 0xF6;
  return carry;
}

// VCD identifier codes: printable characters '!'..'~', shortest first.
std::string id_code(std::size_t n) {
  std::string s;
  do {
    s.push_back(static_cast<char>('!' + n % 94));
    n /= 94;
  } while (n);
  return s;
}

std::string timescale_text(int tick_digits) {
  static const char* const units[] = {"ps", "ns", "us", "ms", "s"};
  static const char* const sizes[] = {"1", "10", "100"};
  return std::string(sizes[tick_digits % 3]) + " " + units[tick_digits / 3];
}

}  // namespace

std::uint64_t vcd_tick_ps(std::uint64_t period_ps) {
  const std::uint64_t half = period_ps / 2;
  std::uint64_t tick = 1;
  for (int d = 0; d < kMaxTickDigits && half && half % (tick * 10) == 0; ++d) tick *= 10;
  return tick;
}

std::uint64_t vcd_unit_ps(std::uint64_t tick_ps) {
  std::uint64_t unit = 1;
  while (tick_ps >= unit * 1000) unit *= 1000;
  return unit;
}

VcdWriter::VcdWriter(const std::string& path, std::uint64_t tick_ps)
    : out_(open_output(path, "VCD"), kBufferSize + kRecordMax), buf_(out_.data()) {
  for (std::uint64_t t = tick_ps; t >= 10 && t % 10 == 0; t /= 10) ++tick_digits_;
  if (tick_digits_ > kMaxTickDigits) throw std::logic_error("VCD timescale out of range");
}

VcdWriter::~VcdWriter() { close(now_); }

void VcdWriter::add_clock(const std::string& scope, const std::string& name, std::uint64_t period_ps) {
  clock_ = static_cast<int>(vars_.size());
  clock_half_ = period_ps / 2;
  vars_.push_back(make_var(scope, name, 1));
  begin_at(now_);
}

void VcdWriter::begin_at(std::uint64_t t) {
  if (header_written_) throw std::logic_error("VCD start moved after the trace started");
  now_ = t;
  if (clock_ < 0 || clock_half_ == 0) return;
  // High for the first half of each period.
  Var& c = vars_[static_cast<std::size_t>(clock_)];
  c.value = (t / clock_half_) % 2 == 0;
  next_edge_ = (t / clock_half_ + 1) * clock_half_;
  mark_dirty(static_cast<Id>(clock_));
}

std::vector<VcdWriter::Declared> VcdWriter::declared() const {
  std::vector<Declared> out;
  for (const Var& v : vars_) out.push_back({v.scope, v.name, v.width});
  return out;
}

TraceSink::Id VcdWriter::declare(const std::string& scope, const std::string& name, unsigned width) {
  // The header lists every value, and is written when time first advances.
  if (header_written_) throw std::logic_error("VCD value '" + name + "' declared after the trace started");
  vars_.push_back(make_var(scope, name, width));
  return static_cast<Id>(vars_.size() - 1);
}

VcdWriter::Var VcdWriter::make_var(const std::string& scope, const std::string& name, unsigned width) const {
  Var v{scope, name, id_code(vars_.size()), width, 0, 0, false, false, {}};
  if (v.code.size() > sizeof v.short_code) throw std::logic_error("too many VCD values");
  std::memcpy(v.short_code, v.code.data(), v.code.size());
  return v;
}

void VcdWriter::write_header() {
  header_written_ = true;
  std::string h = "$timescale " + timescale_text(tick_digits_) + " $end\n$scope module s32sim $end\n";
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
  dirty_.reserve(vars_.size());
}

void VcdWriter::put(const char* s, std::size_t n) {
  while (n) {
    const std::size_t k = std::min(n, kBufferSize - used_);
    std::memcpy(buf_ + used_, s, k);
    used_ += k;
    s += k;
    n -= k;
    if (used_ >= kBufferSize) flush_buffer();
  }
}

void VcdWriter::flush_buffer() {
  buf_ = out_.submit(used_);
  used_ = 0;
}

std::uint64_t VcdWriter::ticks(std::uint64_t ps) const {
  // Divisions by constants, which compile to multiplications.
  switch (tick_digits_) {
    case 0: return ps;
    case 1: return ps / 10;
    case 2: return ps / 100;
    case 3: return ps / 1000;
    case 4: return ps / 10000;
    case 5: return ps / 100000;
    case 6: return ps / 1000000;
    case 7: return ps / 10000000;
    case 8: return ps / 100000000;
    case 9: return ps / 1000000000;
    case 10: return ps / 10000000000;
    case 11: return ps / 100000000000;
    case 12: return ps / 1000000000000;
    case 13: return ps / 10000000000000;
    default: return ps / 100000000000000;
  }
}

void VcdWriter::emit_time(std::uint64_t t) {
  // A time that differs from the last one only below the timescale (never
  // a clock edge) is the same timestamp.
  const std::uint64_t n = ticks(t);
  if (time_emitted_ && n == last_ticks_) return;
  // Each timestamp is mostly the last plus the same step (half a clock
  // period): its low eight digits are then added to the last ones.
  if (time_emitted_ && n - last_ticks_ == step_) {
    if (add_unpacked(low_, step_digits_)) set_high(high_ + 1);
  } else {
    if (time_emitted_) {
      // A step of 10^8 or more never comes again soon: 0 matches none.
      step_ = n - last_ticks_ < kTen8 ? n - last_ticks_ : 0;
      step_digits_ = unpacked(step_);
    }
    set_high(n / kTen8);
    low_ = unpacked(n % kTen8);
  }
  time_emitted_ = true;
  last_ticks_ = n;
  char* s = record();
  s[0] = '#';
  char* p = s + 1;
  if (high_ == 0) {
    const unsigned digits = digits8(n);
    store8(p, packed(low_) >> (8 * (8 - digits)));
    p += digits;
  } else if (high_ < kTen8) {
    store8(p, high_text_);
    p += high_digits_;
    store8(p, packed(low_));
    p += 8;
  } else {
    p = put_leading(p, n / (kTen8 * kTen8));
    p = put_eight(p, n / kTen8 % kTen8);
    p = put_eight(p, n % kTen8);
  }
  *p++ = '\n';
  used_ += static_cast<std::size_t>(p - s);
}

void VcdWriter::set_high(std::uint64_t high) {
  high_ = high;
  if (high == 0 || high >= kTen8) return;
  high_digits_ = digits8(high);
  high_text_ = eight_digits(high) >> (8 * (8 - high_digits_));
}

void VcdWriter::emit_value(Var& v) {
  v.written = true;
  v.shown = v.value;
  char* s = record();
  char* p = s;
  if (v.width == 1) {
    *p++ = (v.value & 1) ? '1' : '0';
  } else {
    *p++ = 'b';
    // No leading zeros: from the highest set bit (bit 0 for the value 0),
    // the top byte's bits that count, then whole bytes.
    const std::uint64_t value = v.width < 64 ? v.value & ((std::uint64_t{1} << v.width) - 1) : v.value;
    const unsigned bits = value ? 64 - static_cast<unsigned>(__builtin_clzll(value)) : 1;
    const unsigned bytes = (bits + 7) / 8, top = bits - 8 * (bytes - 1);
    store8(p, byte_chars(value >> (8 * (bytes - 1))) >> (8 * (8 - top)));
    p += top;
    for (unsigned b = bytes - 1; b-- > 0; p += 8) store8(p, byte_chars(value >> (8 * b)));
    *p++ = ' ';
  }
  // A fixed-size copy of the padded code; only its length counts.
  std::memcpy(p, v.short_code, sizeof v.short_code);
  p += v.code.size();
  *p++ = '\n';
  used_ += static_cast<std::size_t>(p - s);
}

void VcdWriter::advance(std::uint64_t t) {
  if (!header_written_) write_header();
  // No timestamp when nothing differs from what the file shows (a value
  // that changed and changed back).
  bool timed = false;
  for (Id id : dirty_) {
    Var& v = vars_[id];
    v.dirty = false;
    if (v.written && v.value == v.shown) continue;
    if (!timed) emit_time(now_);
    timed = true;
    emit_value(v);
  }
  dirty_.clear();
  if (clock_ >= 0 && clock_half_ > 0 && next_edge_ <= t) {
    Var& c = vars_[static_cast<std::size_t>(clock_)];
    // Edges strictly between now and t; an edge at t joins t's changes.
    for (; next_edge_ < t; next_edge_ += clock_half_) {
      c.value ^= 1;
      emit_time(next_edge_);
      emit_value(c);
    }
    if (next_edge_ == t) {
      c.value ^= 1;
      next_edge_ += clock_half_;
      mark_dirty(static_cast<Id>(clock_));
    }
  }
  now_ = t;
}

bool VcdWriter::close(std::uint64_t end_ps) {
  if (closed_) return ok_;
  closed_ = true;
  advance(std::max(end_ps, now_) + 1);
  ok_ = out_.close(used_);
  return ok_;
}

}  // namespace s32::trace
