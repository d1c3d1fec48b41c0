#include "trace/trace_window.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <stdexcept>

#include "trace/vcd_writer.hpp"

namespace s32::trace {

std::uint64_t TraceWindow::next_change(std::uint64_t cycle) const {
  if (armed_ || !start_) return UINT64_MAX;
  if (cycle < *start_) return *start_;
  if (cycle < to_) return to_;
  return UINT64_MAX;
}

bool signal_selected(const std::vector<std::string>& globs, const std::string& full) {
  if (globs.empty()) return true;
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& g) { return fnmatch(g.c_str(), full.c_str(), 0) == 0; });
}

std::string signal_name(const std::string& scope, const std::string& name) {
  return scope.empty() ? name : scope + "." + name;
}

WindowedSink::WindowedSink(VcdWriter& out, const TraceWindow& window, std::uint64_t period_ps,
                           std::vector<std::string> globs)
    : out_(out), window_(window), period_ps_(period_ps), globs_(std::move(globs)) {}

bool WindowedSink::selected(const std::string& scope, const std::string& name) const {
  return signal_selected(globs_, signal_name(scope, name));
}

TraceSink::Id WindowedSink::declare(const std::string& scope, const std::string& name, unsigned width) {
  Signal s{signal_name(scope, name), selected(scope, name), 0, 0};
  if (s.selected) s.down = out_.declare(scope, name, width);
  signals_.push_back(std::move(s));
  return static_cast<Id>(signals_.size() - 1);
}

void WindowedSink::check_selection(const std::vector<std::string>& also) const {
  for (const std::string& g : globs_) {
    const auto hit = [&](const std::string& full) { return fnmatch(g.c_str(), full.c_str(), 0) == 0; };
    if (std::any_of(signals_.begin(), signals_.end(), [&](const Signal& s) { return hit(s.full); }) ||
        std::any_of(also.begin(), also.end(), hit))
      continue;
    std::string known;
    for (const std::string& a : also) known += " " + a;
    for (const Signal& s : signals_) known += " " + s.full;
    throw std::runtime_error("--trace-signals: '" + g + "' names no signal (there are:" + known + ")");
  }
}

void WindowedSink::open(std::uint64_t t) {
  opened_ = true;
  start_ps_ = t;
  out_.begin_at(t);
  for (const Signal& s : signals_)
    if (s.selected) out_.change(s.down, s.value, t);
}

void WindowedSink::change(Id id, std::uint64_t value, std::uint64_t time_ps) {
  Signal& s = signals_[id];
  if (!s.selected) return;
  if (!opened_) {
    // Before the window only the latest value matters: it is the state the
    // window starts with.
    const auto start = window_.start();
    if (!start || time_ps < *start * period_ps_) {
      s.value = value;
      return;
    }
    open(*start * period_ps_);
  }
  if (window_.end() != UINT64_MAX && time_ps > window_.end() * period_ps_) return;
  s.value = value;
  out_.change(s.down, value, std::max(time_ps, start_ps_));
}

bool WindowedSink::close(std::uint64_t end_ps) {
  if (window_.end() != UINT64_MAX) end_ps = std::min(end_ps, window_.end() * period_ps_);
  if (!opened_) open(window_.start() ? std::min(*window_.start() * period_ps_, end_ps) : end_ps);
  return out_.close(end_ps);
}

}  // namespace s32::trace
