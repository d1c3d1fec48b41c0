#include "jit_engine.hpp"

#include <asmjit/x86.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace s32::isa::jit {

namespace x86 = asmjit::x86;

namespace {

constexpr unsigned kMaxBlockInsns = 32;
constexpr std::uint8_t kHotRuns = 16;  // dispatches of a pc before it is translated
constexpr std::uint64_t kNoFail = 0;

// A block returns (instructions completed << 32) | next pc.
using BlockFn = std::uint64_t (*)(JitEngine* engine, std::uint32_t* regs);

bool translatable(Op op) {
  switch (op) {
    case Op::ADD: case Op::SUB: case Op::XOR: case Op::OR: case Op::AND: case Op::SLL: case Op::SRL:
    case Op::SRA: case Op::SLT: case Op::SLTU: case Op::MUL: case Op::SEQ: case Op::SNE: case Op::SGT:
    case Op::SGTU: case Op::SLE: case Op::SLEU: case Op::SGE: case Op::SGEU: case Op::ADDI: case Op::ORI:
    case Op::ANDI: case Op::XORI: case Op::SLLI: case Op::SRLI: case Op::SRAI: case Op::SLTI:
    case Op::SLTIU: case Op::LUI: case Op::LDB: case Op::LDH: case Op::LDW: case Op::LDBU: case Op::LDHU:
    case Op::STB: case Op::STH: case Op::STW: case Op::JAL: case Op::JALR: case Op::BEQ: case Op::BNE:
    case Op::BLT: case Op::BGE: case Op::BLTU: case Op::BGEU: case Op::NOP:
      return true;
    default:
      return false;
  }
}

bool ends_block(Op op) {
  return op == Op::JAL || op == Op::JALR || (op >= Op::BEQ && op <= Op::BGEU);
}

bool is_memory(Op op) { return (op >= Op::LDB && op <= Op::LDHU) || (op >= Op::STB && op <= Op::STW); }

x86::Mem reg_mem(unsigned r) { return x86::dword_ptr(x86::rbx, static_cast<int>(4 * r)); }

}  // namespace

struct JitEngine::Runtime {
  asmjit::JitRuntime rt;
};

struct JitEngine::Block {
  BlockFn fn = nullptr;          // null: the first instruction is not translatable
  std::uint32_t insns = 0;
  std::uint32_t memory_ops = 0;  // bound on memory time: memory_ops * max latency
  std::uint64_t runs = 0;        // whole runs not yet added to the opcode counts
  std::vector<std::uint8_t> ops;        // opcode of each instruction
  std::vector<std::uint64_t> cost_to;   // cost of the first k instructions, k = 0..insns
};

JitEngine::JitEngine(Core& core) : core_(core), rt_(std::make_unique<Runtime>()) {}

JitEngine::~JitEngine() { flush(); }

void JitEngine::flush() {
  settle_counts();
  for (auto& b : blocks_)
    if (b && b->fn) rt_->rt.release(b->fn);
  blocks_.clear();
}

std::uint64_t JitEngine::load(JitEngine* e, std::uint32_t addr, unsigned op) {
  Core& c = e->core_;
  const auto o = static_cast<Op>(op);
  const unsigned size = o == Op::LDW ? 4 : (o == Op::LDH || o == Op::LDHU) ? 2 : 1;
  std::uint32_t off;
  const DirectRegion* r = c.hinted(addr, size, kPermRead, off);
  if (!r) return std::uint64_t{1} << 32;
  const std::uint8_t* p = r->host + off;
  std::uint32_t v;
  switch (o) {
    case Op::LDW: std::memcpy(&v, p, 4); break;
    case Op::LDH: {
      std::int16_t h;
      std::memcpy(&h, p, 2);
      v = static_cast<std::uint32_t>(static_cast<std::int32_t>(h));
      break;
    }
    case Op::LDHU: {
      std::uint16_t h;
      std::memcpy(&h, p, 2);
      v = h;
      break;
    }
    case Op::LDB: v = static_cast<std::uint32_t>(static_cast<std::int32_t>(static_cast<std::int8_t>(*p))); break;
    default: v = *p; break;
  }
  c.cycles_ += r->latency;
  c.memory_cycles_ += r->latency;
  e->last_latency_ = r->latency;
  return v;
}

std::uint32_t JitEngine::store(JitEngine* e, std::uint32_t addr, std::uint32_t value, unsigned size) {
  Core& c = e->core_;
  // Stores into code go through the interpreter, which invalidates.
  if (c.code_writable_ && addr < c.code_limit_) return 1;
  std::uint32_t off;
  DirectRegion* r = c.hinted(addr, size, kPermWrite, off);
  if (!r) return 1;
  std::uint8_t* p = r->host + off;
  if (size == 4) {
    std::memcpy(p, &value, 4);
  } else if (size == 2) {
    const auto h = static_cast<std::uint16_t>(value);
    std::memcpy(p, &h, 2);
  } else {
    *p = static_cast<std::uint8_t>(value);
  }
  c.cycles_ += r->latency;
  c.memory_cycles_ += r->latency;
  e->last_latency_ = r->latency;
  return 0;
}

std::unique_ptr<JitEngine::Block> JitEngine::translate(std::uint32_t pc) {
  auto b = std::make_unique<Block>();
  std::vector<Decoded> insns;
  for (std::uint32_t p = pc; insns.size() < kMaxBlockInsns; p += 4) {
    std::uint32_t word;
    if (p + 4 < p || !core_.fetch_word(p, word)) break;
    const Decoded d = decode(word);
    if (!is_legal(d.opcode) || !translatable(static_cast<Op>(d.opcode))) break;
    insns.push_back(d);
    if (ends_block(static_cast<Op>(d.opcode))) break;
  }
  if (insns.empty()) return b;

  asmjit::CodeHolder code;
  code.init(rt_->rt.environment());
  x86::Assembler a(&code);
  // Three pushes keep the stack 16-byte aligned at calls.
  a.push(x86::rbx);
  a.push(x86::r12);
  a.push(x86::r13);
  a.mov(x86::r12, x86::rdi);
  a.mov(x86::r13, reinterpret_cast<std::uint64_t>(&core_));
  a.mov(x86::rbx, x86::rsi);
  asmjit::Label done = a.newLabel();
  std::vector<std::pair<asmjit::Label, std::uint64_t>> exits;  // slow access at instruction k
  const auto load_reg = [&](x86::Gp dst, unsigned r) {
    if (r == 0) a.xor_(dst, dst);
    else a.mov(dst, reg_mem(r));
  };
  const auto write_rd = [&](unsigned rd, x86::Gp src) {
    if (rd != 0) a.mov(reg_mem(rd), src);
  };
  const auto set_compare = [&](unsigned rd, x86::CondCode cc) {
    a.set(cc, x86::dl);
    a.movzx(x86::eax, x86::dl);
    write_rd(rd, x86::eax);
  };
  // Displacements of the fields translated code reaches through r13 (the
  // core) and r12 (this engine).
  const auto core_field = [&](const void* field) {
    return static_cast<std::int32_t>(static_cast<const char*>(field) - reinterpret_cast<const char*>(&core_));
  };
  const auto engine_field = [&](const void* field) {
    return static_cast<std::int32_t>(static_cast<const char*>(field) - reinterpret_cast<const char*>(this));
  };
  // The interpreter's first check for an access at esi: the hinted region
  // holds [esi, esi + size) with `perm`. Leaves the host base in rax, the
  // offset in rcx and the region in rdx; jumps to `miss` otherwise.
  const auto check_hinted = [&](unsigned size, std::uint8_t perm, asmjit::Label miss) {
    a.mov(x86::eax, x86::dword_ptr(x86::r13, core_field(&core_.hint_)));
    a.imul(x86::eax, x86::eax, static_cast<std::uint32_t>(sizeof(DirectRegion)));
    a.lea(x86::rdx, x86::ptr(x86::r13, x86::rax, 0, core_field(&core_.regions_)));
    a.mov(x86::ecx, x86::esi);
    a.sub(x86::ecx, x86::dword_ptr(x86::rdx, offsetof(DirectRegion, base)));
    a.mov(x86::r8d, x86::dword_ptr(x86::rdx, offsetof(DirectRegion, size)));
    a.cmp(x86::ecx, x86::r8d);
    a.jae(miss);
    a.sub(x86::r8d, x86::ecx);
    a.cmp(x86::r8d, size);
    a.jb(miss);
    a.test(x86::byte_ptr(x86::rdx, offsetof(DirectRegion, perms)), perm);
    a.jz(miss);
    a.mov(x86::rax, x86::qword_ptr(x86::rdx, offsetof(DirectRegion, host)));
  };
  // The region's latency (rdx) goes to the core's cycle and memory time.
  const auto charge_latency = [&] {
    a.mov(x86::r8d, x86::dword_ptr(x86::rdx, offsetof(DirectRegion, latency)));
    a.add(x86::qword_ptr(x86::r13, core_field(&core_.cycles_)), x86::r8);
    a.add(x86::qword_ptr(x86::r13, core_field(&core_.memory_cycles_)), x86::r8);
    a.mov(x86::dword_ptr(x86::r12, engine_field(&last_latency_)), x86::r8d);
  };
  std::uint64_t result = 0;
  bool terminated = false;
  std::uint64_t cost = 0;
  b->cost_to.push_back(0);
  for (std::uint32_t k = 0; k < insns.size(); ++k) {
    const Decoded& d = insns[k];
    const Op op = static_cast<Op>(d.opcode);
    const std::uint32_t ipc = pc + 4 * k;
    const std::uint32_t imm = static_cast<std::uint32_t>(d.imm);
    const std::uint64_t n = std::uint64_t{k + 1} << 32;
    b->ops.push_back(d.opcode);
    cost += core_.costs_[d.opcode];
    b->cost_to.push_back(cost);
    if (is_memory(op)) ++b->memory_ops;
    switch (op) {
      case Op::ADD: case Op::SUB: case Op::XOR: case Op::OR: case Op::AND: case Op::MUL:
      case Op::SLL: case Op::SRL: case Op::SRA:
        load_reg(x86::eax, d.rs1);
        load_reg(x86::ecx, d.rs2);
        switch (op) {
          case Op::ADD: a.add(x86::eax, x86::ecx); break;
          case Op::SUB: a.sub(x86::eax, x86::ecx); break;
          case Op::XOR: a.xor_(x86::eax, x86::ecx); break;
          case Op::OR: a.or_(x86::eax, x86::ecx); break;
          case Op::AND: a.and_(x86::eax, x86::ecx); break;
          case Op::MUL: a.imul(x86::eax, x86::ecx); break;
          case Op::SLL: a.shl(x86::eax, x86::cl); break;
          case Op::SRL: a.shr(x86::eax, x86::cl); break;
          default: a.sar(x86::eax, x86::cl); break;
        }
        write_rd(d.rd, x86::eax);
        break;
      case Op::SLT: case Op::SLTU: case Op::SEQ: case Op::SNE: case Op::SGT: case Op::SGTU:
      case Op::SLE: case Op::SLEU: case Op::SGE: case Op::SGEU: {
        load_reg(x86::eax, d.rs1);
        load_reg(x86::ecx, d.rs2);
        a.cmp(x86::eax, x86::ecx);
        const x86::CondCode cc = op == Op::SLT ? x86::CondCode::kL : op == Op::SLTU ? x86::CondCode::kB
                               : op == Op::SEQ ? x86::CondCode::kE : op == Op::SNE ? x86::CondCode::kNE
                               : op == Op::SGT ? x86::CondCode::kG : op == Op::SGTU ? x86::CondCode::kA
                               : op == Op::SLE ? x86::CondCode::kLE : op == Op::SLEU ? x86::CondCode::kBE
                               : op == Op::SGE ? x86::CondCode::kGE : x86::CondCode::kAE;
        set_compare(d.rd, cc);
        break;
      }
      case Op::ADDI: case Op::ORI: case Op::ANDI: case Op::XORI: case Op::SLLI: case Op::SRLI: case Op::SRAI:
        load_reg(x86::eax, d.rs1);
        switch (op) {
          case Op::ADDI: a.add(x86::eax, imm); break;
          case Op::ORI: a.or_(x86::eax, imm); break;
          case Op::ANDI: a.and_(x86::eax, imm); break;
          case Op::XORI: a.xor_(x86::eax, imm); break;
          case Op::SLLI: a.shl(x86::eax, imm & 31); break;
          case Op::SRLI: a.shr(x86::eax, imm & 31); break;
          default: a.sar(x86::eax, imm & 31); break;
        }
        write_rd(d.rd, x86::eax);
        break;
      case Op::SLTI: case Op::SLTIU:
        load_reg(x86::eax, d.rs1);
        a.cmp(x86::eax, imm);
        set_compare(d.rd, op == Op::SLTI ? x86::CondCode::kL : x86::CondCode::kB);
        break;
      case Op::LUI:
        if (d.rd != 0) a.mov(reg_mem(d.rd), imm);
        break;
      case Op::NOP: break;
      case Op::LDB: case Op::LDH: case Op::LDW: case Op::LDBU: case Op::LDHU: {
        load_reg(x86::esi, d.rs1);
        a.add(x86::esi, imm);
        // The hinted region inline, as the interpreter checks it first.
        const unsigned size = op == Op::LDW ? 4 : (op == Op::LDH || op == Op::LDHU) ? 2 : 1;
        asmjit::Label call = a.newLabel(), loaded = a.newLabel(), slow = a.newLabel();
        check_hinted(size, kPermRead, call);
        switch (op) {
          case Op::LDW: a.mov(x86::eax, x86::dword_ptr(x86::rax, x86::rcx)); break;
          case Op::LDH: a.movsx(x86::eax, x86::word_ptr(x86::rax, x86::rcx)); break;
          case Op::LDHU: a.movzx(x86::eax, x86::word_ptr(x86::rax, x86::rcx)); break;
          case Op::LDB: a.movsx(x86::eax, x86::byte_ptr(x86::rax, x86::rcx)); break;
          default: a.movzx(x86::eax, x86::byte_ptr(x86::rax, x86::rcx)); break;
        }
        charge_latency();
        a.jmp(loaded);
        a.bind(call);
        a.mov(x86::rdi, x86::r12);
        a.mov(x86::edx, static_cast<std::uint32_t>(d.opcode));
        a.mov(x86::rax, reinterpret_cast<std::uint64_t>(&JitEngine::load));
        a.call(x86::rax);
        a.bt(x86::rax, 32);
        a.jc(slow);
        a.bind(loaded);
        exits.push_back({slow, (std::uint64_t{k} << 32) | ipc});
        write_rd(d.rd, x86::eax);
        break;
      }
      case Op::STB: case Op::STH: case Op::STW: {
        load_reg(x86::esi, d.rs1);
        a.add(x86::esi, imm);
        const unsigned size = op == Op::STB ? 1u : op == Op::STH ? 2u : 4u;
        asmjit::Label call = a.newLabel(), stored = a.newLabel(), slow = a.newLabel();
        // Stores into code take the helper, which sends them to the interpreter.
        if (core_.code_writable_) {
          a.cmp(x86::esi, core_.code_limit_);
          a.jb(call);
        }
        check_hinted(size, kPermWrite, call);
        load_reg(x86::r9d, d.rs2);
        switch (op) {
          case Op::STW: a.mov(x86::dword_ptr(x86::rax, x86::rcx), x86::r9d); break;
          case Op::STH: a.mov(x86::word_ptr(x86::rax, x86::rcx), x86::r9w); break;
          default: a.mov(x86::byte_ptr(x86::rax, x86::rcx), x86::r9b); break;
        }
        charge_latency();
        a.jmp(stored);
        a.bind(call);
        load_reg(x86::edx, d.rs2);
        a.mov(x86::rdi, x86::r12);
        a.mov(x86::ecx, size);
        a.mov(x86::rax, reinterpret_cast<std::uint64_t>(&JitEngine::store));
        a.call(x86::rax);
        a.test(x86::eax, x86::eax);
        a.jnz(slow);
        a.bind(stored);
        exits.push_back({slow, (std::uint64_t{k} << 32) | ipc});
        break;
      }
      case Op::JAL:
        if (d.rd != 0) a.mov(reg_mem(d.rd), ipc + 4);
        result = n | static_cast<std::uint32_t>(ipc + imm);
        terminated = true;
        break;
      case Op::JALR:
        load_reg(x86::ecx, d.rs1);
        a.add(x86::ecx, imm);
        a.and_(x86::ecx, ~1u);
        if (d.rd != 0) a.mov(reg_mem(d.rd), ipc + 4);
        a.mov(x86::eax, x86::ecx);
        a.mov(x86::rdx, n);
        a.or_(x86::rax, x86::rdx);
        a.jmp(done);
        terminated = true;
        result = kNoFail;
        break;
      default: {  // branches
        load_reg(x86::ecx, d.rs1);
        load_reg(x86::edx, d.rs2);
        a.mov(x86::rax, n | (ipc + 4));
        a.mov(x86::r8, n | static_cast<std::uint32_t>(ipc + 4 + imm));
        a.cmp(x86::ecx, x86::edx);
        const x86::CondCode cc = op == Op::BEQ ? x86::CondCode::kE : op == Op::BNE ? x86::CondCode::kNE
                               : op == Op::BLT ? x86::CondCode::kL : op == Op::BGE ? x86::CondCode::kGE
                               : op == Op::BLTU ? x86::CondCode::kB : x86::CondCode::kAE;
        a.cmov(cc, x86::rax, x86::r8);
        a.jmp(done);
        terminated = true;
        result = kNoFail;
        break;
      }
    }
  }
  if (!terminated) result = (std::uint64_t{insns.size()} << 32) | (pc + 4 * static_cast<std::uint32_t>(insns.size()));
  if (result != kNoFail || !terminated) {
    a.mov(x86::rax, result);
    a.jmp(done);
  }
  for (const auto& [label, value] : exits) {
    a.bind(label);
    a.mov(x86::rax, value);
    a.jmp(done);
  }
  a.bind(done);
  a.pop(x86::r13);
  a.pop(x86::r12);
  a.pop(x86::rbx);
  a.ret();
  BlockFn fn = nullptr;
  if (rt_->rt.add(&fn, &code) != asmjit::kErrorOk) return std::make_unique<Block>();
  b->fn = fn;
  b->insns = static_cast<std::uint32_t>(insns.size());
  return b;
}

void JitEngine::settle_counts() {
  for (Block* b : counted_) {
    for (std::uint8_t op : b->ops) core_.op_counts_[op] += b->runs;
    b->runs = 0;
  }
  counted_.clear();
}

StopReason JitEngine::run(std::uint64_t cycle_limit) {
  const StopReason s = dispatch(cycle_limit);
  settle_counts();
  return s;
}

StopReason JitEngine::dispatch(std::uint64_t cycle_limit) {
  Core& c = core_;
  c.limit_ = cycle_limit;
  for (;;) {
    if (generation_ != c.code_generation_) {
      flush();
      blocks_.resize(c.code_limit_ / 4);
      heat_.assign(c.code_limit_ / 4, 0);
      generation_ = c.code_generation_;
      regions_seen_ = ~0u;
    }
    if (regions_seen_ != c.num_regions_) {
      max_latency_ = 0;
      for (unsigned i = 0; i < c.num_regions_; ++i) max_latency_ = std::max(max_latency_, c.regions_[i].latency);
      regions_seen_ = c.num_regions_;
    }
    const std::uint32_t pc = c.pc_;
    const std::uint32_t slot = (pc >> 2) | (pc << 30);
    Block* b = nullptr;
    if (slot < blocks_.size() && c.code_host_) {
      b = blocks_[slot].get();
      // Code run only a few times (start-up, short programs) is cheaper
      // to interpret than to translate.
      if (!b && ++heat_[slot] >= kHotRuns) b = (blocks_[slot] = translate(pc)).get();
    }
    if (b && b->fn && c.cycles_ + b->cost_to.back() + std::uint64_t{b->memory_ops} * max_latency_ < c.limit_) {
      const std::uint64_t r = b->fn(this, c.regs_.data());
      const auto k = static_cast<std::uint32_t>(r >> 32);
      c.pc_ = static_cast<std::uint32_t>(r);
      if (k == 0) {  // the first instruction needs the interpreter
        settle_counts();
        const StopReason s = c.execute<true>();
        if (s != StopReason::CycleLimit) return s;
        if (c.cycles_ >= c.limit_) return StopReason::CycleLimit;
        continue;
      }
      c.cycles_ += b->cost_to[k];
      c.instret_ += k;
      translated_ += k;
      if (k == b->insns) {
        // Whole runs are counted per block and multiplied out on return.
        if (b->runs++ == 0) counted_.push_back(b);
      } else {
        for (std::uint32_t i = 0; i < k; ++i) ++c.op_counts_[b->ops[i]];
      }
      const Op last = static_cast<Op>(b->ops[k - 1]);
      c.cycle_at_insn_ = c.cycles_ - (b->cost_to[k] - b->cost_to[k - 1]) - (is_memory(last) ? last_latency_ : 0);
      continue;
    }
    // An interpreted instruction may reach the bus, and a run stopped there
    // (--strict) never returns here: the counts must be whole by then.
    settle_counts();
    const StopReason s = c.execute<true>();
    if (s != StopReason::CycleLimit) return s;
    if (c.cycles_ >= c.limit_) return StopReason::CycleLimit;
  }
}

}  // namespace s32::isa::jit
