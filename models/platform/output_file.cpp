#include "platform/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace s32::platform {

namespace {

std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string check_output_path(const std::string& path, bool stdout_ok) {
  if (trace::is_stdout(path)) return stdout_ok ? "" : "cannot go to stdout";
  if (path.empty()) return "empty file name";
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return std::strerror(EISDIR);
    const int fd = open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return std::strerror(errno);
    close(fd);
    return {};
  }
  if (errno != ENOENT) return std::strerror(errno);
  const std::string dir = parent_dir(path);
  if (stat(dir.c_str(), &st) != 0) return std::string(std::strerror(errno)) + " (directory " + dir + ")";
  if (!S_ISDIR(st.st_mode)) return std::string(std::strerror(ENOTDIR)) + " (" + dir + ")";
  if (access(dir.c_str(), W_OK | X_OK) != 0) return std::string(std::strerror(errno)) + " (directory " + dir + ")";
  return {};
}

std::string write_output(const std::string& path, const std::string& text) {
  const bool to_stdout = trace::is_stdout(path);
  std::FILE* f = to_stdout ? stdout : std::fopen(path.c_str(), "w");
  if (!f) return std::strerror(errno);
  errno = 0;
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int error = written ? 0 : errno;
  if (std::fflush(f) != 0 && !error) error = errno;
  if (!to_stdout && std::fclose(f) != 0 && !error) error = errno;
  if (!written && !error) error = EIO;
  return error ? std::strerror(error) : "";
}

}  // namespace s32::platform
