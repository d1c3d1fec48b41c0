#include "trace/gtkw_view.hpp"

#include <cmath>
#include <sstream>

namespace s32::trace {

namespace {

// GTKWave's window and pane sizes, in pixels: the wave area is what is
// left of the window beside the two panes and the scroll bars.
constexpr int kWidth = 1600, kHeight = 900, kSstWidth = 220, kSignalsWidth = 420;
constexpr int kWaveWidth = kWidth - kSstWidth - kSignalsWidth - 80;

// GTKWave's zoom z shows 2^-z time units (the VCD's unit) per frame of
// 200 pixels. A little margin keeps the last edge in view.
double zoom_to_fit(std::uint64_t span) {
  if (span == 0) return 0;
  return -std::log2(static_cast<double>(span) * 1.02 * 200.0 / kWaveWidth);
}

// Display flags of a trace line in a save file.
constexpr unsigned kHex = 0x02, kDec = 0x04, kRightJustify = 0x20, kBinary = 0x08, kTranslated = 0x2000;
constexpr unsigned kGroupStart = 0x800200, kGroupEnd = 0x1000200;

std::string trace_name(const ViewSignal& s) {
  std::string n = "s32sim.";
  if (!s.scope.empty()) n += s.scope + ".";
  n += s.name;
  if (s.width > 1) n += "[" + std::to_string(s.width - 1) + ":0]";
  return n;
}

}  // namespace

void write_gtkw(std::ostream& out, const View& view) {
  out << "[*] s32sim: the view of one run (written with its VCD)\n"
      << "[dumpfile] \"" << view.dumpfile << "\"\n"
      << "[savefile] \"" << view.savefile << "\"\n"
      << "[timestart] " << view.start << "\n"
      << "[size] " << kWidth << " " << kHeight << "\n"
      << "[pos] -1 -1\n";
  char zoom[48];
  std::snprintf(zoom, sizeof zoom, "*%.6f %llu", zoom_to_fit(view.end - view.start),
                static_cast<unsigned long long>(view.start));
  out << zoom;
  for (int i = 0; i < 26; ++i) out << " -1";
  out << "\n[sst_width] " << kSstWidth << "\n[signals_width] " << kSignalsWidth
      << "\n[sst_expanded] 1\n[sst_vpaned_height] 260\n";
  int filter_index = 0;
  for (const ViewGroup& g : view.groups) {
    if (g.signals.empty()) continue;
    out << "@" << std::hex << kGroupStart << std::dec << "\n-" << g.title << "\n";
    for (const ViewSignal& s : g.signals) {
      unsigned flags = kRightJustify | (s.width == 1 ? kBinary : s.decimal || !s.filter.empty() ? kDec : kHex);
      if (!s.filter.empty()) flags |= kTranslated;
      out << "@" << std::hex << flags << std::dec << "\n";
      if (!s.filter.empty()) out << "^" << ++filter_index << " " << s.filter << "\n";
      out << trace_name(s) << "\n";
    }
    out << "@" << std::hex << kGroupEnd << std::dec << "\n-" << g.title << "\n";
  }
  out << "[pattern_trace] 1\n[pattern_trace] 0\n";
}

void write_filter(std::ostream& out, const std::string& comment,
                  const std::vector<std::pair<std::uint64_t, std::string>>& entries) {
  std::istringstream lines(comment);
  for (std::string line; std::getline(lines, line);) out << "# " << line << "\n";
  for (const auto& [value, text] : entries) out << value << " " << text << "\n";
}

}  // namespace s32::trace
