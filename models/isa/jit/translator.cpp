#include "isa/jit/translator.hpp"

#include <cstddef>
#include <functional>
#include <iterator>
#include <limits>
#include <stdexcept>

#include "isa/division.hpp"

namespace s32::isa::jit {

namespace x86 = asmjit::x86;

namespace {

constexpr unsigned kMaxBlockInsns = 32;

bool translatable(Op op) {
  switch (op) {
    case Op::ADD: case Op::SUB: case Op::XOR: case Op::OR: case Op::AND: case Op::SLL: case Op::SRL:
    case Op::SRA: case Op::SLT: case Op::SLTU: case Op::MUL: case Op::MULH: case Op::MULHU: case Op::DIV:
    case Op::REM: case Op::SEQ: case Op::SNE: case Op::SGT: case Op::SGTU: case Op::SLE: case Op::SLEU:
    case Op::SGE: case Op::SGEU: case Op::ADDI: case Op::ORI: case Op::ANDI: case Op::XORI: case Op::SLLI:
    case Op::SRLI: case Op::SRAI: case Op::SLTI: case Op::SLTIU: case Op::LUI: case Op::LDB: case Op::LDH:
    case Op::LDW: case Op::LDBU: case Op::LDHU: case Op::STB: case Op::STH: case Op::STW: case Op::JAL:
    case Op::JALR: case Op::BEQ: case Op::BNE: case Op::BLT: case Op::BGE: case Op::BLTU: case Op::BGEU:
    case Op::NOP:
      return true;
    default:
      return false;
  }
}

bool ends_block(Op op) { return op == Op::JAL || op == Op::JALR || (op >= Op::BEQ && op <= Op::BGEU); }
bool is_load(Op op) { return op >= Op::LDB && op <= Op::LDHU; }
bool is_store(Op op) { return op >= Op::STB && op <= Op::STW; }

unsigned access_size(Op op) {
  switch (op) {
    case Op::LDW: case Op::STW: return 4;
    case Op::LDH: case Op::LDHU: case Op::STH: return 2;
    default: return 1;
  }
}

x86::CondCode compare_cc(Op op) {
  switch (op) {
    case Op::SLT: case Op::SLTI: case Op::BLT: return x86::CondCode::kL;
    case Op::SLTU: case Op::SLTIU: case Op::BLTU: return x86::CondCode::kB;
    case Op::SEQ: case Op::BEQ: return x86::CondCode::kE;
    case Op::SNE: case Op::BNE: return x86::CondCode::kNE;
    case Op::SGT: return x86::CondCode::kG;
    case Op::SGTU: return x86::CondCode::kA;
    case Op::SLE: return x86::CondCode::kLE;
    case Op::SLEU: return x86::CondCode::kBE;
    case Op::SGE: case Op::BGE: return x86::CondCode::kGE;
    default: return x86::CondCode::kAE;  // SGEU, BGEU
  }
}

}  // namespace

// The instruction-level pieces every block is made of.
struct Translator::Emitter {
  Emitter(Core& core, x86::Assembler& a) : core_(core), a_(a) {}

  std::int32_t core_field(const void* field) const {
    return static_cast<std::int32_t>(static_cast<const char*>(field) - reinterpret_cast<const char*>(&core_));
  }
  x86::Mem reg(unsigned r) const {
    return x86::dword_ptr(x86::r13, core_field(core_.regs_.data()) + static_cast<std::int32_t>(4 * r));
  }
  void load_reg(const x86::Gp& dst, unsigned r) {
    if (r == 0) a_.xor_(dst, dst);
    else a_.mov(dst, reg(r));
  }
  void write_rd(unsigned rd, const x86::Gp& src) {
    if (rd != 0) a_.mov(reg(rd), src);
  }
  void add_imm(const x86::Gp& dst, std::uint64_t value) {
    if (value == 0) return;
    if (value <= static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
      a_.add(dst, static_cast<std::int32_t>(value));
    } else {
      a_.mov(x86::rax, value);
      a_.add(dst, x86::rax);
    }
  }
  // The address of the access in esi.
  void address(const Decoded& d) {
    if (d.rs1 == 0) {
      a_.mov(x86::esi, static_cast<std::uint32_t>(d.imm));
    } else {
      a_.mov(x86::esi, reg(d.rs1));
      if (d.imm) a_.add(x86::esi, static_cast<std::uint32_t>(d.imm));
    }
  }
  // rdx = the region at index [r13 + hint]; falls through when it holds
  // [esi, esi + size) with `perm` (rcx = the offset), else jumps to `miss`.
  void check_region(const unsigned* hint, unsigned size, std::uint8_t perm, const asmjit::Label& miss) {
    a_.mov(x86::eax, x86::dword_ptr(x86::r13, core_field(hint)));
    a_.imul(x86::eax, x86::eax, static_cast<std::uint32_t>(sizeof(DirectRegion)));
    a_.lea(x86::rdx, x86::ptr(x86::r13, x86::rax, 0, core_field(core_.regions_.data())));
    offset_in(size, miss);
    a_.test(x86::byte_ptr(x86::rdx, offsetof(DirectRegion, perms)), perm);
    a_.jz(miss);
  }
  // rcx = esi - region base, checked against the region's size.
  void offset_in(unsigned size, const asmjit::Label& miss) {
    a_.mov(x86::ecx, x86::esi);
    a_.sub(x86::ecx, x86::dword_ptr(x86::rdx, offsetof(DirectRegion, base)));
    a_.lea(x86::r8, x86::ptr(x86::rcx, static_cast<std::int32_t>(size)));
    a_.mov(x86::r9d, x86::dword_ptr(x86::rdx, offsetof(DirectRegion, size)));
    a_.cmp(x86::r8, x86::r9);
    a_.ja(miss);
  }

  Core& core_;
  x86::Assembler& a_;
};

const DirectRegion* Translator::find_region(Core* core, std::uint32_t addr, std::uint32_t size,
                                           std::uint32_t perm) {
  std::uint32_t latency;
  if (!core->direct_miss(addr, size, static_cast<std::uint8_t>(perm), latency)) return nullptr;
  // direct_miss makes the region it found the first hint.
  return &core->regions_[core->hint_];
}

Translator::Translator(Core& core, NoteRun note, void* note_arg) : core_(core), note_(note), note_arg_(note_arg) {
  make_trampoline();
}

Translator::~Translator() {
  if (enter_) rt_.release(enter_);
}

void Translator::leave_at(Block* b, std::uint32_t k, Core* core) {
  core->cycles_ += b->cost_to[k];
  core->instret_ += k;
  for (std::uint32_t i = 0; i < k; ++i) ++core->op_counts_[b->ops[i] & 0x7F];
}

void Translator::make_trampoline() {
  asmjit::CodeHolder code;
  code.init(rt_.environment());
  x86::Assembler a(&code);
  Emitter e(core_, a);
  const auto field = [&](const void* f) { return x86::ptr(x86::r13, e.core_field(f)); };
  // The callee-saved registers translated code holds its state in. Six
  // pushes and eight bytes keep the stack 16-byte aligned at the calls
  // translated code makes.
  const x86::Gp saved[] = {x86::rbp, x86::rbx, x86::r12, x86::r13, x86::r14, x86::r15};
  for (const x86::Gp& r : saved) a.push(r);
  a.sub(x86::rsp, 8);
  a.mov(x86::r13, x86::rsi);
  a.mov(x86::rbx, field(&core_.cycle_at_insn_));
  a.mov(x86::r14, x86::rdx);
  a.mov(x86::r15, field(&core_.cycles_));
  a.mov(x86::rbp, field(&core_.memory_cycles_));
  a.mov(x86::r12, field(&core_.instret_));
  a.jmp(x86::rdi);

  // The search for the region of an access at esi of edx bytes with the
  // permission in cl, after the first hint missed: the second hint, then
  // the others. Returns the region in rdx (0: none) and the offset in rcx.
  asmjit::Label find = a.newLabel(), search = a.newLabel(), found = a.newLabel();
  a.bind(find);
  a.mov(x86::eax, field(&core_.other_hint_));
  a.imul(x86::eax, x86::eax, static_cast<std::uint32_t>(sizeof(DirectRegion)));
  a.lea(x86::r10, x86::ptr(x86::r13, x86::rax, 0, e.core_field(core_.regions_.data())));
  a.mov(x86::r8d, x86::esi);
  a.sub(x86::r8d, x86::dword_ptr(x86::r10, offsetof(DirectRegion, base)));
  a.lea(x86::r9, x86::ptr(x86::r8, x86::rdx));
  a.mov(x86::r11d, x86::dword_ptr(x86::r10, offsetof(DirectRegion, size)));
  a.cmp(x86::r9, x86::r11);
  a.ja(search);
  a.test(x86::byte_ptr(x86::r10, offsetof(DirectRegion, perms)), x86::cl);
  a.jz(search);
  a.mov(x86::rdx, x86::r10);
  a.mov(x86::rcx, x86::r8);
  a.ret();
  a.bind(search);
  a.push(x86::rsi);  // also aligns the stack for the call
  a.mov(x86::rdi, x86::r13);
  a.mov(x86::rax, reinterpret_cast<std::uint64_t>(&Translator::find_region));
  a.call(x86::rax);
  a.pop(x86::rsi);
  a.mov(x86::rdx, x86::rax);
  a.test(x86::rax, x86::rax);
  a.jz(found);
  a.mov(x86::ecx, x86::esi);
  a.sub(x86::ecx, x86::dword_ptr(x86::rdx, offsetof(DirectRegion, base)));
  a.bind(found);
  a.ret();

  asmjit::Label partial = a.newLabel(), lookup = a.newLabel(), epilogue = a.newLabel();
  const auto write_back = [&] {
    a.mov(field(&core_.cycle_at_insn_), x86::rbx);
    a.mov(field(&core_.cycles_), x86::r15);
    a.mov(field(&core_.memory_cycles_), x86::rbp);
    a.mov(field(&core_.instret_), x86::r12);
  };
  // esi = the pc of the access, rdi = its block, edx = its index there.
  a.bind(partial);
  a.mov(x86::dword_ptr(x86::r13, e.core_field(&core_.pc_)), x86::esi);
  write_back();
  a.mov(x86::esi, x86::edx);
  a.mov(x86::rdx, x86::r13);
  a.mov(x86::rax, reinterpret_cast<std::uint64_t>(&Translator::leave_at));
  a.call(x86::rax);
  a.mov(x86::eax, static_cast<std::uint32_t>(Exit::Interpret));
  a.jmp(epilogue);
  // esi = the next pc.
  a.bind(lookup);
  a.mov(x86::dword_ptr(x86::r13, e.core_field(&core_.pc_)), x86::esi);
  write_back();
  a.mov(x86::eax, static_cast<std::uint32_t>(Exit::Lookup));
  a.bind(epilogue);
  a.add(x86::rsp, 8);
  for (auto r = std::rbegin(saved); r != std::rend(saved); ++r) a.pop(*r);
  a.ret();
  if (rt_.add(&enter_, &code) != asmjit::kErrorOk) throw std::runtime_error("jit: cannot place the trampoline");
  const auto* base = reinterpret_cast<const char*>(enter_);
  head_[0] = base + code.labelOffsetFromBase(find);
  head_[1] = base + code.labelOffsetFromBase(partial);
  head_[2] = base + code.labelOffsetFromBase(lookup);
}

void Translator::release(Block& b) {
  if (b.code) rt_.release(const_cast<void*>(b.code));
  b.code = nullptr;
}

void Translator::translate(std::uint32_t pc, Block& b, std::size_t slots, std::uint32_t max_latency) {
  std::vector<Decoded> insns;
  for (std::uint32_t p = pc; insns.size() < kMaxBlockInsns; p += 4) {
    std::uint32_t word;
    if (p + 4 < p || !core_.fetch_word(p, word)) break;
    const Decoded d = decode(word);
    if (!is_legal(d.opcode) || !translatable(static_cast<Op>(d.opcode))) break;
    insns.push_back(d);
    if (ends_block(static_cast<Op>(d.opcode))) break;
  }
  b.pc = pc;
  if (insns.empty()) return;

  std::vector<std::uint64_t>& cost_to = b.cost_to;
  cost_to.assign(1, 0);
  std::uint64_t accesses = 0;
  for (const Decoded& d : insns) {
    b.ops.push_back(d.opcode);
    cost_to.push_back(cost_to.back() + core_.costs_[d.opcode]);
    const Op op = static_cast<Op>(d.opcode);
    if (is_load(op) || is_store(op)) ++accesses;
  }
  b.insns = static_cast<std::uint32_t>(insns.size());
  b.bound = cost_to.back() + accesses * max_latency;

  asmjit::CodeHolder code;
  code.init(rt_.environment());
  x86::Assembler a(&code);
  Emitter e(core_, a);
  std::vector<std::function<void()>> cold;  // out-of-line paths, after the body

  const auto exit_lookup = [&] { a.jmp(x86::qword_ptr(x86::r14, -8)); };
  // To the block at `target`, or to the dispatcher when none can be there.
  const auto go_to = [&](std::uint32_t target) {
    a.mov(x86::esi, target);
    const std::uint32_t slot = code_slot(target);
    if (slot < slots && std::uint64_t{slot} * 8 <= std::numeric_limits<std::int32_t>::max())
      a.jmp(x86::qword_ptr(x86::r14, static_cast<std::int32_t>(slot * 8)));
    else
      exit_lookup();
  };
  // Instructions before k are done; k goes to the interpreter.
  const auto partial_exit = [&](std::uint32_t k) {
    asmjit::Label l = a.newLabel();
    cold.push_back([&, l, k] {
      a.bind(l);
      a.mov(x86::esi, pc + 4 * k);
      a.mov(x86::rdi, reinterpret_cast<std::uint64_t>(&b));
      a.mov(x86::edx, k);
      a.jmp(x86::qword_ptr(x86::r14, -16));
    });
    return l;
  };
  // A whole run: its cycles, instructions and one more pending run. The
  // start cycle of its last instruction is what a fault at the next pc that
  // cannot be fetched leaves behind, as in the interpreter.
  const auto complete = [&] {
    e.add_imm(x86::r15, cost_to.back());
    const std::uint64_t last = cost_to.back() - cost_to[cost_to.size() - 2];
    if (last <= static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
      a.lea(x86::rbx, x86::ptr(x86::r15, -static_cast<std::int32_t>(last)));
    } else {
      a.mov(x86::rbx, x86::r15);
      a.mov(x86::rax, last);
      a.sub(x86::rbx, x86::rax);
    }
    // A block cut short ends on an access: its memory time (r8) too.
    const Op end = static_cast<Op>(insns.back().opcode);
    if (is_load(end) || is_store(end)) a.sub(x86::rbx, x86::r8);
    a.add(x86::r12, static_cast<std::int32_t>(insns.size()));
    a.mov(x86::rax, reinterpret_cast<std::uint64_t>(&b.pending));
    a.sub(x86::qword_ptr(x86::rax), 1);
    asmjit::Label first = a.newLabel(), back = a.newLabel();
    a.jc(first);
    a.bind(back);
    cold.push_back([&, first, back] {
      a.bind(first);
      a.mov(x86::rdi, reinterpret_cast<std::uint64_t>(note_arg_));
      a.mov(x86::rsi, reinterpret_cast<std::uint64_t>(&b));
      a.mov(x86::rax, reinterpret_cast<std::uint64_t>(note_));
      a.call(x86::rax);
      a.jmp(back);
    });
  };

  {
    asmjit::Label over = a.newLabel();
    if (b.bound <= static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
      a.lea(x86::rax, x86::ptr(x86::r15, static_cast<std::int32_t>(b.bound)));
    } else {
      a.mov(x86::rax, b.bound);
      a.add(x86::rax, x86::r15);
    }
    a.cmp(x86::rax, x86::qword_ptr(x86::r13, e.core_field(&core_.limit_)));
    a.jae(over);
    cold.push_back([&, over] {
      a.bind(over);
      a.mov(x86::esi, pc);
      exit_lookup();
    });
  }

  bool terminated = false;
  for (std::uint32_t k = 0; k < insns.size(); ++k) {
    const Decoded& d = insns[k];
    const Op op = static_cast<Op>(d.opcode);
    const std::uint32_t ipc = pc + 4 * k;
    const auto imm = static_cast<std::uint32_t>(d.imm);
    switch (op) {
      case Op::ADD: case Op::SUB: case Op::XOR: case Op::OR: case Op::AND: case Op::MUL:
      case Op::SLL: case Op::SRL: case Op::SRA:
        e.load_reg(x86::eax, d.rs1);
        e.load_reg(x86::ecx, d.rs2);
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
        e.write_rd(d.rd, x86::eax);
        break;
      case Op::MULH: case Op::MULHU:
        if (op == Op::MULH) {
          if (d.rs1) a.movsxd(x86::rax, e.reg(d.rs1)); else a.xor_(x86::eax, x86::eax);
          if (d.rs2) a.movsxd(x86::rcx, e.reg(d.rs2)); else a.xor_(x86::ecx, x86::ecx);
        } else {
          e.load_reg(x86::eax, d.rs1);
          e.load_reg(x86::ecx, d.rs2);
        }
        a.imul(x86::rax, x86::rcx);
        a.shr(x86::rax, 32);
        e.write_rd(d.rd, x86::eax);
        break;
      case Op::DIV: case Op::REM:
        e.load_reg(x86::edi, d.rs1);
        e.load_reg(x86::esi, d.rs2);
        a.mov(x86::rax, reinterpret_cast<std::uint64_t>(op == Op::DIV ? &signed_divide : &signed_remainder));
        a.call(x86::rax);
        e.write_rd(d.rd, x86::eax);
        break;
      case Op::SLT: case Op::SLTU: case Op::SEQ: case Op::SNE: case Op::SGT: case Op::SGTU:
      case Op::SLE: case Op::SLEU: case Op::SGE: case Op::SGEU:
      case Op::SLTI: case Op::SLTIU:
        e.load_reg(x86::ecx, d.rs1);
        if (op == Op::SLTI || op == Op::SLTIU) {
          a.cmp(x86::ecx, imm);
        } else {
          e.load_reg(x86::edx, d.rs2);
          a.cmp(x86::ecx, x86::edx);
        }
        a.set(compare_cc(op), x86::al);
        a.movzx(x86::eax, x86::al);
        e.write_rd(d.rd, x86::eax);
        break;
      case Op::ADDI: case Op::ORI: case Op::ANDI: case Op::XORI: case Op::SLLI: case Op::SRLI: case Op::SRAI:
        e.load_reg(x86::eax, d.rs1);
        switch (op) {
          case Op::ADDI: a.add(x86::eax, imm); break;
          case Op::ORI: a.or_(x86::eax, imm); break;
          case Op::ANDI: a.and_(x86::eax, imm); break;
          case Op::XORI: a.xor_(x86::eax, imm); break;
          case Op::SLLI: a.shl(x86::eax, imm & 31); break;
          case Op::SRLI: a.shr(x86::eax, imm & 31); break;
          default: a.sar(x86::eax, imm & 31); break;
        }
        e.write_rd(d.rd, x86::eax);
        break;
      case Op::LUI:
        if (d.rd != 0) a.mov(e.reg(d.rd), imm);
        break;
      case Op::NOP:
        break;
      case Op::LDB: case Op::LDH: case Op::LDW: case Op::LDBU: case Op::LDHU:
      case Op::STB: case Op::STH: case Op::STW: {
        const unsigned size = access_size(op);
        const bool store = is_store(op);
        const std::uint8_t perm = store ? kPermWrite : kPermRead;
        const asmjit::Label slow = partial_exit(k);
        asmjit::Label second = a.newLabel(), hit = a.newLabel();
        e.address(d);
        // Stores into code go to the interpreter, which invalidates.
        if (store && core_.code_writable_) {
          a.cmp(x86::esi, core_.code_limit_);
          a.jb(slow);
        }
        e.check_region(&core_.hint_, size, perm, second);
        a.bind(hit);
        a.mov(x86::rax, x86::qword_ptr(x86::rdx, offsetof(DirectRegion, host)));
        if (store) {
          e.load_reg(x86::r9d, d.rs2);
          switch (size) {
            case 4: a.mov(x86::dword_ptr(x86::rax, x86::rcx), x86::r9d); break;
            case 2: a.mov(x86::word_ptr(x86::rax, x86::rcx), x86::r9w); break;
            default: a.mov(x86::byte_ptr(x86::rax, x86::rcx), x86::r9b); break;
          }
        } else {
          switch (op) {
            case Op::LDW: a.mov(x86::eax, x86::dword_ptr(x86::rax, x86::rcx)); break;
            case Op::LDH: a.movsx(x86::eax, x86::word_ptr(x86::rax, x86::rcx)); break;
            case Op::LDHU: a.movzx(x86::eax, x86::word_ptr(x86::rax, x86::rcx)); break;
            case Op::LDB: a.movsx(x86::eax, x86::byte_ptr(x86::rax, x86::rcx)); break;
            default: a.movzx(x86::eax, x86::byte_ptr(x86::rax, x86::rcx)); break;
          }
        }
        a.mov(x86::r8d, x86::dword_ptr(x86::rdx, offsetof(DirectRegion, latency)));
        a.add(x86::r15, x86::r8);
        a.add(x86::rbp, x86::r8);
        if (!store) e.write_rd(d.rd, x86::eax);
        cold.push_back([&, size, perm, second, hit, slow] {
          a.bind(second);
          a.mov(x86::edx, size);
          a.mov(x86::ecx, perm);
          a.call(x86::qword_ptr(x86::r14, -24));
          a.test(x86::rdx, x86::rdx);
          a.jz(slow);
          a.jmp(hit);
        });
        break;
      }
      case Op::JAL:
        complete();
        if (d.rd != 0) a.mov(e.reg(d.rd), ipc + 4);
        go_to(ipc + imm);
        terminated = true;
        break;
      case Op::JALR: {
        complete();
        if (d.rs1 == 0) {
          a.mov(x86::esi, imm & ~1u);
        } else {
          a.mov(x86::esi, e.reg(d.rs1));
          if (imm) a.add(x86::esi, imm);
          a.and_(x86::esi, ~1u);
        }
        if (d.rd != 0) a.mov(e.reg(d.rd), ipc + 4);
        // The table slot of an aligned pc in the code; anything else (a
        // misaligned pc, one past the code) is the dispatcher's.
        asmjit::Label outside = a.newLabel();
        a.mov(x86::eax, x86::esi);
        a.ror(x86::eax, 2);
        a.cmp(x86::rax, static_cast<std::uint32_t>(std::min<std::size_t>(slots, 0x7FFFFFFF)));
        a.jae(outside);
        a.jmp(x86::qword_ptr(x86::r14, x86::rax, 3));
        a.bind(outside);
        exit_lookup();
        terminated = true;
        break;
      }
      default: {  // branches
        complete();
        e.load_reg(x86::ecx, d.rs1);
        e.load_reg(x86::edx, d.rs2);
        a.cmp(x86::ecx, x86::edx);
        asmjit::Label taken = a.newLabel();
        a.j(compare_cc(op), taken);
        go_to(ipc + 4);
        a.bind(taken);
        go_to(ipc + 4 + imm);
        terminated = true;
        break;
      }
    }
  }
  if (!terminated) {
    complete();
    go_to(pc + 4 * static_cast<std::uint32_t>(insns.size()));
  }
  for (const auto& path : cold) path();

  void* fn = nullptr;
  if (rt_.add(&fn, &code) != asmjit::kErrorOk) return;  // interpreted instead
  b.code = fn;
}

}  // namespace s32::isa::jit
