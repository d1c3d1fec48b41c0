// A VCD writer built for long cycle-by-cycle traces: changes are coalesced
// per timestamp and formatted into a large buffer; a clock is synthesised
// from its period instead of being reported edge by edge. (SystemC's own
// writer formats every timestamp through an iostream, which dominated the
// cost of tracing.) Timescale 1 ps.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "trace/trace_sink.hpp"

namespace s32::trace {

class VcdWriter : public TraceSink {
 public:
  // Throws std::runtime_error when the file cannot be created; see
  // open_output() for `-` and ".gz".
  explicit VcdWriter(const std::string& path);
  ~VcdWriter() override;
  VcdWriter(const VcdWriter&) = delete;
  VcdWriter& operator=(const VcdWriter&) = delete;

  // A clock that is 1 from time 0 for half of each period, then 0.
  void add_clock(const std::string& scope, const std::string& name, std::uint64_t period_ps);

  // Starts the trace at `t` instead of 0 (a window): the first timestamp,
  // and the clock's level there. Before any change.
  void begin_at(std::uint64_t t);

  struct Declared {
    std::string scope, name;
    unsigned width;
  };
  // Every value in the file, clock included, in declaration order.
  std::vector<Declared> declared() const;

  Id declare(const std::string& scope, const std::string& name, unsigned width) override;
  void change(Id id, std::uint64_t value, std::uint64_t time_ps) override;

  // Writes everything up to `end_ps` (clock edges included) and closes the
  // file; returns false if any write failed.
  bool close(std::uint64_t end_ps);

 private:
  struct Var {
    std::string scope, name, code;
    unsigned width;
    std::uint64_t value;
    bool dirty;
    char short_code[8];  // `code`, zero-padded
  };
  Var make_var(const std::string& scope, const std::string& name, unsigned width, std::uint64_t value,
               bool dirty) const;
  void write_header();
  // Emits the changes pending at the current time, then clock edges up to
  // (not including) `t`, and makes `t` current.
  void advance(std::uint64_t t);
  void emit_time(std::uint64_t t);
  void emit_value(const Var& v);
  void put(const char* s, std::size_t n);
  // Room for one record (kRecordMax bytes) at the end of the buffer; the
  // caller adds what it wrote to used_.
  char* record();
  void flush_buffer();

  std::FILE* file_ = nullptr;
  std::vector<Var> vars_;
  std::vector<Id> dirty_;
  bool header_written_ = false;
  bool ok_ = true;
  std::uint64_t now_ = 0;
  std::uint64_t last_emitted_ = UINT64_MAX;
  int clock_ = -1;  // index in vars_
  std::uint64_t clock_half_ = 0;
  std::vector<char> buf_;
  std::size_t used_ = 0;  // bytes of buf_ holding output
};

}  // namespace s32::trace
