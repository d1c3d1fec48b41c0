#include "lexer.hpp"

#include <algorithm>
#include <cctype>

namespace s32::as {

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$'; }
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

// Decodes one escape after a backslash at s[i]; advances i past it.
bool read_escape(const std::string& s, std::size_t& i, unsigned& out, std::string& error) {
  if (i >= s.size()) {
    error = "unterminated escape sequence";
    return false;
  }
  const char c = s[i++];
  switch (c) {
    case 'n': out = '\n'; return true;
    case 't': out = '\t'; return true;
    case 'r': out = '\r'; return true;
    case 'b': out = '\b'; return true;
    case 'f': out = '\f'; return true;
    case 'v': out = '\v'; return true;
    case 'a': out = '\a'; return true;
    case '\\': out = '\\'; return true;
    case '"': out = '"'; return true;
    case '\'': out = '\''; return true;
    case 'x': {
      unsigned v = 0;
      int n = 0;
      // Saturates above a byte so that many digits cannot wrap back into range.
      while (i < s.size() && digit_value(s[i]) < 16)
        v = std::min(v * 16 + static_cast<unsigned>(digit_value(s[i++])), 0x100u), ++n;
      if (n == 0) {
        error = "\\x escape without hex digits";
        return false;
      }
      if (v > 0xFF) {
        error = "\\x escape above 0xff does not fit in a byte";
        return false;
      }
      out = v;
      return true;
    }
    default:
      if (c >= '0' && c <= '7') {
        unsigned v = static_cast<unsigned>(c - '0');
        for (int n = 1; n < 3 && i < s.size() && s[i] >= '0' && s[i] <= '7'; ++n) v = v * 8 + static_cast<unsigned>(s[i++] - '0');
        if (v > 0xFF) {
          error = "octal escape \\" + s.substr(i - 3, 3) + " is above \\377 and does not fit in a byte";
          return false;
        }
        out = v;
        return true;
      }
      error = std::string("unknown escape sequence \\") + c;
      return false;
  }
}

}  // namespace

bool tokenize(const std::string& s, std::vector<Token>& out, std::string& error) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '#') break;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    if (std::isdigit(static_cast<unsigned char>(c))) {
      // Numeric local-label references (1b, 2f) are identifiers.
      std::size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      if (j < s.size() && (s[j] == 'b' || s[j] == 'f') && (j + 1 >= s.size() || !ident_char(s[j + 1])) &&
          !(s[j] == 'b' && j == i + 1 && s[i] == '0' && j + 1 < s.size() && (s[j + 1] == '0' || s[j + 1] == '1'))) {
        t.kind = Tok::Ident;
        t.text = s.substr(i, j + 1 - i);
        i = j + 1;
        out.push_back(std::move(t));
        continue;
      }
      unsigned base = 10;
      if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) base = 16, i += 2;
      else if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'b' || s[i + 1] == 'B')) base = 2, i += 2;
      else if (c == '0' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) base = 8, i += 1;
      const std::size_t start = i;
      std::uint64_t v = 0;
      while (i < s.size() && ident_char(s[i])) {
        const int d = digit_value(s[i]);
        if (d >= static_cast<int>(base)) {
          error = "malformed number '" + s.substr(start, i + 1 - start) + "'";
          return false;
        }
        const std::uint64_t nv = v * base + static_cast<std::uint64_t>(d);
        if (nv / base != v) t.too_large = true;
        v = nv;
        ++i;
      }
      if (i == start && base != 10) {
        error = "malformed number";
        return false;
      }
      t.kind = Tok::Number;
      t.value = v;
    } else if (ident_start(c)) {
      const std::size_t start = i;
      while (i < s.size() && ident_char(s[i])) ++i;
      t.kind = Tok::Ident;
      t.text = s.substr(start, i - start);
    } else if (c == '"') {
      ++i;
      t.kind = Tok::String;
      bool closed = false;
      while (i < s.size()) {
        const char ch = s[i++];
        if (ch == '"') {
          closed = true;
          break;
        }
        if (ch == '\\') {
          unsigned v;
          if (!read_escape(s, i, v, error)) return false;
          t.text.push_back(static_cast<char>(v));
        } else {
          t.text.push_back(ch);
        }
      }
      if (!closed) {
        error = "unterminated string";
        return false;
      }
    } else if (c == '\'') {
      ++i;
      unsigned v;
      if (i < s.size() && s[i] == '\\') {
        ++i;
        if (!read_escape(s, i, v, error)) return false;
      } else if (i < s.size()) {
        v = static_cast<unsigned char>(s[i++]);
      } else {
        error = "unterminated character literal";
        return false;
      }
      if (i < s.size() && s[i] == '\'') ++i;  // GNU as allows the closing quote to be absent
      t.kind = Tok::Number;
      t.value = v;
    } else if ((c == '<' || c == '>') && i + 1 < s.size() && s[i + 1] == c) {
      t.kind = Tok::Punct;
      t.text = s.substr(i, 2);
      i += 2;
    } else if (std::string(",()+-*/%:~&|^!@=").find(c) != std::string::npos) {
      t.kind = Tok::Punct;
      t.text = std::string(1, c);
      ++i;
    } else {
      error = std::string("unexpected character '") + c + "'";
      return false;
    }
    out.push_back(std::move(t));
  }
  out.push_back(Token{});
  return true;
}

}  // namespace s32::as
