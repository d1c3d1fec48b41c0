#include "host/term_service.hpp"

#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "host/exit_hooks.hpp"
#include "host/host_abi.hpp"
#include "host/host_thread.hpp"
#include "host/service_call.hpp"

namespace s32::host {

namespace {

// Terminals to put back, in a fixed table so restoring needs no allocation.
struct SavedTerminal {
  int fd = -1;
  struct termios settings {};
};
constexpr int kMaxSavedTerminals = 4;
SavedTerminal g_saved[kMaxSavedTerminals];

void remember_terminal(int fd, const struct termios& t) {
  static bool hooked = false;
  if (!hooked) {
    // atexit covers every normal end; the exit hooks also run on a quit at
    // once (a second signal ends the process with _exit).
    std::atexit(restore_terminals);
    add_exit_hook(restore_terminals);
    hooked = true;
  }
  for (SavedTerminal& s : g_saved) {
    if (s.fd == fd) return;
    if (s.fd < 0) {
      s.settings = t;
      s.fd = fd;
      return;
    }
  }
}

void forget_terminal(int fd) {
  for (SavedTerminal& s : g_saved)
    if (s.fd == fd) s.fd = -1;
}

constexpr int kMaxScreen = 256;
constexpr std::uint32_t kNoKey = 0xFFFFFFFD;  // READ_KEY at end of input or on an error
constexpr unsigned kSaveDepth = 8;

bool window_size(int fd, int& rows, int& cols) {
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0) return false;
  rows = ws.ws_row;
  cols = ws.ws_col;
  return true;
}

}  // namespace

void restore_terminals() {
  for (SavedTerminal& s : g_saved)
    if (s.fd >= 0) ::tcsetattr(s.fd, TCSANOW, &s.settings);
}

TermService::TermService(Console& console) : console_(console) {
  struct termios t;
  if (::isatty(console_.in_fd()) && ::tcgetattr(console_.in_fd(), &t) == 0) saved_ = t;
  int rows = 0, cols = 0;
  if (window_size(console_.out_fd(), rows, cols) && rows > 0 && cols > 0) {
    screen_.rows = std::min(rows, kMaxScreen);
    screen_.cols = std::min(cols, kMaxScreen);
  }
  screen_.cells.assign(static_cast<std::size_t>(screen_.rows * screen_.cols), Cell{});
}

TermService::~TermService() { release(); }

void TermService::release() {
  if (raw_ && saved_) ::tcsetattr(console_.in_fd(), TCSANOW, &*saved_);
  raw_ = false;
  forget_terminal(console_.in_fd());
}

void TermService::emit(const std::string& s) {
  for (char ch : s) console_.put(static_cast<std::uint8_t>(ch));
}

bool TermService::set_mode(bool raw) {
  const int fd = console_.in_fd();
  if (!::isatty(fd)) return false;
  if (!raw) {
    if (saved_) ::tcsetattr(fd, TCSAFLUSH, &*saved_);
    raw_ = false;
    forget_terminal(fd);
    return true;
  }
  struct termios t;
  if (saved_) t = *saved_;
  else if (::tcgetattr(fd, &t) != 0) return false;
  remember_terminal(fd, saved_ ? *saved_ : t);
  t.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | ISIG | IEXTEN);
  t.c_iflag &= ~static_cast<tcflag_t>(IXON | ICRNL | BRKINT | INPCK | ISTRIP);
  t.c_oflag &= ~static_cast<tcflag_t>(OPOST);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  ::tcsetattr(fd, TCSAFLUSH, &t);
  raw_ = true;
  return true;
}

void TermService::shadow_put(std::uint8_t b) {
  Screen& s = screen_;
  const auto wrap = [&s] {
    if (s.col >= s.cols) {
      s.col = 0;
      ++s.row;
    }
  };
  if (b == '\n') {
    ++s.row;
    s.col = 0;
  } else if (b == '\r') {
    s.col = 0;
  } else if (b == '\t') {
    s.col = (s.col / 8 + 1) * 8;
    wrap();
  } else if (b >= 0x20) {
    if (s.row >= 0 && s.row < s.rows && s.col >= 0 && s.col < s.cols)
      s.cells[static_cast<std::size_t>(s.row * s.cols + s.col)] = {b, s.attr, s.fg, s.bg};
    ++s.col;
    wrap();
  }
}

void TermService::end_update() {
  const Screen& from = *update_;
  const Screen& to = screen_;
  int row = from.row, col = from.col;
  std::uint8_t attr = from.attr, fg = from.fg, bg = from.bg;
  const auto pen = [&](std::uint8_t a, std::uint8_t f, std::uint8_t b) {
    if (a != attr) {
      sgr(a);
      attr = a;
      if (a == 0) fg = 7, bg = 0;
    }
    if (f != fg || b != bg) {
      colours(f, b);
      fg = f;
      bg = b;
    }
  };
  for (int r = 0; r < std::min(from.rows, to.rows); ++r) {
    for (int c = 0; c < std::min(from.cols, to.cols); ++c) {
      const Cell& cell = to.cells[static_cast<std::size_t>(r * to.cols + c)];
      if (cell == from.cells[static_cast<std::size_t>(r * from.cols + c)]) continue;
      if (r != row || c != col) move(r + 1, c + 1);
      pen(cell.attr, cell.fg, cell.bg);
      console_.put(cell.ch);
      row = r;
      col = c + 1;
      if (col >= to.cols) col = 0, ++row;
    }
  }
  pen(to.attr, to.fg, to.bg);
  move(to.row + 1, to.col + 1);
  update_.reset();
}

void TermService::restore_screen(const Screen& saved) {
  emit("\x1b[0m\x1b[2J\x1b[H");
  std::uint8_t attr = 0, fg = 7, bg = 0;
  const int rows = std::min(saved.rows, screen_.rows), cols = std::min(saved.cols, screen_.cols);
  Screen next = screen_;
  next.cells.assign(next.cells.size(), Cell{});
  for (int r = 0; r < rows; ++r) {
    move(r + 1, 1);
    int at = 0;  // the column the terminal's cursor is in
    for (int c = 0; c < cols; ++c) {
      const Cell& cell = saved.cells[static_cast<std::size_t>(r * saved.cols + c)];
      next.cells[static_cast<std::size_t>(r * next.cols + c)] = cell;
      if (cell == Cell{}) continue;
      if (c != at) move(r + 1, c + 1);
      if (cell.attr != attr) sgr(attr = cell.attr);
      if (cell.fg != fg || cell.bg != bg) colours(fg = cell.fg, bg = cell.bg);
      console_.put(cell.ch);
      at = c + 1;
    }
  }
  next.row = saved.row;
  next.col = saved.col;
  next.attr = saved.attr;
  next.fg = saved.fg;
  next.bg = saved.bg;
  screen_ = std::move(next);
  sgr(screen_.attr);
  colours(screen_.fg, screen_.bg);
  move(screen_.row + 1, screen_.col + 1);
}

std::uint64_t TermService::serve(std::uint32_t sub, const Request& req, DataBuffer& buf, GuestMemory&,
                                 Completion& c) {
  // Outside update mode every drawing op reaches the terminal at once;
  // inside it only the shadow changes until END_UPDATE.
  const bool draw = !update_;
  std::uint64_t bytes = 0;
  ok(c);
  switch (sub) {
    case kSetMode:
      if (!set_mode(req.status != 0)) fail(c, EINVAL);
      break;
    case kGetSize: {
      if (!need(buf, req.offset, 8, c)) break;
      int rows = 24, cols = 80;
      if (!window_size(console_.out_fd(), rows, cols)) rows = 24, cols = 80;
      buf.put_u32(req.offset, static_cast<std::uint32_t>(rows));
      buf.put_u32(req.offset + 4, static_cast<std::uint32_t>(cols));
      ok(c, 0, 8);
      bytes = 8;
      break;
    }
    case kMoveCursor: {
      const int row = static_cast<int>(req.status >> 16), col = static_cast<int>(req.status & 0xFFFF);
      if (draw) move(row, col);
      screen_.row = row - 1;
      screen_.col = col - 1;
      break;
    }
    case kClear: {
      Screen& s = screen_;
      std::size_t from = 0;
      std::size_t to = s.cells.size();
      const bool on_screen = s.row >= 0 && s.row < s.rows && s.col >= 0 && s.col < s.cols;
      const std::size_t here = on_screen ? static_cast<std::size_t>(s.row * s.cols + s.col) : to;
      if (req.status == 1) {
        if (draw) emit("\x1b[K");
        from = here;
        to = on_screen ? static_cast<std::size_t>((s.row + 1) * s.cols) : here;
      } else if (req.status == 2) {
        if (draw) emit("\x1b[J");
        from = here;
      } else {
        if (draw) emit("\x1b[2J\x1b[H");
        s.row = s.col = 0;
      }
      std::fill(s.cells.begin() + static_cast<std::ptrdiff_t>(from), s.cells.begin() + static_cast<std::ptrdiff_t>(to),
                Cell{});
      break;
    }
    case kSetAttr:
      if (draw) emit("\x1b[" + std::to_string(req.status) + "m");
      screen_.attr = static_cast<std::uint8_t>(req.status);
      break;
    case kReadKey: {
      if (!need(buf, req.offset, 1, c)) break;
      console_.flush();
      std::uint8_t b;
      ssize_t n;
      do n = ::read(console_.in_fd(), &b, 1);
      while (n < 0 && retry_interrupted_call());
      if (n == 1) {
        *buf.at(req.offset) = b;
        ok(c, b, 1);
        bytes = 1;
      } else {
        ok(c, kNoKey, 0);
      }
      break;
    }
    case kKeyAvail: {
      struct pollfd p {console_.in_fd(), POLLIN, 0};
      ok(c, ::poll(&p, 1, 0) > 0 ? 1 : 0, 0);
      break;
    }
    case kSetColor:
      if (draw)
        emit("\x1b[3" + std::to_string(req.status >> 8) + ";4" + std::to_string(req.status & 0xFF) + "m");
      screen_.fg = static_cast<std::uint8_t>(req.status >> 8);
      screen_.bg = static_cast<std::uint8_t>(req.status);
      break;
    case kPutc: {
      const auto b = static_cast<std::uint8_t>(req.status);
      if (draw) console_.put(b);
      shadow_put(b);
      bytes = 1;
      break;
    }
    case kPuts: {
      const std::uint32_t n = buf.fits(req.offset, 0) ? std::min(req.length, buf.size() - req.offset) : 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        if (draw) console_.put(*buf.at(req.offset + i));
        shadow_put(*buf.at(req.offset + i));
      }
      bytes = n;
      break;
    }
    case kSaveScreen:
      if (stack_.size() >= kSaveDepth) fail(c, EINVAL);
      else stack_.push_back(screen_);
      break;
    case kRestoreScreen:
      if (stack_.empty()) {
        fail(c, EINVAL);
        break;
      }
      restore_screen(stack_.back());
      stack_.pop_back();
      console_.flush();
      break;
    case kBeginUpdate:
      if (update_) fail(c, EINVAL);
      else update_ = screen_;
      break;
    case kEndUpdate:
      if (!update_) fail(c, EINVAL);
      else end_update();
      break;
    default: fail(c, EINVAL); break;
  }
  if (!update_) console_.flush();
  return bytes;
}

}  // namespace s32::host
