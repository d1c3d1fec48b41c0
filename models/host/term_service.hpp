// The `term` service (services.md section 5): the host terminal in raw or
// cooked mode, a shadow screen of cells, cursor, attributes and colours,
// keys from stdin, a save stack and batched updates that send only the
// cells that changed. The host terminal's settings are restored on
// release, at destruction and (through restore_terminals) at exit or from
// a signal handler, so a guest can never leave the user's terminal raw.
#pragma once

#include <termios.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/console.hpp"
#include "host/negotiation.hpp"

namespace s32::host {

// Puts every terminal a term session changed back as it found it. Only
// tcsetattr on a fixed table: safe in a signal handler and at exit.
void restore_terminals();

class TermService : public ServiceSession {
 public:
  // Sub-operations.
  enum Sub : std::uint32_t {
    kSetMode, kGetSize, kMoveCursor, kClear, kSetAttr, kReadKey, kKeyAvail, kSetColor, kPutc, kPuts,
    kSaveScreen, kRestoreScreen, kBeginUpdate, kEndUpdate, kCount
  };

  explicit TermService(Console& console);
  ~TermService() override;

  ServiceClass service_class() const override { return ServiceClass::Console; }
  bool may_block(std::uint32_t sub) const override { return sub == kReadKey; }
  std::uint64_t serve(std::uint32_t sub, const Request& req, DataBuffer& buf, GuestMemory& mem,
                      Completion& c) override;
  void release() override;

  struct Cell {
    std::uint8_t ch = ' ', attr = 0, fg = 7, bg = 0;
    bool operator==(const Cell& o) const { return ch == o.ch && attr == o.attr && fg == o.fg && bg == o.bg; }
    bool operator!=(const Cell& o) const { return !(*this == o); }
  };
  // The shadow screen and pen: what the guest believes is on the terminal.
  struct Screen {
    int rows = 24, cols = 80;
    std::vector<Cell> cells;
    int row = 0, col = 0;
    std::uint8_t attr = 0, fg = 7, bg = 0;
  };

 private:
  void emit(const std::string& s);
  void sgr(std::uint8_t attr) { emit("\x1b[" + std::to_string(attr) + "m"); }
  void colours(std::uint8_t fg, std::uint8_t bg) {
    emit("\x1b[3" + std::to_string(fg) + ";4" + std::to_string(bg) + "m");
  }
  void move(int row, int col) { emit("\x1b[" + std::to_string(row) + ";" + std::to_string(col) + "H"); }
  void shadow_put(std::uint8_t b);
  void end_update();
  void restore_screen(const Screen& saved);
  bool set_mode(bool raw);

  Console& console_;
  std::optional<struct termios> saved_;  // the settings at grant, when stdin is a terminal
  bool raw_ = false;
  Screen screen_;
  std::vector<Screen> stack_;
  std::optional<Screen> update_;  // the snapshot while in update mode
};

}  // namespace s32::host
