// Splits one line of SLOW-32 assembly into tokens. `#` starts a comment
// outside string and character literals, as in the compiler's output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace s32::as {

enum class Tok : std::uint8_t {
  Ident,   // names, mnemonics, directives, registers, `.` alone
  Number,  // integer literal (also character literals)
  String,  // "..." with escapes decoded
  Punct,   // one of , ( ) + - * / % : ~ & | ^ ! @ and << >>
  End,
};

struct Token {
  Tok kind = Tok::End;
  std::string text;         // identifier / punctuation / decoded string bytes
  std::uint64_t value = 0;  // numbers
  // A literal wider than 64 bits (the MD5 in clang's DWARF 5 `.file 0 ...
  // md5 0x...`): an error only where its value is used.
  bool too_large = false;
};

// Returns false and sets `error` when the line cannot be tokenised.
bool tokenize(const std::string& line, std::vector<Token>& out, std::string& error);

}  // namespace s32::as
