#include "trace/event_trace.hpp"

#include <algorithm>
#include <string>

namespace s32::trace {

const char* const EventTrace::kStages[5] = {"submit", "queued", "host", "post", "response"};

namespace {

// Track ids (the "tid" of one process).
enum Track : int { kCpu = 1, kDevice = 2, kHost = 3, kFirstLane = 10 };

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

class Emitter {
 public:
  Emitter(std::FILE* out, std::uint64_t period_ps) : out_(out), period_ps_(period_ps) {
    std::fputs("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n", out_);
  }
  // Trace time is in microseconds; six decimals keep every picosecond.
  std::string ts(std::uint64_t cycles) const {
    const std::uint64_t ps = cycles * period_ps_;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(ps / 1000000),
                  static_cast<unsigned long long>(ps % 1000000));
    return buf;
  }
  void event(const std::string& body) {
    std::fputs(first_ ? "  {" : ",\n  {", out_);
    first_ = false;
    std::fputs(body.c_str(), out_);
    std::fputc('}', out_);
  }
  void name_track(int tid, const std::string& name, int order) {
    event("\"ph\": \"M\", \"pid\": 1, \"tid\": " + std::to_string(tid) +
          ", \"name\": \"thread_name\", \"args\": {\"name\": " + json_string(name) + "}");
    event("\"ph\": \"M\", \"pid\": 1, \"tid\": " + std::to_string(tid) +
          ", \"name\": \"thread_sort_index\", \"args\": {\"sort_index\": " + std::to_string(order) + "}");
  }
  void slice(int tid, const std::string& name, const char* cat, std::uint64_t from, std::uint64_t to,
             const std::string& args) {
    event("\"ph\": \"X\", \"pid\": 1, \"tid\": " + std::to_string(tid) + ", \"cat\": \"" + cat +
          "\", \"name\": " + json_string(name) + ", \"ts\": " + ts(from) + ", \"dur\": " +
          ts(to - from) + (args.empty() ? "" : ", \"args\": {" + args + "}"));
  }
  // A flow phase ("s" start, "t" step, "f" end) bound to the slice around it.
  void flow(const char* phase, int tid, std::uint64_t id, std::uint64_t at) {
    event(std::string("\"ph\": \"") + phase + "\", \"bp\": \"e\", \"pid\": 1, \"tid\": " + std::to_string(tid) +
          ", \"cat\": \"request\", \"name\": \"request\", \"id\": " + std::to_string(id) + ", \"ts\": " + ts(at));
  }
  bool finish() {
    std::fputs("\n]}\n", out_);
    const bool ok = !std::ferror(out_);
    return std::fclose(out_) == 0 && ok;
  }

 private:
  std::FILE* out_;
  std::uint64_t period_ps_;
  bool first_ = true;
};

}  // namespace

bool EventTrace::write(std::FILE* out, const std::vector<TimelineRequest>& requests, std::uint64_t from,
                       std::uint64_t to, std::uint64_t end) const {
  to = std::min(to, end);
  Emitter e(out, period_ps_);
  e.event("\"ph\": \"M\", \"pid\": 1, \"name\": \"process_name\", \"args\": {\"name\": \"s32sim\"}");
  e.name_track(kCpu, "CPU", 0);
  e.name_track(kDevice, "ring device", 1);
  e.name_track(kHost, "host", 2);
  // Clips [a, b) to the window; false when nothing of it is inside. An
  // instant (a == b) inside the window or at its ends is kept.
  auto clip = [&](std::uint64_t& a, std::uint64_t& b) {
    if (a == b) return a >= from && a <= to;
    if (b <= from || a >= to) return false;
    a = std::max(a, from);
    b = std::min(b, to);
    return true;
  };

  // The CPU works whenever it is not spinning or waiting.
  std::uint64_t at = 0;
  auto working = [&](std::uint64_t until) {
    std::uint64_t a = at, b = until;
    if (b > a && clip(a, b)) e.slice(kCpu, "working", "cpu", a, b, "");
  };
  for (const TimelineSpan& s : spans_) {
    working(s.from);
    std::uint64_t a = s.from, b = s.to;
    if (clip(a, b)) e.slice(kCpu, s.name, "cpu", a, b, "");
    at = s.to;
  }
  working(end);

  // Requests overlap (several can be in flight): each goes on the first
  // lane free at its submit.
  std::vector<std::uint64_t> lane_free;
  for (const TimelineRequest& r : requests) {
    const std::string label = r.name + " #" + std::to_string(r.seq);
    const std::string args = "\"seq\": " + std::to_string(r.seq) + ", \"opcode\": " + json_string(r.name);
    std::vector<std::uint64_t> marks{r.submit, r.doorbell};
    if (r.served) marks.insert(marks.end(), {r.start, r.host_done});
    if (r.served && r.posted_ok) marks.push_back(r.posted);
    if (r.served && r.posted_ok && r.consumed_ok) marks.push_back(r.consumed);
    std::uint64_t life_from = marks.front(), life_to = marks.back();
    if (!clip(life_from, life_to)) continue;
    std::size_t lane = 0;
    while (lane < lane_free.size() && lane_free[lane] > r.submit) ++lane;
    if (lane == lane_free.size()) {
      lane_free.push_back(0);
      e.name_track(kFirstLane + static_cast<int>(lane), "requests " + std::to_string(lane), 3 + static_cast<int>(lane));
    }
    lane_free[lane] = marks.back() + (marks.back() == r.submit ? 1 : 0);
    const int tid = kFirstLane + static_cast<int>(lane);
    for (std::size_t k = 0; k + 1 < marks.size(); ++k) {
      std::uint64_t a = marks[k], b = marks[k + 1];
      if (clip(a, b))
        e.slice(tid, label + " " + kStages[k], "stage", a, b, args + ", \"stage\": \"" + kStages[k] + "\"");
    }
    if (r.served) {
      std::uint64_t a = r.start, b = r.posted_ok ? r.posted : r.host_done;
      if (clip(a, b)) e.slice(kDevice, label, "device", a, b, args);
      a = r.start;
      b = r.host_done;
      if (clip(a, b)) e.slice(kHost, label, "host", a, b, args);
    }
    // Doorbell (the CPU's write) -> start of service -> consumption (the
    // CPU's write), when all of it lies in the window.
    if (r.served && r.posted_ok && r.consumed_ok && r.doorbell >= from && r.consumed < to) {
      e.flow("s", kCpu, r.seq, r.doorbell);
      e.flow("t", kDevice, r.seq, r.start);
      e.flow("f", kCpu, r.seq, r.consumed);
    }
  }
  return e.finish();
}

}  // namespace s32::trace
