// A GTKWave view (.gtkw save file) for one run's VCD: the dump file and
// every translate filter named by absolute path, so `gtkwave FILE.gtkw`
// works from any directory; zoomed to fit the traced time; a name/value
// column wide enough for 32-bit values and function names.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace s32::trace {

struct ViewSignal {
  std::string scope, name;  // as in the VCD ("" for the clock)
  unsigned width = 1;
  std::string filter;       // absolute path of a translate filter, or empty
  bool decimal = false;     // show in decimal (filters are keyed in decimal)
};

struct ViewGroup {
  std::string title;
  std::vector<ViewSignal> signals;
};

struct View {
  std::string dumpfile, savefile;  // absolute paths
  std::uint64_t start = 0, end = 0;  // in the VCD's unit (vcd_unit_ps())
  std::vector<ViewGroup> groups;
};

void write_gtkw(std::ostream& out, const View& view);

// A translate filter file: one "VALUE TEXT" line per entry, VALUE in
// decimal. `comment` goes first, as '#' lines.
void write_filter(std::ostream& out, const std::string& comment,
                  const std::vector<std::pair<std::uint64_t, std::string>>& entries);

}  // namespace s32::trace
