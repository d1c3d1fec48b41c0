#include "trace/vcd_writer.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

#include "trace/output_file.hpp"

namespace s32::trace {

namespace {

constexpr std::size_t kBufferSize = 1 << 20;

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
  buf_.reserve(kBufferSize + 256);
}

VcdWriter::~VcdWriter() { close(now_); }

void VcdWriter::add_clock(const std::string& scope, const std::string& name, std::uint64_t period_ps) {
  clock_ = static_cast<int>(vars_.size());
  clock_half_ = period_ps / 2;
  vars_.push_back({scope, name, id_code(vars_.size()), 1, 1, true});
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
  vars_.push_back({scope, name, id_code(vars_.size()), width, 0, false});
  return static_cast<Id>(vars_.size() - 1);
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
  buf_.insert(buf_.end(), s, s + n);
  if (buf_.size() >= kBufferSize) flush_buffer();
}

void VcdWriter::flush_buffer() {
  if (!file_ || buf_.empty()) return;
  if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) ok_ = false;
  buf_.clear();
}

void VcdWriter::emit_time(std::uint64_t t) {
  if (t == last_emitted_) return;
  last_emitted_ = t;
  char s[24];
  const int n = std::snprintf(s, sizeof s, "#%llu\n", static_cast<unsigned long long>(t));
  put(s, static_cast<std::size_t>(n));
}

void VcdWriter::emit_value(const Var& v) {
  char s[80];
  std::size_t n = 0;
  if (v.width == 1) {
    s[n++] = (v.value & 1) ? '1' : '0';
  } else {
    s[n++] = 'b';
    int top = static_cast<int>(v.width) - 1;
    while (top > 0 && !((v.value >> top) & 1)) --top;  // no leading zeros
    for (int b = top; b >= 0; --b) s[n++] = ((v.value >> b) & 1) ? '1' : '0';
    s[n++] = ' ';
  }
  std::memcpy(s + n, v.code.data(), v.code.size());
  n += v.code.size();
  s[n++] = '\n';
  put(s, n);
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
