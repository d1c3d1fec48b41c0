#include "expr.hpp"

#include <algorithm>

namespace s32::as {

namespace {

bool is_punct(const Token& t, const char* p) { return t.kind == Tok::Punct && t.text == p; }

// Wrapping arithmetic: a hostile source must not reach signed overflow.
std::int64_t wrap(std::uint64_t v) { return static_cast<std::int64_t>(v); }
std::uint64_t u(std::int64_t v) { return static_cast<std::uint64_t>(v); }

Expr make(ExprNode n) {
  n.depth = 1 + std::max(n.lhs ? n.lhs->depth : 0, n.rhs ? n.rhs->depth : 0);
  return std::make_shared<const ExprNode>(std::move(n));
}

// Parsing, evaluating and freeing a tree recurse once per level, so a
// hostile source (50,000 unary minuses, a long `1+1+...` chain) must not
// reach the end of the host stack. Real code nests a handful of levels.
constexpr unsigned kMaxDepth = 256;
constexpr const char* kTooDeep = "expression nests too deeply";

// Builds an operator node, or refuses when it would exceed kMaxDepth.
bool make_checked(ExprNode n, Expr& out, std::string& error) {
  out = make(std::move(n));
  if (out->depth <= kMaxDepth) return true;
  error = kTooDeep;
  return false;
}

int precedence(const std::string& op) {
  if (op == "|") return 1;
  if (op == "^") return 2;
  if (op == "&") return 3;
  if (op == "<<" || op == ">>") return 4;
  if (op == "+" || op == "-") return 5;
  if (op == "*" || op == "/" || op == "%") return 6;
  return 0;
}

bool parse_binary(const std::vector<Token>& toks, std::size_t& pos, int min_prec, unsigned nesting, Expr& out,
                  std::string& error);

// `nesting` counts the parentheses and unary operators around this operand,
// which recurse before any node exists to carry a depth.
bool parse_primary(const std::vector<Token>& toks, std::size_t& pos, unsigned nesting, Expr& out,
                   std::string& error) {
  if (nesting > kMaxDepth) {
    error = kTooDeep;
    return false;
  }
  const Token& t = toks[pos];
  if (t.kind == Tok::Number) {
    if (t.too_large) {
      error = "number too large";
      return false;
    }
    ++pos;
    out = make({ExprNode::Kind::Number, static_cast<std::int64_t>(t.value), {}, {}, {}, {}});
    return true;
  }
  if (t.kind == Tok::Ident) {
    ++pos;
    if (t.text == ".") {
      out = make({ExprNode::Kind::Here, 0, {}, {}, {}, {}});
    } else {
      out = make({ExprNode::Kind::Symbol, 0, t.text, {}, {}, {}});
    }
    return true;
  }
  if (is_punct(t, "(")) {
    ++pos;
    if (!parse_binary(toks, pos, 1, nesting + 1, out, error)) return false;
    if (!is_punct(toks[pos], ")")) {
      error = "expected ')' in expression";
      return false;
    }
    ++pos;
    return true;
  }
  if (is_punct(t, "-") || is_punct(t, "+") || is_punct(t, "~") || is_punct(t, "!")) {
    ++pos;
    Expr inner;
    if (!parse_primary(toks, pos, nesting + 1, inner, error)) return false;
    return make_checked({ExprNode::Kind::Unary, 0, {}, t.text, inner, {}}, out, error);
  }
  if (is_punct(t, "%") && toks[pos + 1].kind == Tok::Ident) {
    const std::string fn = toks[pos + 1].text;
    if (fn != "hi" && fn != "lo") {
      error = "unsupported relocation operator %" + fn;
      return false;
    }
    pos += 2;
    if (!is_punct(toks[pos], "(")) {
      error = "expected '(' after %" + fn;
      return false;
    }
    ++pos;
    Expr inner;
    if (!parse_binary(toks, pos, 1, nesting + 1, inner, error)) return false;
    if (!is_punct(toks[pos], ")")) {
      error = "expected ')' after %" + fn + "(...";
      return false;
    }
    ++pos;
    return make_checked({fn == "hi" ? ExprNode::Kind::Hi : ExprNode::Kind::Lo, 0, {}, {}, inner, {}}, out, error);
  }
  error = t.kind == Tok::End ? "missing expression" : "unexpected '" + t.text + "' in expression";
  return false;
}

bool parse_binary(const std::vector<Token>& toks, std::size_t& pos, int min_prec, unsigned nesting, Expr& out,
                  std::string& error) {
  Expr lhs;
  if (!parse_primary(toks, pos, nesting, lhs, error)) return false;
  for (;;) {
    const Token& t = toks[pos];
    if (t.kind != Tok::Punct) break;
    const int prec = precedence(t.text);
    if (prec == 0 || prec < min_prec) break;
    const std::string op = t.text;
    ++pos;
    Expr rhs;
    if (!parse_binary(toks, pos, prec + 1, nesting, rhs, error)) return false;
    if (!make_checked({ExprNode::Kind::Binary, 0, {}, op, lhs, rhs}, lhs, error)) return false;
  }
  out = lhs;
  return true;
}

}  // namespace

bool parse_expr(const std::vector<Token>& toks, std::size_t& pos, Expr& out, std::string& error) {
  return parse_binary(toks, pos, 1, 0, out, error);
}

std::int64_t hi20(std::int64_t value) { return static_cast<std::int64_t>(((u(value) + 0x800) >> 12) & 0xFFFFF); }

std::int64_t lo12(std::int64_t value) { return ((value & 0xFFF) ^ 0x800) - 0x800; }

std::optional<std::int64_t> eval_expr(const Expr& e, const SymbolResolver& resolve, std::int64_t here,
                                      std::string& error) {
  using K = ExprNode::Kind;
  switch (e->kind) {
    case K::Number: return e->number;
    case K::Here: return here;
    case K::Symbol: {
      auto v = resolve(e->name);
      if (!v && error.empty()) error = "undefined symbol '" + e->name + "'";
      return v;
    }
    case K::Hi:
    case K::Lo: {
      auto v = eval_expr(e->lhs, resolve, here, error);
      if (!v) return std::nullopt;
      return e->kind == K::Hi ? hi20(*v) : lo12(*v);
    }
    case K::Unary: {
      auto v = eval_expr(e->lhs, resolve, here, error);
      if (!v) return std::nullopt;
      if (e->op == "-") return wrap(0 - u(*v));
      if (e->op == "~") return ~*v;
      if (e->op == "!") return *v == 0 ? 1 : 0;
      return *v;
    }
    case K::Binary: {
      auto a = eval_expr(e->lhs, resolve, here, error);
      if (!a) return std::nullopt;
      auto b = eval_expr(e->rhs, resolve, here, error);
      if (!b) return std::nullopt;
      const std::string& op = e->op;
      if (op == "+") return wrap(u(*a) + u(*b));
      if (op == "-") return wrap(u(*a) - u(*b));
      if (op == "*") return wrap(u(*a) * u(*b));
      if (op == "&") return *a & *b;
      if (op == "|") return *a | *b;
      if (op == "^") return *a ^ *b;
      if (op == "<<" || op == ">>") {
        if (*b < 0 || *b > 63) {
          error = "shift amount out of range";
          return std::nullopt;
        }
        return op == "<<" ? wrap(u(*a) << *b) : *a >> *b;
      }
      if (*b == 0) {
        error = "division by zero in expression";
        return std::nullopt;
      }
      if (*b == -1) return op == "/" ? wrap(0 - u(*a)) : 0;
      return op == "/" ? *a / *b : *a % *b;
    }
  }
  return std::nullopt;
}

bool is_literal(const Expr& e) {
  using K = ExprNode::Kind;
  switch (e->kind) {
    case K::Number: return true;
    case K::Symbol:
    case K::Here: return false;
    case K::Unary:
    case K::Hi:
    case K::Lo: return is_literal(e->lhs);
    case K::Binary: return is_literal(e->lhs) && is_literal(e->rhs);
  }
  return false;
}

}  // namespace s32::as
