// A VCD writer built for long cycle-by-cycle traces: changes are coalesced
// per timestamp and formatted by hand into large buffers that a thread
// writes to the file (WriteBehind) while the simulation goes on; a clock
// is synthesised from its period instead of being reported edge by edge.
// Text is built in registers and stored, never read back (a load of bytes
// just stored in pieces stalls the processor). Times come in picoseconds
// and are written in the file's timescale, a power of ten that divides
// every clock edge. (SystemC's own writer formats every timestamp through
// an iostream, which dominated the cost of tracing.)
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "trace/trace_sink.hpp"
#include "trace/write_behind.hpp"

namespace s32::trace {

// The coarsest VCD timescale (1, 10 or 100 of a unit, in picoseconds) that
// is a whole number of every edge of a clock of `period_ps`: 1000 (1 ns)
// for 100 MHz.
std::uint64_t vcd_tick_ps(std::uint64_t period_ps);
// Picoseconds in the unit of a timescale of `tick_ps` (1000 for 1, 10 or
// 100 ns): what viewers count the file's times in (a GTKWave save file).
std::uint64_t vcd_unit_ps(std::uint64_t tick_ps);

class VcdWriter : public TraceSink {
 public:
  // Throws std::runtime_error when the file cannot be created; see
  // open_output() for `-` and ".gz". Times are written in units of
  // `tick_ps` (a power of ten, see vcd_tick_ps()); a change between two
  // ticks counts at the earlier one.
  explicit VcdWriter(const std::string& path, std::uint64_t tick_ps = 1);
  ~VcdWriter() override;
  VcdWriter(const VcdWriter&) = delete;
  VcdWriter& operator=(const VcdWriter&) = delete;

  // A clock that is 1 from time 0 for half of each period, then 0.
  void add_clock(const std::string& scope, const std::string& name, std::uint64_t period_ps);

  // Starts the trace at `t` instead of 0 (a window): the first timestamp,
  // and the clock's level there. Before any change.
  void begin_at(std::uint64_t t);

  Id declare(const std::string& scope, const std::string& name, unsigned width) override;
  void change(Id id, std::uint64_t value, std::uint64_t time_ps) override {
    if (closed_) return;
    if (time_ps > now_) advance(time_ps);
    vars_[id].value = value;
    mark_dirty(id);
  }

  struct Declared {
    std::string scope, name;
    unsigned width;
  };
  // Every value in the file, clock included, in declaration order.
  std::vector<Declared> declared() const;

  // Writes everything up to `end_ps` (clock edges included) and closes the
  // file; returns false if any write failed.
  bool close(std::uint64_t end_ps);

 private:
  struct Var {
    std::string scope, name, code;
    unsigned width;
    std::uint64_t value;
    std::uint64_t shown;  // the value last written
    bool written;         // written at all
    bool dirty;
    char short_code[8];   // `code`, zero-padded
  };
  Var make_var(const std::string& scope, const std::string& name, unsigned width) const;
  void write_header();
  // Emits the changes pending at the current time, then clock edges up to
  // (not including) `t`, and makes `t` current.
  void advance(std::uint64_t t);
  void emit_time(std::uint64_t t);
  // Writes `v`'s value, and makes it the one shown.
  void emit_value(Var& v);
  void mark_dirty(Id id) {
    Var& v = vars_[id];
    if (!v.dirty) {
      v.dirty = true;
      dirty_.push_back(id);
    }
  }
  void put(const char* s, std::size_t n);
  // Room for one record (kRecordMax bytes) at the end of the buffer; the
  // caller adds what it wrote to used_.
  char* record() {
    if (used_ >= kBufferSize) flush_buffer();
    return buf_ + used_;
  }
  void flush_buffer();
  static constexpr std::size_t kBufferSize = 1 << 18;
  // The longest record: '#' and 20 digits, or 'b', 64 bits, ' ', a code,
  // and the 8 bytes the last word store may spill past it.
  static constexpr std::size_t kRecordMax = 96;

  // The part of the timestamp above its low eight digits, and its text.
  void set_high(std::uint64_t high);
  // Picoseconds in units of the timescale.
  std::uint64_t ticks(std::uint64_t ps) const;

  WriteBehind out_;
  char* buf_;             // the buffer being filled
  bool closed_ = false;
  int tick_digits_ = 0;  // log10 of the tick: the picosecond digits the file leaves out
  std::vector<Var> vars_;
  std::vector<Id> dirty_;
  bool header_written_ = false;
  bool ok_ = true;
  std::uint64_t now_ = 0;
  bool time_emitted_ = false;
  std::uint64_t last_ticks_ = 0;  // the last timestamp written, in parts:
  std::uint64_t high_ = 0;        // above the low eight digits
  std::uint64_t high_text_ = 0;   // its digits, when below 10^8
  unsigned high_digits_ = 0;
  std::uint64_t low_ = 0;         // the low eight digits, unpacked
  std::uint64_t step_ = 0;        // the last step between timestamps
  std::uint64_t step_digits_ = 0;
  int clock_ = -1;  // index in vars_
  std::uint64_t clock_half_ = 0;
  std::uint64_t next_edge_ = 0;  // the clock's first edge after now_
  std::size_t used_ = 0;  // bytes of buf_ holding output
};

}  // namespace s32::trace
