// Constant expressions of the assembler: numbers, symbols, `.`, the
// operators + - * / % << >> & | ^ ~ and unary -, parentheses, and the
// relocation operators %hi(...) / %lo(...). Values are 64-bit signed; the
// caller range-checks what it encodes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lexer.hpp"

namespace s32::as {

struct ExprNode;
using Expr = std::shared_ptr<const ExprNode>;

struct ExprNode {
  enum class Kind : std::uint8_t { Number, Symbol, Here, Unary, Binary, Hi, Lo };
  Kind kind;
  std::int64_t number = 0;
  std::string name;  // Symbol
  std::string op;    // Unary / Binary operator
  Expr lhs, rhs;     // Unary/Hi/Lo use lhs
  unsigned depth = 1;  // levels of the tree below and including this node
};

// Looks a symbol up; nothing when it is unknown (or not yet placed).
using SymbolResolver = std::function<std::optional<std::int64_t>(const std::string&)>;

// Parses an expression starting at toks[pos]; advances pos.
bool parse_expr(const std::vector<Token>& toks, std::size_t& pos, Expr& out, std::string& error);

// Evaluates; on failure returns nothing and names the culprit in `error`.
std::optional<std::int64_t> eval_expr(const Expr& e, const SymbolResolver& resolve, std::int64_t here,
                                      std::string& error);

// True when `e` mentions no symbol and no `.`, so pass 1 can size with it.
bool is_literal(const Expr& e);

// The parts of an address split for `lui` + `addi` (isa.md): %hi rounds so
// that (%hi << 12) + sign-extended %lo gives the address back.
std::int64_t hi20(std::int64_t value);
std::int64_t lo12(std::int64_t value);

}  // namespace s32::as
