// Shared by the waveform tests: a small VCD reader that fails the test on
// anything s32sim never writes, and helpers over the changes it reads.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace s32::itest {

struct Change {
  std::uint64_t time;
  std::uint64_t value;
  bool operator==(const Change& o) const { return time == o.time && value == o.value; }
};

inline void PrintTo(const Change& c, std::ostream* os) { *os << "#" << c.time << "=" << c.value; }

struct Vcd {
  std::string timescale;  // the $timescale text without blanks, e.g. "1ns"
  // Full name (scopes and name joined by '.') -> every value written, in
  // order, at times in picoseconds whatever the timescale.
  std::map<std::string, std::vector<Change>> signals;

  // The one signal called `leaf`, whatever its scope.
  std::vector<Change> signal(const std::string& leaf) const {
    std::vector<const std::vector<Change>*> found;
    for (const auto& [name, changes] : signals)
      if (name == leaf || (name.size() > leaf.size() &&
                           name.compare(name.size() - leaf.size() - 1, std::string::npos, "." + leaf) == 0))
        found.push_back(&changes);
    if (found.size() != 1) {
      ADD_FAILURE() << found.size() << " signals called " << leaf;
      return {};
    }
    return *found.front();
  }
};

// Picoseconds in a $timescale ("1ps", "10ns", "100us"); fails the test on
// anything else.
inline std::uint64_t timescale_ps(const std::string& text) {
  static const std::map<std::string, std::uint64_t> units = {
      {"ps", 1}, {"ns", 1000}, {"us", 1000000}, {"ms", 1000000000}, {"s", 1000000000000}};
  for (const char* size : {"100", "10", "1"}) {
    const std::string n = size;
    if (text.compare(0, n.size(), n) != 0) continue;
    const auto it = units.find(text.substr(n.size()));
    if (it == units.end()) break;
    return std::stoull(n) * it->second;
  }
  ADD_FAILURE() << "unexpected $timescale " << text;
  return 1;
}

// Token by token: header commands up to $enddefinitions, then timestamps
// (#T), scalar changes (0C, 1C) and vector changes (bBITS C). Anything
// else, such as x or z values, fails the test: s32sim never writes them.
inline Vcd parse_vcd(const std::string& text) {
  Vcd vcd;
  std::istringstream in(text);
  std::vector<std::string> scope;
  std::map<std::string, std::vector<std::string>> names;  // identifier code -> full names
  bool body = false;
  std::uint64_t time = 0;
  std::uint64_t ps_per_unit = 1;
  auto to_end = [&in] {
    std::string words, t;
    while (in >> t && t != "$end") words += t;
    return words;
  };
  std::string tok;
  while (in >> tok) {
    if (tok[0] == '$') {
      if (tok == "$scope") {
        std::string kind, name;
        in >> kind >> name;
        scope.push_back(name);
        to_end();
      } else if (tok == "$upscope") {
        if (scope.empty()) {
          ADD_FAILURE() << "$upscope outside any scope";
        } else {
          scope.pop_back();
        }
        to_end();
      } else if (tok == "$var") {
        std::string type, width, code, name;
        in >> type >> width >> code >> name;
        std::string full;
        for (const std::string& s : scope) full += s + ".";
        names[code].push_back(full + name);
        vcd.signals[full + name];
        to_end();  // the optional [msb:lsb]
      } else if (tok == "$timescale") {
        vcd.timescale = to_end();
        ps_per_unit = timescale_ps(vcd.timescale);
      } else if (tok == "$enddefinitions") {
        to_end();
        body = true;
      } else if (tok != "$dumpvars" && tok != "$dumpall" && tok != "$dumpon" && tok != "$dumpoff" && tok != "$end") {
        to_end();  // $date, $version, $comment; the $dump* keywords only bracket values
      }
      continue;
    }
    if (!body) {
      ADD_FAILURE() << "value change before $enddefinitions: " << tok;
      return vcd;
    }
    if (tok[0] == '#') {
      const std::uint64_t t = std::stoull(tok.substr(1)) * ps_per_unit;
      EXPECT_GE(t, time) << "time goes backwards";
      time = t;
      continue;
    }
    std::uint64_t value = 0;
    std::string code;
    if (tok[0] == 'b') {
      in >> code;
      for (char c : tok.substr(1)) {
        if (c != '0' && c != '1') {
          ADD_FAILURE() << "vector value " << tok << " at #" << time;
          return vcd;
        }
        value = value << 1 | static_cast<std::uint64_t>(c - '0');
      }
    } else if (tok[0] == '0' || tok[0] == '1') {
      value = static_cast<std::uint64_t>(tok[0] - '0');
      code = tok.substr(1);
    } else {
      ADD_FAILURE() << "unexpected value change " << tok << " at #" << time;
      return vcd;
    }
    const auto it = names.find(code);
    if (it == names.end()) {
      ADD_FAILURE() << "undeclared identifier " << code << " at #" << time;
      return vcd;
    }
    for (const std::string& name : it->second) vcd.signals[name].push_back({time, value});
  }
  EXPECT_TRUE(body) << "no $enddefinitions";
  return vcd;
}

// The initial value, then each change to a different value.
inline std::vector<Change> levels(const std::vector<Change>& changes) {
  std::vector<Change> out;
  for (const Change& c : changes)
    if (out.empty() || c.value != out.back().value) out.push_back(c);
  return out;
}

// The changes of value after the initial one.
inline std::vector<Change> steps(const std::vector<Change>& changes) {
  std::vector<Change> out = levels(changes);
  if (!out.empty()) out.erase(out.begin());
  return out;
}

// Times at which a scalar goes from `from` to its other value.
inline std::vector<std::uint64_t> edges(const std::vector<Change>& changes, std::uint64_t from) {
  std::vector<std::uint64_t> out;
  for (std::size_t i = 1; i < changes.size(); ++i)
    if (changes[i - 1].value == from && changes[i].value != from) out.push_back(changes[i].time);
  return out;
}

// The value at time `t`: the last one written at or before it.
inline std::uint64_t value_at(const std::vector<Change>& changes, std::uint64_t t) {
  std::uint64_t v = 0;
  for (const Change& c : changes) {
    if (c.time > t) break;
    v = c.value;
  }
  return v;
}

}  // namespace s32::itest
