#include "assembler.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "expr.hpp"
#include "isa/instruction.hpp"
#include "isa/opcodes.hpp"
#include "s32x_writer.hpp"

namespace s32::as {

using isa::Form;
using isa::OpInfo;

std::string Diagnostic::str() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  if (!s.empty()) s += ": ";
  return s + (warning ? "warning: " : "error: ") + message;
}

namespace {

std::string join_errors(const std::vector<Diagnostic>& diags) {
  std::string s;
  for (const Diagnostic& d : diags) {
    if (d.warning) continue;
    if (!s.empty()) s += "\n";
    s += d.str();
  }
  return s;
}

}  // namespace

AssemblyError::AssemblyError(std::vector<Diagnostic> diags)
    : std::runtime_error(join_errors(diags)), diags_(std::move(diags)) {}

namespace {

// Output sections in layout order. InitArray is placed inside the rodata
// region, after the rest of rodata, so __init_array_start/end bracket it.
enum Sec : int { kCode, kRodata, kInitArray, kData, kBss, kNumSecs, kDiscard = kNumSecs };

constexpr std::uint32_t kPage = 4096;
constexpr std::uint64_t align_up(std::uint64_t v, std::uint64_t a) { return (v + a - 1) / a * a; }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<unsigned> parse_register(const Token& t) {
  if (t.kind != Tok::Ident) return std::nullopt;
  const std::string n = lower(t.text);
  static const std::map<std::string, unsigned> named = {
      {"zero", 0}, {"rv", 1}, {"t0", 2}, {"sp", 29}, {"fp", 30}, {"lr", 31}};
  if (auto it = named.find(n); it != named.end()) return it->second;
  auto numbered = [&](char prefix, unsigned first, unsigned count) -> std::optional<unsigned> {
    if (n.size() < 2 || n[0] != prefix) return std::nullopt;
    for (std::size_t i = 1; i < n.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(n[i]))) return std::nullopt;
    if (n.size() > 3 || (n.size() == 3 && n[1] == '0')) return std::nullopt;
    const unsigned k = static_cast<unsigned>(std::stoul(n.substr(1)));
    if (k >= count) return std::nullopt;
    return first + k;
  };
  if (auto r = numbered('r', 0, 32)) return r;
  if (auto r = numbered('a', 3, 8)) return r;
  if (auto r = numbered('s', 11, 18)) return r;
  return std::nullopt;
}

bool is_punct(const Token& t, const char* p) { return t.kind == Tok::Punct && t.text == p; }

// How an instruction's immediate expression becomes its encoded field.
enum class ImmUse : std::uint8_t { None, Value, BranchTarget, JalTarget };

struct Stmt {
  enum class Kind : std::uint8_t { Insn, Data, Bytes, Leb };
  Kind kind = Kind::Insn;
  int file = 0;
  int line = 0;
  Sec sec = kCode;
  std::uint32_t offset = 0;  // within its file's chunk of `sec`
  std::uint32_t size = 0;
  // Insn
  const OpInfo* info = nullptr;
  unsigned rd = 0, rs1 = 0, rs2 = 0;
  ImmUse use = ImmUse::None;
  Expr imm;
  // Data: `width`-byte little-endian values
  unsigned width = 0;
  std::vector<Expr> values;
  // Bytes: literal bytes (strings, fills, padding)
  std::vector<std::uint8_t> bytes;
  // Leb: values[0] in a fixed 5-byte LEB128, signed for .sleb128
  bool leb_signed = false;
};

// A `.size` expression and where it stood, which is what `.` means in it
// (`.size f, .-f`).
struct SizeDecl {
  Expr value;
  Sec sec = kCode;
  std::uint32_t offset = 0;
};

struct SymDef {
  enum class Kind : std::uint8_t { Label, Equ } kind = Kind::Label;
  Sec sec = kCode;
  std::uint32_t offset = 0;
  Expr value;  // Equ
  int line = 0;
  std::uint8_t type = 0;  // s32x symbol type
  const SizeDecl* size = nullptr;
};

struct FileState {
  std::string name;
  std::unordered_map<std::string, SymDef> defs;
  std::map<std::string, int> global_decls;  // name -> line of .globl
  std::set<std::string> local_decls;
  std::array<std::uint32_t, kNumSecs> chunk_size{};
  std::array<std::uint32_t, kNumSecs> chunk_align{};
  std::array<std::uint64_t, kNumSecs> chunk_base{};
  std::map<std::string, int> numeric_label_count;  // for 1: / 1b / 1f
  std::map<std::string, std::uint8_t> types;        // from .type, applied after pass 1
  std::map<std::string, SizeDecl> sizes;            // from .size
};

struct GlobalRef {
  int file;
  const SymDef* def;
};

}  // namespace

struct Assembler::Impl {
  Options opt;
  std::vector<FileState> files;
  std::vector<Stmt> stmts;
  std::vector<Diagnostic> diags;
  std::unordered_map<std::string, GlobalRef> globals;
  std::unordered_map<std::string, std::int64_t> linker_syms;
  std::array<std::uint64_t, kNumSecs> sec_start{}, sec_end{};
  Layout layout;

  // Parsing state for the current file.
  int cur_file = 0;
  int cur_line = 0;
  Sec cur_sec = kCode;
  Sec prev_sec = kCode;

  void error(const std::string& msg, int line = -1) {
    diags.push_back({files[static_cast<std::size_t>(cur_file)].name, line < 0 ? cur_line : line, msg, false});
  }
  void warning(const std::string& msg) {
    diags.push_back({files[static_cast<std::size_t>(cur_file)].name, cur_line, msg, true});
  }
  bool failed() const {
    return std::any_of(diags.begin(), diags.end(), [](const Diagnostic& d) { return !d.warning; });
  }

  FileState& file() { return files[static_cast<std::size_t>(cur_file)]; }
  std::uint32_t& here() { return file().chunk_size[cur_sec == kDiscard ? kData : cur_sec]; }

  // ---- pass 1 ----------------------------------------------------------

  void parse_file(const std::string& text);
  void parse_line(std::vector<Token>& toks);
  void define_label(const std::string& name);
  std::string label_name(const std::string& name);
  void directive(const std::string& d, const std::vector<Token>& toks, std::size_t pos);
  void instruction(const std::string& mnemonic, const std::vector<Token>& toks, std::size_t pos);
  void emit(Stmt s);
  void emit_insn(const OpInfo* info, unsigned rd, unsigned rs1, unsigned rs2, ImmUse use, Expr imm);
  void emit_bytes(std::vector<std::uint8_t> bytes);
  void align_to(std::uint32_t alignment, std::uint8_t fill, std::uint32_t max_skip = UINT32_MAX);
  bool expect_end(const std::vector<Token>& toks, std::size_t pos);
  bool expr_operand(const std::vector<Token>& toks, std::size_t& pos, Expr& e);
  std::optional<std::int64_t> constant(const Expr& e, const char* what);
  std::optional<std::int64_t> layout_independent_value(const Expr& e);
  void set_section(Sec s) {
    prev_sec = cur_sec;
    cur_sec = s;
  }
  Sec section_by_name(const std::string& name, const std::string& flags, bool has_flags);

  // ---- layout and pass 2 -----------------------------------------------

  void resolve_globals();
  void place();
  std::optional<std::int64_t> lookup(int file, const std::string& name, int depth, std::string& err);
  std::optional<std::int64_t> value_of(int file, const SymDef& d, int depth, std::string& err);
  std::uint64_t address(int file, Sec sec, std::uint32_t offset) const {
    return files[static_cast<std::size_t>(file)].chunk_base[sec] + offset;
  }
  void encode_all(std::array<std::vector<std::uint8_t>, kNumSecs>& images);
};

namespace {

bool ends_with_colon(const std::vector<Token>& toks, std::size_t pos) {
  return toks[pos].kind == Tok::Ident && is_punct(toks[pos + 1], ":");
}

bool is_numeric_label(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// True when `s` stores nothing but zero bytes, all that .bss can hold. The
// clang back end writes a zero-initialised global there as `.word 0`.
bool only_zeros(const Stmt& s) {
  const auto zero = [](const Expr& e) {
    std::string err;
    return is_literal(e) && eval_expr(e, [](const std::string&) { return std::nullopt; }, 0, err) == 0;
  };
  switch (s.kind) {
    case Stmt::Kind::Bytes: return std::all_of(s.bytes.begin(), s.bytes.end(), [](std::uint8_t b) { return b == 0; });
    case Stmt::Kind::Data: return std::all_of(s.values.begin(), s.values.end(), zero);
    default: return false;
  }
}

// LEB128 of `v`, which must fit in 32 bits (unsigned for .uleb128, signed
// for .sleb128), in at least `min_size` bytes: padding continues the value
// with empty groups, so 5 bytes hold any 32-bit value. Nothing if it does
// not fit.
std::optional<std::vector<std::uint8_t>> leb128(std::int64_t v, bool is_signed, std::size_t min_size) {
  if (is_signed ? (v < INT32_MIN || v > INT32_MAX) : (v < 0 || v > UINT32_MAX)) return std::nullopt;
  std::vector<std::uint8_t> out;
  for (;;) {
    const auto group = static_cast<std::uint8_t>(v & 0x7F);
    v >>= 7;  // arithmetic: what is left of a negative value is all ones
    const bool last = is_signed ? v == ((group & 0x40) ? -1 : 0) : v == 0;
    if (last && out.size() + 1 >= min_size) {
      out.push_back(group);
      return out;
    }
    out.push_back(static_cast<std::uint8_t>(group | 0x80));
  }
}

std::string leb128_misfit(std::int64_t v, bool is_signed) {
  return "value " + std::to_string(v) + " does not fit " + (is_signed ? ".sleb128" : ".uleb128") + " (32 bits)";
}

}  // namespace

void Assembler::Impl::parse_file(const std::string& text) {
  std::size_t start = 0;
  cur_line = 0;
  cur_sec = prev_sec = kCode;
  std::vector<Token> toks;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++cur_line;
    std::string err;
    if (tokenize(line, toks, err))
      parse_line(toks);
    else
      error(err);
    if (nl == text.size()) break;
    start = nl + 1;
  }
}

std::string Assembler::Impl::label_name(const std::string& name) {
  // Numeric local labels: the n-th definition of "1" becomes ".L1$n";
  // 1b names the latest definition, 1f the next one.
  if (is_numeric_label(name)) {
    const int n = file().numeric_label_count[name]++;
    return ".L" + name + "$" + std::to_string(n);
  }
  return name;
}

void Assembler::Impl::define_label(const std::string& raw) {
  const std::string name = label_name(raw);
  auto& defs = file().defs;
  if (auto it = defs.find(name); it != defs.end()) {
    error("symbol '" + raw + "' is already defined (line " + std::to_string(it->second.line) + ")");
    return;
  }
  if (cur_sec == kDiscard) {
    // Labels in discarded sections (debug info, notes) are never loaded;
    // define them so references do not cascade into errors.
    defs[name] = SymDef{SymDef::Kind::Equ, kCode, 0, std::make_shared<const ExprNode>(ExprNode{ExprNode::Kind::Number, 0, {}, {}, {}, {}}), cur_line, 0, {}};
    return;
  }
  if (cur_sec == kCode && here() % 4 != 0) align_to(4, 0);
  SymDef d;
  d.kind = SymDef::Kind::Label;
  d.sec = cur_sec;
  d.offset = here();
  d.line = cur_line;
  defs[name] = d;
}

void Assembler::Impl::parse_line(std::vector<Token>& toks) {
  std::size_t pos = 0;
  while (true) {
    if (ends_with_colon(toks, pos)) {
      define_label(toks[pos].text);
      pos += 2;
    } else if (toks[pos].kind == Tok::Number && !toks[pos].too_large && is_punct(toks[pos + 1], ":")) {
      define_label(std::to_string(toks[pos].value));
      pos += 2;
    } else {
      break;
    }
  }
  // Rewrite numeric local-label references (1b, 1f) to their hidden names,
  // after this line's labels exist: in `1: j 1b`, 1b is the label on the line.
  for (std::size_t i = pos; i < toks.size(); ++i) {
    Token& t = toks[i];
    if (t.kind != Tok::Ident || t.text.size() < 2) continue;
    const char dir = t.text.back();
    const std::string num = t.text.substr(0, t.text.size() - 1);
    if ((dir != 'b' && dir != 'f') || !is_numeric_label(num)) continue;
    const int count = file().numeric_label_count[num];
    const int index = dir == 'b' ? count - 1 : count;
    if (index < 0) {
      error("backward reference " + t.text + " has no earlier label " + num + ":");
      return;
    }
    t.text = ".L" + num + "$" + std::to_string(index);
  }
  const Token& head = toks[pos];
  if (head.kind == Tok::End) return;
  if (head.kind != Tok::Ident) {
    error("expected an instruction or directive, found '" + head.text + "'");
    return;
  }
  // `name = expr` is the same as `.set name, expr`.
  if (is_punct(toks[pos + 1], "=")) {
    std::vector<Token> rewritten = {toks[pos], Token{Tok::Punct, ",", 0}};
    rewritten.insert(rewritten.end(), toks.begin() + static_cast<long>(pos) + 2, toks.end());
    directive(".set", rewritten, 0);
    return;
  }
  if (head.text[0] == '.')
    directive(lower(head.text), toks, pos + 1);
  else
    instruction(lower(head.text), toks, pos + 1);
}

bool Assembler::Impl::expect_end(const std::vector<Token>& toks, std::size_t pos) {
  if (toks[pos].kind != Tok::End) {
    error("unexpected '" + (toks[pos].kind == Tok::Number ? std::to_string(toks[pos].value) : toks[pos].text) +
          "' at end of statement");
    return false;
  }
  return true;
}

bool Assembler::Impl::expr_operand(const std::vector<Token>& toks, std::size_t& pos, Expr& e) {
  std::string err;
  if (!parse_expr(toks, pos, e, err)) {
    error(err);
    return false;
  }
  return true;
}

// Evaluates an expression that must be known in pass 1 (sizes, alignment,
// `li` widths): numbers and symbols .set to constants earlier in the file.
std::optional<std::int64_t> Assembler::Impl::constant(const Expr& e, const char* what) {
  std::string err;
  auto resolve = [&](const std::string& n) -> std::optional<std::int64_t> {
    auto it = file().defs.find(n);
    // `.` has no final address yet, so only literal values are known.
    if (it == file().defs.end() || it->second.kind != SymDef::Kind::Equ || !is_literal(it->second.value))
      return std::nullopt;
    std::string inner;
    return eval_expr(it->second.value, [](const std::string&) { return std::nullopt; }, 0, inner);
  };
  auto v = eval_expr(e, resolve, here(), err);
  if (!v && what) error(std::string(what) + " must be a constant known at this point");
  return v;
}

// The value of `e` if pass 1 knows it whatever the layout: numbers,
// constant .sets, and differences of labels defined so far in one section
// of this file. `e` is evaluated twice with each section moved by a
// different distance; a value that depends on where sections land changes.
std::optional<std::int64_t> Assembler::Impl::layout_independent_value(const Expr& e) {
  std::optional<std::int64_t> first;
  for (const std::int64_t shift : {0, 1 << 20}) {
    auto resolve = [&](const std::string& n) -> std::optional<std::int64_t> {
      auto it = file().defs.find(n);
      if (it == file().defs.end()) return std::nullopt;
      const SymDef& d = it->second;
      if (d.kind == SymDef::Kind::Label) return shift * (d.sec + 1) + d.offset;
      if (!is_literal(d.value)) return std::nullopt;
      std::string inner;
      return eval_expr(d.value, [](const std::string&) { return std::nullopt; }, 0, inner);
    };
    std::string err;
    auto v = eval_expr(e, resolve, shift * (cur_sec + 1) + here(), err);
    if (!v || (first && *first != *v)) return std::nullopt;
    first = v;
  }
  return first;
}

void Assembler::Impl::emit(Stmt s) {
  s.file = cur_file;
  s.line = cur_line;
  s.sec = cur_sec;
  if (cur_sec == kDiscard) return;
  if (cur_sec == kBss && !only_zeros(s)) {
    error("initialised data in .bss (only zeros belong there: .zero, .space, .align, zero-valued data)");
    return;
  }
  s.offset = here();
  const std::uint64_t end = std::uint64_t{here()} + s.size;
  if (end > 0xFFFFFFFFull) {
    error("section grows past 4 GiB");
    return;
  }
  here() = static_cast<std::uint32_t>(end);
  stmts.push_back(std::move(s));
}

void Assembler::Impl::emit_insn(const OpInfo* info, unsigned rd, unsigned rs1, unsigned rs2, ImmUse use, Expr imm) {
  if (cur_sec != kCode && cur_sec != kDiscard) {
    error("instruction '" + std::string(info->mnemonic) + "' outside a code section");
    return;
  }
  // The core faults on an odd or r31 pair operand; say so at the source line.
  const isa::PairUse pairs = isa::pair_operands(info->op);
  const std::pair<bool, unsigned> operands[] = {{pairs.rd, rd}, {pairs.rs1, rs1}, {pairs.rs2, rs2}};
  for (const auto& [is_pair, r] : operands) {
    if (is_pair && (r % 2 != 0 || r >= 31)) {
      error("'" + std::string(info->mnemonic) + "' needs an even register below r31 for its 64-bit operand, not r" +
            std::to_string(r));
      return;
    }
  }
  if (here() % 4 != 0) align_to(4, 0);
  Stmt s;
  s.kind = Stmt::Kind::Insn;
  s.size = 4;
  s.info = info;
  s.rd = rd;
  s.rs1 = rs1;
  s.rs2 = rs2;
  s.use = use;
  s.imm = std::move(imm);
  emit(std::move(s));
}

void Assembler::Impl::emit_bytes(std::vector<std::uint8_t> bytes) {
  Stmt s;
  s.kind = Stmt::Kind::Bytes;
  s.size = static_cast<std::uint32_t>(bytes.size());
  s.bytes = std::move(bytes);
  emit(std::move(s));
}

void Assembler::Impl::align_to(std::uint32_t alignment, std::uint8_t fill, std::uint32_t max_skip) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    error("alignment " + std::to_string(alignment) + " is not a power of two");
    return;
  }
  if (cur_sec == kDiscard) return;
  auto& a = file().chunk_align[cur_sec];
  a = std::max(a, alignment);
  const std::uint32_t pad = static_cast<std::uint32_t>(align_up(here(), alignment) - here());
  if (pad == 0 || pad > max_skip) return;
  emit_bytes(std::vector<std::uint8_t>(pad, cur_sec == kBss ? 0 : fill));
}

Sec Assembler::Impl::section_by_name(const std::string& name, const std::string& flags, bool has_flags) {
  auto starts = [&](const char* p) {
    const std::string s(p);
    return name == s || name.rfind(s + ".", 0) == 0;
  };
  if (starts(".text") || name == ".code") return kCode;
  if (starts(".rodata") || starts(".srodata")) return kRodata;
  if (starts(".init_array")) return kInitArray;
  if (starts(".data") || starts(".sdata")) return kData;
  if (starts(".bss") || starts(".sbss") || starts(".tbss")) return kBss;
  if (starts(".note") || starts(".comment") || starts(".debug") || starts(".llvm") || name == ".eh_frame" ||
      starts(".gnu"))
    return kDiscard;
  if (has_flags) {
    if (flags.find('a') == std::string::npos) return kDiscard;
    if (flags.find('x') != std::string::npos) return kCode;
    if (flags.find('w') != std::string::npos) return kData;
    return kRodata;
  }
  error("unknown section '" + name + "' (give it flags, e.g. .section " + name + ",\"aw\")");
  return cur_sec;
}

void Assembler::Impl::directive(const std::string& d, const std::vector<Token>& toks, std::size_t pos) {
  auto ident_list = [&](std::vector<std::string>& names) {
    while (toks[pos].kind == Tok::Ident) {
      names.push_back(toks[pos++].text);
      if (!is_punct(toks[pos], ",")) break;
      ++pos;
    }
    return expect_end(toks, pos) && !names.empty();
  };
  auto comma = [&]() {
    if (!is_punct(toks[pos], ",")) {
      error("expected ',' in " + d);
      return false;
    }
    ++pos;
    return true;
  };

  if (d == ".text" || d == ".code") return set_section(kCode);
  if (d == ".data") return set_section(kData);
  if (d == ".bss") return set_section(kBss);
  if (d == ".rodata") return set_section(kRodata);
  if (d == ".previous") return set_section(prev_sec);
  if (d == ".section" || d == ".pushsection") {
    std::string name;
    if (toks[pos].kind == Tok::Ident || toks[pos].kind == Tok::String) name = toks[pos++].text;
    if (name.empty()) return error(".section needs a name");
    std::string flags;
    bool has_flags = false;
    if (is_punct(toks[pos], ",") && toks[pos + 1].kind == Tok::String) {
      flags = toks[pos + 1].text;
      has_flags = true;
    }
    return set_section(section_by_name(name, flags, has_flags));
  }
  if (d == ".globl" || d == ".global" || d == ".weak") {
    std::vector<std::string> names;
    if (!ident_list(names)) return error(d + " needs symbol names");
    for (const auto& n : names) file().global_decls.emplace(n, cur_line);
    return;
  }
  if (d == ".local") {
    std::vector<std::string> names;
    if (!ident_list(names)) return error(".local needs symbol names");
    for (const auto& n : names) file().local_decls.insert(n);
    return;
  }
  if (d == ".hidden" || d == ".protected" || d == ".internal" || d == ".file" || d == ".ident" ||
      d == ".addrsig" || d == ".addrsig_sym" || d == ".loc" || d == ".option" || d.rfind(".cfi_", 0) == 0)
    return;
  if (d == ".type") {
    if (toks[pos].kind != Tok::Ident) return error(".type needs a symbol");
    const std::string name = toks[pos++].text;
    if (!comma()) return;
    if (is_punct(toks[pos], "@") || is_punct(toks[pos], "%")) ++pos;
    if (toks[pos].kind != Tok::Ident) return error(".type needs @function or @object");
    const std::string kind = toks[pos++].text;
    std::uint8_t type = 0;
    if (kind == "function" || kind == "STT_FUNC") type = s32x::kSymFunc;
    else if (kind == "object" || kind == "STT_OBJECT" || kind == "common") type = s32x::kSymObject;
    else if (kind != "notype" && kind != "STT_NOTYPE") return error("unknown symbol type '" + kind + "'");
    file().types[name] = type;
    return;
  }
  if (d == ".size") {
    if (toks[pos].kind != Tok::Ident) return error(".size needs a symbol");
    const std::string name = toks[pos++].text;
    if (!comma()) return;
    Expr e;
    if (!expr_operand(toks, pos, e) || !expect_end(toks, pos)) return;
    file().sizes[name] = SizeDecl{e, cur_sec == kDiscard ? kData : cur_sec, here()};
    return;
  }
  if (d == ".equ" || d == ".set") {
    if (toks[pos].kind != Tok::Ident) return error(d + " needs a symbol name");
    const std::string name = toks[pos++].text;
    if (!comma()) return;
    Expr e;
    if (!expr_operand(toks, pos, e) || !expect_end(toks, pos)) return;
    auto& defs = file().defs;
    auto it = defs.find(name);
    if (it != defs.end() && it->second.kind == SymDef::Kind::Label)
      return error("symbol '" + name + "' is already defined as a label (line " + std::to_string(it->second.line) + ")");
    // Later .set replaces the value for later pass-1 uses; the final
    // value is the one used in pass 2. `.` in it is where the directive
    // stands (`len = . - msg`), so that place is kept.
    defs[name] = SymDef{SymDef::Kind::Equ, cur_sec == kDiscard ? kData : cur_sec, here(), e, cur_line, 0, {}};
    return;
  }
  if (d == ".align" || d == ".p2align" || d == ".balign") {
    Expr e;
    if (!expr_operand(toks, pos, e)) return;
    auto v = constant(e, "alignment");
    if (!v) return;
    std::int64_t fill = 0, max_skip = UINT32_MAX;
    if (is_punct(toks[pos], ",")) {
      ++pos;
      if (!is_punct(toks[pos], ",")) {
        Expr f;
        if (!expr_operand(toks, pos, f)) return;
        auto fv = constant(f, "alignment fill");
        if (!fv) return;
        fill = *fv;
      }
      if (is_punct(toks[pos], ",")) {
        ++pos;
        Expr m;
        if (!expr_operand(toks, pos, m)) return;
        auto mv = constant(m, "alignment limit");
        if (!mv) return;
        max_skip = *mv;
      }
    }
    if (!expect_end(toks, pos)) return;
    std::int64_t bytes = *v;
    if (d != ".balign") {
      if (*v < 0 || *v > 16) return error("alignment 2^" + std::to_string(*v) + " is out of range");
      bytes = std::int64_t{1} << *v;
    }
    if (bytes <= 0 || bytes > 65536) return error("alignment " + std::to_string(bytes) + " is out of range");
    if (fill < -128 || fill > 255) return error("alignment fill does not fit in a byte");
    return align_to(static_cast<std::uint32_t>(bytes), static_cast<std::uint8_t>(fill),
                    static_cast<std::uint32_t>(std::clamp<std::int64_t>(max_skip, 0, UINT32_MAX)));
  }
  if (d == ".zero" || d == ".space" || d == ".skip") {
    Expr e;
    if (!expr_operand(toks, pos, e)) return;
    auto n = constant(e, "size");
    if (!n) return;
    std::int64_t fill = 0;
    if (is_punct(toks[pos], ",")) {
      ++pos;
      Expr f;
      if (!expr_operand(toks, pos, f)) return;
      auto fv = constant(f, "fill value");
      if (!fv) return;
      fill = *fv;
    }
    if (!expect_end(toks, pos)) return;
    if (*n < 0 || *n > 0x10000000) return error("size " + std::to_string(*n) + " is out of range");
    if (fill < -128 || fill > 255) return error("fill value does not fit in a byte");
    return emit_bytes(std::vector<std::uint8_t>(static_cast<std::size_t>(*n), static_cast<std::uint8_t>(fill)));
  }
  if (d == ".ascii" || d == ".asciz" || d == ".string") {
    std::vector<std::uint8_t> bytes;
    for (;;) {
      if (toks[pos].kind != Tok::String) return error(d + " needs a string");
      bytes.insert(bytes.end(), toks[pos].text.begin(), toks[pos].text.end());
      if (d != ".ascii") bytes.push_back(0);
      ++pos;
      if (!is_punct(toks[pos], ",")) break;
      ++pos;
    }
    if (!expect_end(toks, pos)) return;
    return emit_bytes(std::move(bytes));
  }
  if (d == ".uleb128" || d == ".sleb128") {
    // As in the public assembler: a value pass 1 knows (a constant, or a
    // difference of labels already placed in one section, as in exception
    // tables) takes its shortest encoding now; any other (a forward
    // reference) takes a fixed 5 bytes filled in once addresses are known,
    // so no size depends on the layout.
    const bool is_signed = d == ".sleb128";
    std::vector<Expr> values;
    for (;;) {
      Expr e;
      if (!expr_operand(toks, pos, e)) return;
      values.push_back(e);
      if (!is_punct(toks[pos], ",")) break;
      ++pos;
    }
    if (!expect_end(toks, pos)) return;
    for (const Expr& e : values) {
      if (auto v = layout_independent_value(e)) {
        auto bytes = leb128(*v, is_signed, 1);
        if (!bytes) return error(leb128_misfit(*v, is_signed));
        emit_bytes(std::move(*bytes));
        continue;
      }
      Stmt s;
      s.kind = Stmt::Kind::Leb;
      s.leb_signed = is_signed;
      s.values = {e};
      s.size = 5;
      emit(std::move(s));
    }
    return;
  }
  unsigned width = 0;
  if (d == ".byte") width = 1;
  else if (d == ".half" || d == ".short" || d == ".2byte") width = 2;
  else if (d == ".word" || d == ".long" || d == ".int" || d == ".4byte") width = 4;
  else if (d == ".quad" || d == ".8byte" || d == ".dword") width = 8;
  if (width) {
    Stmt s;
  s.kind = Stmt::Kind::Data;
    s.width = width;
    for (;;) {
      if (width == 1 && toks[pos].kind == Tok::String) {
        // GNU as accepts strings in .byte lists.
        for (char c : toks[pos].text) {
          s.values.push_back(std::make_shared<const ExprNode>(
              ExprNode{ExprNode::Kind::Number, static_cast<unsigned char>(c), {}, {}, {}, {}}));
        }
        ++pos;
      } else {
        Expr e;
        if (!expr_operand(toks, pos, e)) return;
        s.values.push_back(e);
      }
      if (!is_punct(toks[pos], ",")) break;
      ++pos;
    }
    if (!expect_end(toks, pos)) return;
    s.size = width * static_cast<std::uint32_t>(s.values.size());
    return emit(std::move(s));
  }
  if (d == ".comm" || d == ".lcomm") {
    if (toks[pos].kind != Tok::Ident) return error(d + " needs a symbol");
    const std::string name = toks[pos++].text;
    if (!comma()) return;
    Expr se;
    if (!expr_operand(toks, pos, se)) return;
    auto size = constant(se, "size");
    if (!size) return;
    std::int64_t alignment = 4;
    if (is_punct(toks[pos], ",")) {
      ++pos;
      Expr ae;
      if (!expr_operand(toks, pos, ae)) return;
      auto av = constant(ae, "alignment");
      if (!av) return;
      alignment = *av;
    }
    if (!expect_end(toks, pos)) return;
    if (*size < 0 || *size > 0x10000000) return error("size out of range");
    if (alignment <= 0 || alignment > 65536) return error("alignment out of range");
    const Sec saved = cur_sec;
    cur_sec = kBss;
    align_to(static_cast<std::uint32_t>(alignment), 0);
    define_label(name);
    emit_bytes(std::vector<std::uint8_t>(static_cast<std::size_t>(*size), 0));
    cur_sec = saved;
    if (d == ".comm" && !file().local_decls.count(name)) file().global_decls.emplace(name, cur_line);
    file().types.emplace(name, s32x::kSymObject);
    return;
  }
  error("unknown directive '" + d + "'");
}

void Assembler::Impl::instruction(const std::string& mn, const std::vector<Token>& toks, std::size_t pos) {
  auto reg = [&](unsigned& out) {
    auto r = parse_register(toks[pos]);
    if (!r) {
      error("expected a register, found '" +
            (toks[pos].kind == Tok::Number ? std::to_string(toks[pos].value) : toks[pos].text) + "'");
      return false;
    }
    out = *r;
    ++pos;
    return true;
  };
  auto comma = [&]() {
    if (!is_punct(toks[pos], ",")) {
      error("expected ',' after operand of '" + mn + "'");
      return false;
    }
    ++pos;
    return true;
  };
  auto expr = [&](Expr& e) { return expr_operand(toks, pos, e); };
  auto op = [](const char* m) { return isa::op_info_by_mnemonic(m); };
  auto zero_expr = [] { return std::make_shared<const ExprNode>(ExprNode{ExprNode::Kind::Number, 0, {}, {}, {}, {}}); };
  auto hi = [](Expr e) { return std::make_shared<const ExprNode>(ExprNode{ExprNode::Kind::Hi, 0, {}, {}, e, {}}); };
  auto lo = [](Expr e) { return std::make_shared<const ExprNode>(ExprNode{ExprNode::Kind::Lo, 0, {}, {}, e, {}}); };
  // `base+imm` (compiler form), `imm(base)` (RISC-V form) or bare `base`.
  auto address = [&](unsigned& base, Expr& off) {
    if (auto r = parse_register(toks[pos])) {
      base = *r;
      ++pos;
      if (is_punct(toks[pos], "+") || is_punct(toks[pos], "-")) return expr(off);
      off = zero_expr();
      return true;
    }
    if (!expr(off)) return false;
    if (!is_punct(toks[pos], "(")) {
      error("expected '(' register ')' after the offset");
      return false;
    }
    ++pos;
    if (!reg(base)) return false;
    if (!is_punct(toks[pos], ")")) {
      error("expected ')'");
      return false;
    }
    ++pos;
    return true;
  };

  // The public toolchain writes `yield r0, r0, 0`: yield, halt and nop
  // encode no operand, so the ones written must be the zero fields they
  // stand for (r0 or 0). `halt r3, r4` suggests the writer thinks the
  // registers matter, and is refused.
  auto ignored_operands = [&]() {
    for (; toks[pos].kind != Tok::End; ++pos) {
      if (is_punct(toks[pos], ",")) continue;
      const auto r = parse_register(toks[pos]);
      if (r ? *r != 0 : toks[pos].kind != Tok::Number || toks[pos].value != 0) {
        const std::string text = toks[pos].kind == Tok::Number ? std::to_string(toks[pos].value) : toks[pos].text;
        error("'" + mn + "' takes no operands (only r0 or 0 may be written), not '" + text + "'");
        return false;
      }
    }
    return true;
  };

  // Pseudo-instructions (isa.md gives their exact expansions). `nop` is
  // always the all-zero word, never opcode 0x50.
  unsigned rd = 0, rs1 = 0, rs2 = 0;
  Expr e;
  if (mn == "nop") {
    if (!ignored_operands()) return;
    return emit_insn(op("add"), 0, 0, 0, ImmUse::None, {});
  }
  if (mn == "li") {
    if (!reg(rd) || !comma() || !expr(e) || !expect_end(toks, pos)) return;
    auto v = constant(e, nullptr);
    if (v && (*v < -0x80000000LL || *v > 0xFFFFFFFFLL))
      return error("li value " + std::to_string(*v) + " does not fit in 32 bits");
    // The value is a 32-bit register image, so 0xFFFFF800..0xFFFFFFFF are
    // -2048..-1 and take one addi, as in the public assembler.
    if (v) {
      const std::int64_t v32 = static_cast<std::int32_t>(static_cast<std::uint32_t>(*v));
      if (v32 >= -2048 && v32 <= 2047)
        return emit_insn(op("addi"), rd, 0, 0, ImmUse::Value,
                         std::make_shared<const ExprNode>(ExprNode{ExprNode::Kind::Number, v32, {}, {}, {}, {}}));
    }
    emit_insn(op("lui"), rd, 0, 0, ImmUse::Value, hi(e));
    return emit_insn(op("addi"), rd, rd, 0, ImmUse::Value, lo(e));
  }
  if (mn == "la") {
    if (!reg(rd) || !comma() || !expr(e) || !expect_end(toks, pos)) return;
    emit_insn(op("lui"), rd, 0, 0, ImmUse::Value, hi(e));
    return emit_insn(op("addi"), rd, rd, 0, ImmUse::Value, lo(e));
  }
  if (mn == "mv" || mn == "neg" || mn == "not" || mn == "seqz" || mn == "snez") {
    if (!reg(rd) || !comma() || !reg(rs1) || !expect_end(toks, pos)) return;
    if (mn == "mv") return emit_insn(op("add"), rd, rs1, 0, ImmUse::None, {});
    if (mn == "neg") return emit_insn(op("sub"), rd, 0, rs1, ImmUse::None, {});
    if (mn == "seqz") return emit_insn(op("seq"), rd, rs1, 0, ImmUse::None, {});
    if (mn == "snez") return emit_insn(op("sne"), rd, rs1, 0, ImmUse::None, {});
    emit_insn(op("sub"), rd, 0, rs1, ImmUse::None, {});
    auto minus_one = std::make_shared<const ExprNode>(ExprNode{ExprNode::Kind::Number, -1, {}, {}, {}, {}});
    return emit_insn(op("addi"), rd, rd, 0, ImmUse::Value, minus_one);
  }
  if (mn == "j" || mn == "tail" || mn == "call") {
    if (!expr(e) || !expect_end(toks, pos)) return;
    return emit_insn(op("jal"), mn == "call" ? 31 : 0, 0, 0, ImmUse::JalTarget, e);
  }
  if (mn == "ret") {
    if (!expect_end(toks, pos)) return;
    return emit_insn(op("jalr"), 0, 31, 0, ImmUse::Value, zero_expr());
  }
  if (mn == "jr") {
    if (!reg(rs1) || !expect_end(toks, pos)) return;
    return emit_insn(op("jalr"), 0, rs1, 0, ImmUse::Value, zero_expr());
  }
  if (mn == "beqz" || mn == "bnez") {
    if (!reg(rs1) || !comma() || !expr(e) || !expect_end(toks, pos)) return;
    return emit_insn(op(mn == "beqz" ? "beq" : "bne"), 0, rs1, 0, ImmUse::BranchTarget, e);
  }
  static const std::map<std::string, const char*> swapped = {
      {"bgt", "blt"}, {"ble", "bge"}, {"bgtu", "bltu"}, {"bleu", "bgeu"}};
  if (auto it = swapped.find(mn); it != swapped.end()) {
    if (!reg(rs1) || !comma() || !reg(rs2) || !comma() || !expr(e) || !expect_end(toks, pos)) return;
    return emit_insn(op(it->second), 0, rs2, rs1, ImmUse::BranchTarget, e);
  }

  const OpInfo* info = isa::op_info_by_mnemonic(mn);
  if (!info) return error("unknown instruction '" + mn + "'");
  switch (info->form) {
    case Form::R3:
      if (!reg(rd) || !comma() || !reg(rs1) || !comma() || !reg(rs2) || !expect_end(toks, pos)) return;
      return emit_insn(info, rd, rs1, rs2, ImmUse::None, {});
    case Form::R2:
      if (!reg(rd) || !comma() || !reg(rs1)) return;
      if (is_punct(toks[pos], ",")) {  // a third register is accepted and ignored (rs2 is unused)
        ++pos;
        unsigned ignored;
        if (!reg(ignored)) return;
      }
      if (!expect_end(toks, pos)) return;
      return emit_insn(info, rd, rs1, 0, ImmUse::None, {});
    case Form::I:
      if (!reg(rd) || !comma() || !reg(rs1) || !comma() || !expr(e) || !expect_end(toks, pos)) return;
      return emit_insn(info, rd, rs1, 0, ImmUse::Value, e);
    case Form::Load:
      if (!reg(rd) || !comma() || !address(rs1, e) || !expect_end(toks, pos)) return;
      return emit_insn(info, rd, rs1, 0, ImmUse::Value, e);
    case Form::Store: {
      // `base+imm, value` (compiler form) or `value, imm(base)` (RISC-V form).
      unsigned first;
      if (!reg(first)) return;
      if (is_punct(toks[pos], "+") || is_punct(toks[pos], "-")) {
        if (!expr(e) || !comma() || !reg(rs2) || !expect_end(toks, pos)) return;
        return emit_insn(info, 0, first, rs2, ImmUse::Value, e);
      }
      if (!comma()) return;
      if (auto r = parse_register(toks[pos]); r && toks[pos + 1].kind == Tok::End) {
        ++pos;
        return emit_insn(info, 0, first, *r, ImmUse::Value, zero_expr());
      }
      if (!address(rs1, e) || !expect_end(toks, pos)) return;
      return emit_insn(info, 0, rs1, first, ImmUse::Value, e);
    }
    case Form::Branch:
      if (!reg(rs1) || !comma() || !reg(rs2) || !comma() || !expr(e) || !expect_end(toks, pos)) return;
      return emit_insn(info, 0, rs1, rs2, ImmUse::BranchTarget, e);
    case Form::U:
      if (!reg(rd) || !comma() || !expr(e) || !expect_end(toks, pos)) return;
      return emit_insn(info, rd, 0, 0, ImmUse::Value, e);
    case Form::Jal:
      rd = 31;
      if (parse_register(toks[pos]) && is_punct(toks[pos + 1], ",")) {
        reg(rd);
        ++pos;
      }
      if (!expr(e) || !expect_end(toks, pos)) return;
      return emit_insn(info, rd, 0, 0, ImmUse::JalTarget, e);
    case Form::Jalr: {
      // jalr rd, rs1, imm | jalr rd, imm(rs1) | jalr rd, rs1 | jalr rs1
      unsigned first;
      if (!reg(first)) return;
      if (toks[pos].kind == Tok::End) return emit_insn(info, 31, first, 0, ImmUse::Value, zero_expr());
      if (!comma()) return;
      rd = first;
      if (auto r = parse_register(toks[pos])) {
        rs1 = *r;
        ++pos;
        if (toks[pos].kind == Tok::End) return emit_insn(info, rd, rs1, 0, ImmUse::Value, zero_expr());
        if (!comma() || !expr(e) || !expect_end(toks, pos)) return;
        return emit_insn(info, rd, rs1, 0, ImmUse::Value, e);
      }
      if (!address(rs1, e) || !expect_end(toks, pos)) return;
      return emit_insn(info, rd, rs1, 0, ImmUse::Value, e);
    }
    case Form::Src2:
      if (!reg(rs1) || !comma() || !reg(rs2) || !expect_end(toks, pos)) return;
      return emit_insn(info, 0, rs1, rs2, ImmUse::None, {});
    case Form::Src1:
      if (!reg(rs1) || !expect_end(toks, pos)) return;
      return emit_insn(info, 0, rs1, 0, ImmUse::None, {});
    case Form::None:
      if (!ignored_operands()) return;
      return emit_insn(info, 0, 0, 0, ImmUse::None, {});
  }
}

// ---- layout ---------------------------------------------------------------

void Assembler::Impl::resolve_globals() {
  for (std::size_t f = 0; f < files.size(); ++f) {
    cur_file = static_cast<int>(f);
    FileState& fs = files[f];
    for (auto& [name, type] : fs.types) {
      if (auto it = fs.defs.find(name); it != fs.defs.end()) it->second.type = type;
    }
    for (auto& [name, size] : fs.sizes) {
      if (auto it = fs.defs.find(name); it != fs.defs.end()) it->second.size = &size;
    }
    for (const auto& [name, line] : fs.global_decls) {
      auto it = fs.defs.find(name);
      if (it == fs.defs.end()) continue;  // a reference to another file's symbol
      auto [g, inserted] = globals.emplace(name, GlobalRef{static_cast<int>(f), &it->second});
      if (!inserted) {
        error("global symbol '" + name + "' is also defined in " + files[static_cast<std::size_t>(g->second.file)].name,
              it->second.line);
      }
    }
  }
}

void Assembler::Impl::place() {
  // Each file's part of a section starts aligned to what it asked for (at
  // least 4), in file order, like the public linker merges sections.
  std::uint64_t cursor = 0;
  for (int s = 0; s < kNumSecs; ++s) {
    if (s == kRodata) cursor = layout.code_limit = static_cast<std::uint32_t>(align_up(cursor, kPage));
    if (s == kData) cursor = layout.rodata_limit = static_cast<std::uint32_t>(align_up(cursor, kPage));
    bool first = true;
    sec_start[s] = cursor;
    for (FileState& f : files) {
      if (f.chunk_size[s] > 0) {
        cursor = align_up(cursor, std::max<std::uint32_t>(4, f.chunk_align[s]));
        if (first) sec_start[s] = cursor;
        first = false;
      }
      f.chunk_base[s] = cursor;
      cursor += f.chunk_size[s];
    }
    sec_end[s] = cursor;
  }
  layout.data_limit = static_cast<std::uint32_t>(std::min<std::uint64_t>(cursor, 0xFFFFFFFFu));
  // The loader maps the heap from here (s32x.md), so __heap_start agrees.
  layout.heap_base = static_cast<std::uint32_t>(
      std::max<std::uint64_t>(align_up(layout.data_limit, kPage), s32x::kMinHeapStart));
  layout.stack_base = s32x::kDefaultStackBase;
  if (opt.stack_size >= layout.stack_base) {
    diags.push_back({"", 0, "stack size " + std::to_string(opt.stack_size) + " does not fit below the stack base", false});
    return;
  }
  layout.stack_end = layout.stack_base - opt.stack_size;
  if (opt.mmio) {
    const std::uint64_t mmio = align_up(std::uint64_t{layout.heap_base} + opt.heap_size, kPage);
    if (mmio + s32x::kMmioWindowSize > layout.stack_end) {
      diags.push_back({"", 0, "heap and MMIO window run into the stack: lower --heap-size or --stack-size", false});
      return;
    }
    layout.mmio_base = static_cast<std::uint32_t>(mmio);
  } else if (std::uint64_t{layout.heap_base} + opt.heap_size > layout.stack_end) {
    diags.push_back({"", 0, "program and heap run into the stack: lower --heap-size or --stack-size", false});
    return;
  }
  if (layout.code_limit > s32x::kPublicInterpreterCodeLimit)
    diags.push_back({"", 0, "code region exceeds 1 MiB; the public interpreter refuses such files", true});

  const auto L = [&](std::initializer_list<const char*> names, std::uint64_t v) {
    for (const char* n : names) linker_syms[n] = static_cast<std::int64_t>(v);
  };
  L({"__code_start"}, 0);
  L({"__code_end", "__rodata_start"}, layout.code_limit);
  L({"__rodata_end", "__etext", "_etext", "etext", "__data_start", "__data_load", "__data_load_start"},
    layout.rodata_limit);
  L({"__data_end", "__edata", "_edata", "edata"}, sec_end[kData]);
  L({"__bss_start", "__bss_start__", "_bss_start"}, sec_start[kBss]);
  L({"__bss_end", "__bss_end__", "_bss_end", "__end", "_end", "end"}, layout.data_limit);
  L({"__heap_start"}, layout.heap_base);
  L({"__heap_end"}, opt.mmio ? layout.mmio_base : layout.stack_end);
  L({"__stack_base", "__stack_top", "_stack"}, layout.stack_base);
  L({"__stack_end", "__stack_bottom"}, layout.stack_end);
  L({"__init_array_start"}, sec_start[kInitArray]);
  L({"__init_array_end"}, sec_end[kInitArray]);
  if (opt.mmio) {
    L({"__mmio_base"}, layout.mmio_base);
    L({"__mmio_end"}, std::uint64_t{layout.mmio_base} + s32x::kMmioWindowSize);
  }
}

std::optional<std::int64_t> Assembler::Impl::value_of(int file, const SymDef& d, int depth, std::string& err) {
  if (d.kind == SymDef::Kind::Label) return static_cast<std::int64_t>(address(file, d.sec, d.offset));
  if (depth > 64) {
    err = "symbol definitions nest too deeply (circular .set?)";
    return std::nullopt;
  }
  auto resolve = [&](const std::string& n) { return lookup(file, n, depth + 1, err); };
  return eval_expr(d.value, resolve, static_cast<std::int64_t>(address(file, d.sec, d.offset)), err);
}

std::optional<std::int64_t> Assembler::Impl::lookup(int file, const std::string& name, int depth, std::string& err) {
  const FileState& fs = files[static_cast<std::size_t>(file)];
  if (auto it = fs.defs.find(name); it != fs.defs.end()) return value_of(file, it->second, depth, err);
  if (auto it = globals.find(name); it != globals.end()) return value_of(it->second.file, *it->second.def, depth, err);
  if (auto it = linker_syms.find(name); it != linker_syms.end()) return it->second;
  return std::nullopt;
}

void Assembler::Impl::encode_all(std::array<std::vector<std::uint8_t>, kNumSecs>& images) {
  for (int s = 0; s < kNumSecs; ++s)
    images[s].assign(s == kBss ? 0 : static_cast<std::size_t>(sec_end[s] - sec_start[s]), 0);
  auto put = [&](Sec sec, std::uint64_t addr, std::uint64_t value, unsigned width) {
    auto& img = images[sec];
    const std::uint64_t off = addr - sec_start[sec];
    for (unsigned i = 0; i < width; ++i) img[off + i] = static_cast<std::uint8_t>(value >> (8 * i));
  };
  for (const Stmt& s : stmts) {
    cur_file = s.file;
    cur_line = s.line;
    const std::uint64_t addr = address(s.file, s.sec, s.offset);
    if (s.sec == kBss) continue;
    std::string err;
    auto resolve = [&](const std::string& n) { return lookup(s.file, n, 0, err); };
    switch (s.kind) {
      case Stmt::Kind::Bytes:
        for (std::size_t i = 0; i < s.bytes.size(); ++i) images[s.sec][addr - sec_start[s.sec] + i] = s.bytes[i];
        break;
      case Stmt::Kind::Data:
        for (std::size_t i = 0; i < s.values.size(); ++i) {
          const std::uint64_t at = addr + i * s.width;
          auto v = eval_expr(s.values[i], resolve, static_cast<std::int64_t>(at), err);
          if (!v) {
            error(err);
            break;
          }
          if (s.width < 8) {
            const std::int64_t lo = -(std::int64_t{1} << (8 * s.width - 1));
            const std::int64_t hi = (std::int64_t{1} << (8 * s.width)) - 1;
            if (*v < lo || *v > hi) {
              error("value " + std::to_string(*v) + " does not fit in " + std::to_string(s.width) + " byte(s)");
              break;
            }
          }
          put(s.sec, at, static_cast<std::uint64_t>(*v), s.width);
        }
        break;
      case Stmt::Kind::Leb: {
        auto v = eval_expr(s.values[0], resolve, static_cast<std::int64_t>(addr), err);
        if (!v) {
          error(err);
          break;
        }
        auto bytes = leb128(*v, s.leb_signed, 5);
        if (!bytes) {
          error(leb128_misfit(*v, s.leb_signed));
          break;
        }
        for (std::size_t i = 0; i < bytes->size(); ++i) put(s.sec, addr + i, (*bytes)[i], 1);
        break;
      }
      case Stmt::Kind::Insn: {
        std::int64_t field = 0;
        if (s.use != ImmUse::None) {
          auto v = eval_expr(s.imm, resolve, static_cast<std::int64_t>(addr), err);
          if (!v) {
            error(err);
            break;
          }
          field = *v;
          if (s.use == ImmUse::BranchTarget) field = *v - static_cast<std::int64_t>(addr + 4);
          if (s.use == ImmUse::JalTarget) field = *v - static_cast<std::int64_t>(addr);
          const isa::ImmRange range = isa::imm_range(*s.info);
          std::int64_t lo = range.min, hi = range.max;
          const auto op = s.info->op;
          if (op == isa::Op::SLLI || op == isa::Op::SRLI || op == isa::Op::SRAI) lo = 0, hi = 31;
          if (field < lo || field > hi) {
            const char* what = s.use == ImmUse::BranchTarget ? "branch offset"
                               : s.use == ImmUse::JalTarget  ? "jump offset"
                                                             : "immediate";
            error(std::string(what) + " " + std::to_string(field) + " is out of range [" + std::to_string(lo) + ", " +
                  std::to_string(hi) + "] for '" + std::string(s.info->mnemonic) + "'");
            break;
          }
          if (field % range.align != 0) {
            error("branch target is not 2-byte aligned");
            break;
          }
        }
        put(s.sec, addr, isa::encode(*s.info, s.rd, s.rs1, s.rs2, field), 4);
        break;
      }
    }
  }
}

Assembler::Assembler(Options options) : impl_(std::make_unique<Impl>()) { impl_->opt = std::move(options); }
Assembler::~Assembler() = default;

void Assembler::add_source(const std::string& name, const std::string& text) {
  impl_->files.push_back(FileState{});
  impl_->files.back().name = name;
  impl_->cur_file = static_cast<int>(impl_->files.size() - 1);
  impl_->parse_file(text);
}

std::vector<std::uint8_t> Assembler::link() {
  Impl& m = *impl_;
  if (m.files.empty()) throw AssemblyError({{"", 0, "no input files", false}});
  if (m.failed()) throw AssemblyError(m.diags);
  m.resolve_globals();
  if (m.failed()) throw AssemblyError(m.diags);
  m.place();
  if (m.failed()) throw AssemblyError(m.diags);
  if (m.sec_end[kCode] == 0) throw AssemblyError({{"", 0, "the program has no code", false}});

  std::array<std::vector<std::uint8_t>, kNumSecs> images;
  m.encode_all(images);

  // Entry: the entry symbol if defined, else the start of .text.
  std::string err;
  std::optional<std::int64_t> entry;
  if (auto it = m.globals.find(m.opt.entry); it != m.globals.end()) entry = m.value_of(it->second.file, *it->second.def, 0, err);
  if (!entry) {
    for (std::size_t f = 0; f < m.files.size() && !entry; ++f) {
      if (auto it = m.files[f].defs.find(m.opt.entry); it != m.files[f].defs.end())
        entry = m.value_of(static_cast<int>(f), it->second, 0, err);
    }
  }
  // A named entry that is missing is an error; a missing _start (a
  // hand-written test without the usual label) links with the start of
  // .text, but says so, because a program whose first word is not its entry
  // then runs from the wrong place without another word.
  if (!entry && m.opt.entry != "_start")
    m.diags.push_back({"", 0, "entry symbol '" + m.opt.entry + "' is not defined", false});
  else if (!entry)
    m.diags.push_back({"", 0, "no '_start' symbol: the entry is the start of .text (address 0)", true});
  m.layout.entry = static_cast<std::uint32_t>(entry.value_or(0));
  if (entry && (*entry < 0 || *entry >= m.layout.code_limit))
    m.diags.push_back({"", 0, "entry symbol '" + m.opt.entry + "' is not in the code section", false});
  if (m.failed()) throw AssemblyError(m.diags);

  WriterInput w;
  w.entry = m.layout.entry;
  w.flags = (m.opt.wxorx ? std::uint32_t{s32x::kFlagWxorX} : 0u) | (m.opt.mmio ? std::uint32_t{s32x::kFlagMmio} : 0u);
  w.code_limit = m.layout.code_limit;
  w.rodata_limit = m.layout.rodata_limit;
  w.data_limit = m.layout.data_limit;
  w.stack_base = m.layout.stack_base;
  w.stack_end = m.layout.stack_end;
  w.heap_base = m.layout.heap_base;
  w.mmio_base = m.layout.mmio_base;
  w.mem_size = s32x::kDefaultMemSize;

  using namespace s32::s32x;
  std::vector<std::uint8_t> rodata = std::move(images[kRodata]);
  rodata.resize(static_cast<std::size_t>(m.sec_start[kInitArray] - m.sec_start[kRodata]), 0);
  rodata.insert(rodata.end(), images[kInitArray].begin(), images[kInitArray].end());
  const std::uint64_t bss_size = m.sec_end[kBss] - m.sec_start[kBss];
  int section_index[kNumSecs] = {-1, -1, -1, -1, -1};
  auto add = [&](Sec s, const char* name, std::uint32_t type, std::uint32_t flags, std::vector<std::uint8_t> bytes,
                 std::uint64_t mem_size) {
    section_index[s] = static_cast<int>(w.sections.size());
    w.sections.push_back({name, type, static_cast<std::uint32_t>(m.sec_start[s]), flags, std::move(bytes),
                          static_cast<std::uint32_t>(mem_size)});
  };
  add(kCode, ".text", kSecCode, kSecExec | kSecRead | kSecAlloc, images[kCode], images[kCode].size());
  if (!rodata.empty()) add(kRodata, ".rodata", kSecRodata, kSecRead | kSecAlloc, rodata, rodata.size());
  section_index[kInitArray] = section_index[kRodata];
  if (!images[kData].empty()) add(kData, ".data", kSecData, kSecWrite | kSecRead | kSecAlloc, images[kData], images[kData].size());
  if (bss_size > 0) add(kBss, ".bss", kSecBss, kSecWrite | kSecRead | kSecAlloc, {}, bss_size);

  if (!m.opt.strip) {
    // Named symbols (not the compiler's .L labels), globals first.
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t f = 0; f < m.files.size(); ++f) {
        std::vector<std::pair<std::string, const SymDef*>> sorted;
        for (const auto& [name, def] : m.files[f].defs) sorted.emplace_back(name, &def);
        std::sort(sorted.begin(), sorted.end());
        for (const auto& [name, def] : sorted) {
          if (def->kind != SymDef::Kind::Label || name.rfind(".L", 0) == 0) continue;
          auto g = m.globals.find(name);
          const bool global = g != m.globals.end() && g->second.def == def;
          if (global != (pass == 0)) continue;
          std::string e2;
          m.cur_file = static_cast<int>(f);
          std::int64_t size = 0;
          if (def->size) {
            auto resolve = [&](const std::string& n) { return m.lookup(static_cast<int>(f), n, 0, e2); };
            const auto here =
                static_cast<std::int64_t>(m.address(static_cast<int>(f), def->size->sec, def->size->offset));
            size = eval_expr(def->size->value, resolve, here, e2).value_or(0);
          }
          w.symbols.push_back({name, static_cast<std::uint32_t>(m.address(static_cast<int>(f), def->sec, def->offset)),
                               static_cast<std::uint16_t>(section_index[def->sec] < 0 ? 0xFFFF : section_index[def->sec]),
                               def->type, global ? kBindGlobal : kBindLocal, static_cast<std::uint32_t>(size)});
        }
      }
    }
    std::vector<std::pair<std::string, std::int64_t>> linker(m.linker_syms.begin(), m.linker_syms.end());
    std::sort(linker.begin(), linker.end());
    for (const auto& [name, value] : linker)
      w.symbols.push_back({name, static_cast<std::uint32_t>(value), 0xFFFF, kSymNone, kBindGlobal, 0});
  }
  return write_s32x(w);
}

const Layout& Assembler::layout() const { return impl_->layout; }
const std::vector<Diagnostic>& Assembler::diagnostics() const { return impl_->diags; }

std::vector<std::uint8_t> assemble(const std::string& text, const Options& options) {
  Assembler a(options);
  a.add_source("<input>", text);
  return a.link();
}

}  // namespace s32::as
