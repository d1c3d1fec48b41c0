// Output written behind the producer's back: full buffers go to a thread
// that writes them to the file while the producer fills the next one, so
// the copy into the kernel (the bulk of a cycle-by-cycle trace's cost on
// disk) runs on another core. Memory stays bounded: the producer waits
// when every buffer is queued. The thread starts with the first full
// buffer, so a short output is written at close by the caller alone.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace s32::trace {

class WriteBehind {
 public:
  // Writes to `file` (closed by close()) from buffers of `capacity` bytes.
  WriteBehind(std::FILE* file, std::size_t capacity);
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  // The buffer to fill.
  char* data() { return filling_->data(); }
  // Queues the first `n` bytes of data() and returns the buffer to fill
  // next, waiting for one if every other is queued.
  char* submit(std::size_t n);
  // Writes the first `n` bytes of data() and everything queued, and
  // closes the file; returns false if any write failed, on the thread or
  // here.
  bool close(std::size_t n);

 private:
  using Buffer = std::vector<char>;
  void write_loop();
  void write(const Buffer& b, std::size_t n);

  std::FILE* file_;
  std::vector<Buffer> buffers_;
  Buffer* filling_;
  bool ok_ = true;  // written by the thread while it runs, read after join

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<Buffer*, std::size_t>> full_;  // queued, with their lengths
  std::vector<Buffer*> free_;
  bool stop_ = false;  // after the queued buffers, the thread ends
  std::thread thread_;
};

}  // namespace s32::trace
