// Restores the process's working directory when a test ends, for tests that
// move it (a relative sandbox root, the guest's starting directory).
#pragma once

#include <gtest/gtest.h>
#include <limits.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace s32::test {

class ProcessCwdGuard {
 public:
  ProcessCwdGuard() {
    char buf[PATH_MAX];
    if (!::getcwd(buf, sizeof buf)) throw std::runtime_error("getcwd failed");
    saved_ = buf;
  }
  ~ProcessCwdGuard() {
    if (::chdir(saved_.c_str()) != 0) ADD_FAILURE() << "cannot return to " << saved_;
  }
  ProcessCwdGuard(const ProcessCwdGuard&) = delete;
  ProcessCwdGuard& operator=(const ProcessCwdGuard&) = delete;
  const std::string& saved() const { return saved_; }

 private:
  std::string saved_;
};

}  // namespace s32::test
