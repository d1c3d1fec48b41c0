#include "core.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "division.hpp"

namespace s32::isa {

namespace {

// Marks a predecoded slot not yet decoded; never a real 7-bit opcode.
constexpr std::uint8_t kUndecoded = 0xFF;
constexpr Decoded kUndecodedSlot{kUndecoded, 0, 0, 0, 0};

inline float as_f32(std::uint32_t v) {
  float f;
  std::memcpy(&f, &v, sizeof f);
  return f;
}
inline std::uint32_t from_f32(float f) {
  std::uint32_t v;
  std::memcpy(&v, &f, sizeof v);
  return v;
}
inline double as_f64(std::uint64_t v) {
  double d;
  std::memcpy(&d, &v, sizeof d);
  return d;
}
inline std::uint64_t from_f64(double d) {
  std::uint64_t v;
  std::memcpy(&v, &d, sizeof v);
  return v;
}

// The result of a binary f32/f64 operation when a NaN is among its operands:
// IEEE-754 leaves open which NaN comes back, and a compiler may swap the
// operands of + and *, so the host's own answer changed from one build of
// the interpreter's loop to another. Ours: the first NaN operand, quieted
// (what x86-64 gives for the operands in order); otherwise `r`.
inline std::uint32_t nan_first_f32(std::uint32_t a, std::uint32_t b, float r) {
  constexpr std::uint32_t kQuiet = 0x00400000u;
  if (std::isnan(as_f32(a))) return a | kQuiet;
  if (std::isnan(as_f32(b))) return b | kQuiet;
  return from_f32(r);
}
inline std::uint64_t nan_first_f64(std::uint64_t a, std::uint64_t b, double r) {
  constexpr std::uint64_t kQuiet = std::uint64_t{1} << 51;
  if (std::isnan(as_f64(a))) return a | kQuiet;
  if (std::isnan(as_f64(b))) return b | kQuiet;
  return from_f64(r);
}

// Float to integer, truncating toward zero like the reference's C cast for
// every value the cast defines. For the rest we follow RISC-V: NaN and values
// above the range give the largest integer, values below give the smallest.
template <typename I, typename F>
I convert_saturating(F x) {
  if (std::isnan(x)) return std::numeric_limits<I>::max();
  const F t = std::trunc(x);
  const F lo = static_cast<F>(std::numeric_limits<I>::min());
  const F hi = std::ldexp(F(1), std::numeric_limits<I>::digits);
  if (t < lo) return std::numeric_limits<I>::min();
  if (t >= hi) return std::numeric_limits<I>::max();
  return static_cast<I>(t);
}

inline std::uint32_t load_le(const std::uint8_t* p, unsigned size) {
  switch (size) {
    case 1: return p[0];
    case 2: {
      std::uint16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    default: {
      std::uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
  }
}

inline void store_le(std::uint8_t* p, unsigned size, std::uint32_t v) {
  switch (size) {
    case 1: p[0] = static_cast<std::uint8_t>(v); break;
    case 2: {
      const auto h = static_cast<std::uint16_t>(v);
      std::memcpy(p, &h, 2);
      break;
    }
    default: std::memcpy(p, &v, 4); break;
  }
}

}  // namespace

const char* fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::None: return "none";
    case FaultKind::Fetch: return "instruction fetch outside the code region";
    case FaultKind::Load: return "load from an unmapped or unreadable address";
    case FaultKind::Store: return "store to an unmapped or unwritable address";
    case FaultKind::IllegalOpcode: return "illegal opcode";
    case FaultKind::BadRegisterPair: return "f64/i64 operand in an odd register or r31";
  }
  return "?";
}

Core::Core(const CycleCosts& costs) : costs_(costs) {}

void Core::reset(std::uint32_t entry, std::uint32_t sp) {
  regs_.fill(0);
  regs_[29] = sp;
  pc_ = entry;
  cycles_ = 0;
  instret_ = 0;
  memory_cycles_ = 0;
  op_counts_.fill(0);
  fault_ = {};
}

void Core::set_code_limit(std::uint32_t code_limit) {
  code_limit_ = code_limit;
  invalidate_code();
}

void Core::add_direct_region(const DirectRegion& region) {
  if (num_regions_ == kMaxDirectRegions || region.size == 0) return;
  regions_[num_regions_++] = region;
  if (region.perms & kPermExec) invalidate_code();
}

void Core::clear_direct_regions() {
  regions_ = {};
  num_regions_ = 0;
  hint_ = 0;
  other_hint_ = 0;
  invalidate_code();
}

void Core::invalidate_code() {
  // assign() keeps the buffer when the size is unchanged, so a run in
  // flight may keep its pointer into it.
  code_.assign(code_limit_ / 4, kUndecodedSlot);
  ++code_generation_;
  code_host_ = nullptr;
  code_writable_ = false;
  for (unsigned i = 0; i < num_regions_; ++i) {
    const DirectRegion& r = regions_[i];
    if (r.base == 0 && r.size >= code_limit_ && (r.perms & kPermExec)) {
      code_host_ = r.host;
      code_writable_ = (r.perms & kPermWrite) != 0;
    }
  }
}

void Core::note_code_write(std::uint32_t addr, unsigned size) {
  ++code_generation_;
  for (std::uint64_t a = addr & ~3u; a < std::uint64_t{addr} + size && a / 4 < code_.size(); a += 4)
    code_[a / 4].opcode = kUndecoded;
}

std::uint8_t* Core::direct_miss(std::uint32_t addr, unsigned size, std::uint8_t perm,
                                std::uint32_t& latency) {
  for (unsigned i = 0; i < num_regions_; ++i) {
    const DirectRegion& r = regions_[i];
    const std::uint32_t off = addr - r.base;
    if (off < r.size && size <= r.size - off && (r.perms & perm)) {
      if (i != hint_) {
        other_hint_ = hint_;
        hint_ = i;
      }
      latency = r.latency;
      return r.host + off;
    }
  }
  return nullptr;
}

bool Core::fetch_word(std::uint32_t pc, std::uint32_t& word) {
  if (code_limit_ < 4 || pc > code_limit_ - 4) return false;
  if (code_host_) {
    word = load_le(code_host_ + pc, 4);
    return true;
  }
  if (!port_) return false;
  return port_->read(pc, 4, word, cycles_).ok;
}

bool Core::decode_at(std::uint32_t pc, Decoded& d) {
  std::uint32_t word;
  if (!fetch_word(pc, word)) {
    fault_ = {FaultKind::Fetch, pc, pc, 0, 4};
    return false;
  }
  d = decode(word);
  // A misaligned pc (JALR clears only bit 0) executes the unaligned word
  // there, as the reference does; it is rare enough not to cache.
  const std::uint32_t slot = code_slot(pc);
  if (slot < code_.size()) code_[slot] = d;
  return true;
}

bool Core::load_slow(std::uint32_t addr, unsigned size, std::uint32_t& value) {
  std::uint32_t latency;
  if (const std::uint8_t* p = direct_miss(addr, size, kPermRead, latency)) {
    value = load_le(p, size);
  } else {
    const SlowAccess a = port_ ? port_->read(addr, size, value, cycle_at_insn_) : SlowAccess{};
    if (!a.ok) {
      fault_ = {FaultKind::Load, pc_, addr, 0, size};
      return false;
    }
    latency = a.latency;
  }
  cycles_ += latency;
  memory_cycles_ += latency;
  return true;
}

bool Core::store_slow(std::uint32_t addr, unsigned size, std::uint32_t value) {
  std::uint32_t latency;
  if (std::uint8_t* p = direct_miss(addr, size, kPermWrite, latency)) {
    store_le(p, size, value);
  } else {
    const SlowAccess a = port_ ? port_->write(addr, size, value, cycle_at_insn_) : SlowAccess{};
    if (!a.ok) {
      fault_ = {FaultKind::Store, pc_, addr, 0, size};
      return false;
    }
    latency = a.latency;
  }
  if (code_writable_ && addr < code_limit_) note_code_write(addr, size);
  cycles_ += latency;
  memory_cycles_ += latency;
  return true;
}

std::uint64_t Core::pair(unsigned r) const {
  return static_cast<std::uint64_t>(regs_[r]) | (static_cast<std::uint64_t>(regs_[r + 1]) << 32);
}

void Core::set_pair(unsigned r, std::uint64_t v) {
  regs_[r] = static_cast<std::uint32_t>(v);
  regs_[r + 1] = static_cast<std::uint32_t>(v >> 32);
  regs_[0] = 0;
}

StopReason Core::run(std::uint64_t cycle_limit) {
  limit_ = cycle_limit;
  return execute<Stride::Run>();
}

StopReason Core::step() { return execute<Stride::Step>(); }

template <Core::Stride kStride>
StopReason Core::execute() {
  // The hot state lives in locals (registers) and goes back to the members
  // whenever something outside this loop may look at it: a slow access (the
  // port reads pc() and the cycle), a decode through the port, every return.
  auto& x = regs_;
  std::uint32_t pc = pc_;
  std::uint64_t cycles = cycles_;
  std::uint64_t start = cycle_at_insn_;
  std::uint64_t instret = instret_;
  const Decoded* code = code_.data();
  std::size_t code_words = code_.size();
  const auto flush = [&] {
    pc_ = pc;
    cycles_ = cycles;
    cycle_at_insn_ = start;
    instret_ = instret;
  };
  // After a slow call: it may have charged cycles or replaced the code array.
  const auto reload = [&] {
    cycles = cycles_;
    code = code_.data();
    code_words = code_.size();
  };
#define S32_LEAVE(reason) \
  do {                    \
    flush();              \
    return (reason);      \
  } while (0)
// A call that may look at or change the core's members, with the locals
// written back before and read again after; false means a fault.
#define S32_SLOW(call)                   \
  do {                                   \
    flush();                             \
    const bool ok = (call);              \
    reload();                            \
    if (!ok) return StopReason::Fault;   \
  } while (0)
  do {
    // Every field is read before anything in this instruction can rewrite
    // the slot (a store into code), so the slot is used in place.
    Decoded dec;
    const Decoded* d;
    {
      const std::uint32_t slot = code_slot(pc);
      if (slot < code_words && code[slot].opcode != kUndecoded) {
        d = &code[slot];
      } else {
        S32_SLOW(decode_at(pc, dec));
        d = &dec;
      }
    }

    start = cycles;
    const std::uint8_t op = d->opcode;
    const std::uint32_t a = x[d->rs1];
    const std::uint32_t b = x[d->rs2];
    const std::uint32_t imm = static_cast<std::uint32_t>(d->imm);
    const unsigned rd = d->rd;
    std::uint32_t next = pc + 4;
    std::uint32_t v;

    ++instret;
    ++op_counts_[op & 0x7F];
    cycles += costs_[op];

#define S32_WRITE(value) x[rd] = (value)
#define S32_PAIR_CHECK(cond)                                                            \
  if (!(cond)) {                                                                        \
    std::uint32_t w = 0;                                                                \
    fetch_word(pc, w);                                                                  \
    fault_ = {FaultKind::BadRegisterPair, pc, pc, w, 0};                                \
    S32_LEAVE(StopReason::Fault);                                                       \
  }
#define S32_EVEN(r) (((r) & 1u) == 0 && (r) < 31)
// The two most recently used direct regions inline; anything else through
// the slow path with the state flushed, ending the instruction on a fault.
#define S32_LOAD(n, out)                                                \
  do {                                                                  \
    const std::uint32_t addr = a + imm;                                 \
    std::uint32_t off;                                                  \
    if (const DirectRegion* r = hinted(addr, (n), kPermRead, off)) {    \
      out = load_le(r->host + off, (n));                                \
      cycles += r->latency;                                             \
      memory_cycles_ += r->latency;                                     \
    } else {                                                            \
      S32_SLOW(load_slow(addr, (n), out));                              \
    }                                                                   \
  } while (0)
#define S32_STORE(n)                                                    \
  do {                                                                  \
    const std::uint32_t addr = a + imm;                                 \
    std::uint32_t off;                                                  \
    if (DirectRegion* r = hinted(addr, (n), kPermWrite, off)) {         \
      store_le(r->host + off, (n), b);                                  \
      if (code_writable_ && addr < code_limit_) note_code_write(addr, (n)); \
      cycles += r->latency;                                             \
      memory_cycles_ += r->latency;                                     \
    } else {                                                            \
      S32_SLOW(store_slow(addr, (n), b));                               \
    }                                                                   \
  } while (0)

    switch (static_cast<Op>(op)) {
      case Op::ADD: S32_WRITE(a + b); break;
      case Op::SUB: S32_WRITE(a - b); break;
      case Op::XOR: S32_WRITE(a ^ b); break;
      case Op::OR: S32_WRITE(a | b); break;
      case Op::AND: S32_WRITE(a & b); break;
      case Op::SLL: S32_WRITE(a << (b & 31)); break;
      case Op::SRL: S32_WRITE(a >> (b & 31)); break;
      case Op::SRA: S32_WRITE(static_cast<std::uint32_t>(static_cast<std::int32_t>(a) >> (b & 31))); break;
      case Op::SLT: S32_WRITE(static_cast<std::int32_t>(a) < static_cast<std::int32_t>(b)); break;
      case Op::SLTU: S32_WRITE(a < b); break;
      case Op::MUL: S32_WRITE(a * b); break;
      case Op::MULH:
        S32_WRITE(static_cast<std::uint32_t>(
            static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(a)) *
                                       static_cast<std::int32_t>(b)) >> 32));
        break;
      case Op::MULHU:
        S32_WRITE(static_cast<std::uint32_t>((static_cast<std::uint64_t>(a) * b) >> 32));
        break;
      case Op::DIV: S32_WRITE(signed_divide(a, b)); break;
      case Op::REM: S32_WRITE(signed_remainder(a, b)); break;
      case Op::SEQ: S32_WRITE(a == b); break;
      case Op::SNE: S32_WRITE(a != b); break;
      case Op::SGT: S32_WRITE(static_cast<std::int32_t>(a) > static_cast<std::int32_t>(b)); break;
      case Op::SGTU: S32_WRITE(a > b); break;
      case Op::SLE: S32_WRITE(static_cast<std::int32_t>(a) <= static_cast<std::int32_t>(b)); break;
      case Op::SLEU: S32_WRITE(a <= b); break;
      case Op::SGE: S32_WRITE(static_cast<std::int32_t>(a) >= static_cast<std::int32_t>(b)); break;
      case Op::SGEU: S32_WRITE(a >= b); break;

      case Op::ADDI: S32_WRITE(a + imm); break;
      case Op::ORI: S32_WRITE(a | imm); break;
      case Op::ANDI: S32_WRITE(a & imm); break;
      case Op::XORI: S32_WRITE(a ^ imm); break;
      case Op::SLLI: S32_WRITE(a << (imm & 31)); break;
      case Op::SRLI: S32_WRITE(a >> (imm & 31)); break;
      case Op::SRAI: S32_WRITE(static_cast<std::uint32_t>(static_cast<std::int32_t>(a) >> (imm & 31))); break;
      case Op::SLTI: S32_WRITE(static_cast<std::int32_t>(a) < static_cast<std::int32_t>(imm)); break;
      case Op::SLTIU: S32_WRITE(a < imm); break;
      case Op::LUI: S32_WRITE(imm); break;

      case Op::LDB:
        S32_LOAD(1, v);
        S32_WRITE(static_cast<std::uint32_t>(static_cast<std::int8_t>(v)));
        break;
      case Op::LDH:
        S32_LOAD(2, v);
        S32_WRITE(static_cast<std::uint32_t>(static_cast<std::int16_t>(v)));
        break;
      case Op::LDW:
        S32_LOAD(4, v);
        S32_WRITE(v);
        break;
      case Op::LDBU:
        S32_LOAD(1, v);
        S32_WRITE(v);
        break;
      case Op::LDHU:
        S32_LOAD(2, v);
        S32_WRITE(v);
        break;
      case Op::STB:
        S32_STORE(1);
        break;
      case Op::STH:
        S32_STORE(2);
        break;
      case Op::STW:
        S32_STORE(4);
        break;

      case Op::JAL:
        next = pc + imm;
        S32_WRITE(pc + 4);
        break;
      case Op::JALR:
        next = (a + imm) & ~1u;
        S32_WRITE(pc + 4);
        break;
      case Op::BEQ: if (a == b) next = pc + 4 + imm; break;
      case Op::BNE: if (a != b) next = pc + 4 + imm; break;
      case Op::BLT: if (static_cast<std::int32_t>(a) < static_cast<std::int32_t>(b)) next = pc + 4 + imm; break;
      case Op::BGE: if (static_cast<std::int32_t>(a) >= static_cast<std::int32_t>(b)) next = pc + 4 + imm; break;
      case Op::BLTU: if (a < b) next = pc + 4 + imm; break;
      case Op::BGEU: if (a >= b) next = pc + 4 + imm; break;

      case Op::NOP: break;
      case Op::ASSERT_EQ:
        if (a != b) {
          x[0] = 0;
          S32_LEAVE(StopReason::AssertFailed);
        }
        break;
      case Op::YIELD:
        pc = next;
        x[0] = 0;
        S32_LEAVE(StopReason::Yield);
      case Op::DEBUG:
        debug_byte_ = static_cast<std::uint8_t>(a);
        pc = next;
        x[0] = 0;
        S32_LEAVE(StopReason::Debug);
      case Op::HALT:
        pc = next;
        x[0] = 0;
        S32_LEAVE(StopReason::Halt);

      case Op::FADD_S: S32_WRITE(nan_first_f32(a, b, as_f32(a) + as_f32(b))); break;
      case Op::FSUB_S: S32_WRITE(nan_first_f32(a, b, as_f32(a) - as_f32(b))); break;
      case Op::FMUL_S: S32_WRITE(nan_first_f32(a, b, as_f32(a) * as_f32(b))); break;
      case Op::FDIV_S: S32_WRITE(nan_first_f32(a, b, as_f32(a) / as_f32(b))); break;
      case Op::FSQRT_S: S32_WRITE(from_f32(std::sqrt(as_f32(a)))); break;
      case Op::FEQ_S: S32_WRITE(as_f32(a) == as_f32(b)); break;
      case Op::FLT_S: S32_WRITE(as_f32(a) < as_f32(b)); break;
      case Op::FLE_S: S32_WRITE(as_f32(a) <= as_f32(b)); break;
      case Op::FCVT_W_S: S32_WRITE(static_cast<std::uint32_t>(convert_saturating<std::int32_t>(as_f32(a)))); break;
      case Op::FCVT_WU_S: S32_WRITE(convert_saturating<std::uint32_t>(as_f32(a))); break;
      case Op::FCVT_S_W: S32_WRITE(from_f32(static_cast<float>(static_cast<std::int32_t>(a)))); break;
      case Op::FCVT_S_WU: S32_WRITE(from_f32(static_cast<float>(a))); break;
      case Op::FNEG_S: S32_WRITE(a ^ 0x80000000u); break;
      case Op::FABS_S: S32_WRITE(a & 0x7FFFFFFFu); break;

      case Op::FADD_D:
      case Op::FSUB_D:
      case Op::FMUL_D:
      case Op::FDIV_D: {
        S32_PAIR_CHECK(S32_EVEN(rd) && S32_EVEN(d->rs1) && S32_EVEN(d->rs2));
        const std::uint64_t pa = pair(d->rs1), qa = pair(d->rs2);
        const double p = as_f64(pa), q = as_f64(qa);
        double r;
        switch (static_cast<Op>(op)) {
          case Op::FADD_D: r = p + q; break;
          case Op::FSUB_D: r = p - q; break;
          case Op::FMUL_D: r = p * q; break;
          default: r = p / q; break;
        }
        set_pair(rd, nan_first_f64(pa, qa, r));
        break;
      }
      case Op::FSQRT_D:
        S32_PAIR_CHECK(S32_EVEN(rd) && S32_EVEN(d->rs1));
        set_pair(rd, from_f64(std::sqrt(as_f64(pair(d->rs1)))));
        break;
      case Op::FNEG_D:
        S32_PAIR_CHECK(S32_EVEN(rd) && S32_EVEN(d->rs1));
        set_pair(rd, pair(d->rs1) ^ (std::uint64_t{1} << 63));
        break;
      case Op::FABS_D:
        S32_PAIR_CHECK(S32_EVEN(rd) && S32_EVEN(d->rs1));
        set_pair(rd, pair(d->rs1) & ~(std::uint64_t{1} << 63));
        break;
      case Op::FEQ_D:
      case Op::FLT_D:
      case Op::FLE_D: {
        S32_PAIR_CHECK(S32_EVEN(d->rs1) && S32_EVEN(d->rs2));
        const double p = as_f64(pair(d->rs1)), q = as_f64(pair(d->rs2));
        const Op o = static_cast<Op>(op);
        S32_WRITE(o == Op::FEQ_D ? p == q : o == Op::FLT_D ? p < q : p <= q);
        break;
      }
      case Op::FCVT_W_D:
        S32_PAIR_CHECK(S32_EVEN(d->rs1));
        S32_WRITE(static_cast<std::uint32_t>(convert_saturating<std::int32_t>(as_f64(pair(d->rs1)))));
        break;
      case Op::FCVT_WU_D:
        S32_PAIR_CHECK(S32_EVEN(d->rs1));
        S32_WRITE(convert_saturating<std::uint32_t>(as_f64(pair(d->rs1))));
        break;
      case Op::FCVT_S_D:
        S32_PAIR_CHECK(S32_EVEN(d->rs1));
        S32_WRITE(from_f32(static_cast<float>(as_f64(pair(d->rs1)))));
        break;
      case Op::FCVT_D_W:
        S32_PAIR_CHECK(S32_EVEN(rd));
        set_pair(rd, from_f64(static_cast<double>(static_cast<std::int32_t>(a))));
        break;
      case Op::FCVT_D_WU:
        S32_PAIR_CHECK(S32_EVEN(rd));
        set_pair(rd, from_f64(static_cast<double>(a)));
        break;
      case Op::FCVT_D_S:
        S32_PAIR_CHECK(S32_EVEN(rd));
        set_pair(rd, from_f64(static_cast<double>(as_f32(a))));
        break;
      case Op::FCVT_L_S:
        S32_PAIR_CHECK(S32_EVEN(rd));
        set_pair(rd, static_cast<std::uint64_t>(convert_saturating<std::int64_t>(as_f32(a))));
        break;
      case Op::FCVT_LU_S:
        S32_PAIR_CHECK(S32_EVEN(rd));
        set_pair(rd, convert_saturating<std::uint64_t>(as_f32(a)));
        break;
      case Op::FCVT_S_L:
        S32_PAIR_CHECK(S32_EVEN(d->rs1));
        S32_WRITE(from_f32(static_cast<float>(static_cast<std::int64_t>(pair(d->rs1)))));
        break;
      case Op::FCVT_S_LU:
        S32_PAIR_CHECK(S32_EVEN(d->rs1));
        S32_WRITE(from_f32(static_cast<float>(pair(d->rs1))));
        break;
      case Op::FCVT_L_D:
        S32_PAIR_CHECK(S32_EVEN(rd) && S32_EVEN(d->rs1));
        set_pair(rd, static_cast<std::uint64_t>(convert_saturating<std::int64_t>(as_f64(pair(d->rs1)))));
        break;
      case Op::FCVT_LU_D:
        S32_PAIR_CHECK(S32_EVEN(rd) && S32_EVEN(d->rs1));
        set_pair(rd, convert_saturating<std::uint64_t>(as_f64(pair(d->rs1))));
        break;
      case Op::FCVT_D_L:
        S32_PAIR_CHECK(S32_EVEN(rd) && S32_EVEN(d->rs1));
        set_pair(rd, from_f64(static_cast<double>(static_cast<std::int64_t>(pair(d->rs1)))));
        break;
      case Op::FCVT_D_LU:
        S32_PAIR_CHECK(S32_EVEN(rd) && S32_EVEN(d->rs1));
        set_pair(rd, from_f64(static_cast<double>(pair(d->rs1))));
        break;

      default: {
        std::uint32_t w = 0;
        fetch_word(pc, w);
        fault_ = {FaultKind::IllegalOpcode, pc, pc, w, 0};
        S32_LEAVE(StopReason::Fault);
      }
    }
#undef S32_WRITE
#undef S32_PAIR_CHECK
#undef S32_EVEN
#undef S32_LOAD
#undef S32_STORE
    x[0] = 0;
    const bool jumped = next != pc + 4;
    pc = next;
    if (kStride == Stride::Step || (kStride == Stride::ToJump && jumped)) break;
  } while (cycles < limit_);
#undef S32_LEAVE
#undef S32_SLOW
  flush();
  return StopReason::CycleLimit;
}

// The translating engine interprets cold code with this stride.
template StopReason Core::execute<Core::Stride::ToJump>();

}  // namespace s32::isa
