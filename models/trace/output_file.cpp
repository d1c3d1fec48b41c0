#include "trace/output_file.hpp"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace s32::trace {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

ssize_t gz_write(void* cookie, const char* data, std::size_t size) {
  if (size == 0) return 0;
  const int n = gzwrite(static_cast<gzFile>(cookie), data, static_cast<unsigned>(size));
  return n > 0 ? n : -1;
}

int gz_close(void* cookie) { return gzclose(static_cast<gzFile>(cookie)) == Z_OK ? 0 : -1; }

std::FILE* open_gzip(const std::string& path) {
  // Level 1: traces are large and written while the simulation waits.
  gzFile gz = gzopen(path.c_str(), "wb1");
  if (!gz) return nullptr;
  cookie_io_functions_t io{};
  io.write = gz_write;
  io.close = gz_close;
  std::FILE* f = fopencookie(gz, "w", io);
  if (!f) gzclose(gz);
  return f;
}

}  // namespace

bool is_stdout(const std::string& path) { return path == "-"; }

std::FILE* open_output(const std::string& path, const std::string& what) {
  std::FILE* f = nullptr;
  if (is_stdout(path)) {
    // A duplicate, so closing the trace leaves the guest's stdout open.
    const int fd = dup(STDOUT_FILENO);
    if (fd >= 0 && !(f = fdopen(fd, "w"))) close(fd);
  } else if (ends_with(path, ".gz")) {
    f = open_gzip(path);
  } else {
    f = std::fopen(path.c_str(), "w");
  }
  if (!f) throw std::runtime_error("cannot create " + what + " '" + path + "': " + std::strerror(errno));
  return f;
}

}  // namespace s32::trace
