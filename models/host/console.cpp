#include "console.hpp"

#include <unistd.h>

#include <cerrno>

namespace s32::host {

namespace {
constexpr std::size_t kBufferSize = 4096;
}

Console::~Console() { flush(); }

void Console::put(std::uint8_t byte) {
  bool full;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    buffer_.push_back(static_cast<char>(byte));
    full = buffer_.size() >= kBufferSize;
  }
  if (full) flush();
}

bool Console::flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(out_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      buffer_.clear();
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
  return true;
}

}  // namespace s32::host
