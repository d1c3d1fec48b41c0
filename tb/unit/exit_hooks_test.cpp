// The exit-hook registry: hooks run once, newest first, removed ones never.
#include <gtest/gtest.h>

#include <string>

#include "host/exit_hooks.hpp"

namespace {

TEST(ExitHooks, RunOnceNewestFirstAndRemovedOnesNever) {
  std::string trace;
  s32::host::add_exit_hook([&] { trace += "a"; });
  const std::size_t b = s32::host::add_exit_hook([&] { trace += "b"; });
  s32::host::add_exit_hook([&] { trace += "c"; });
  s32::host::remove_exit_hook(b);
  s32::host::run_exit_hooks();
  EXPECT_EQ(trace, "ca");
  s32::host::run_exit_hooks();
  EXPECT_EQ(trace, "ca");
  s32::host::add_exit_hook([&] { trace += "d"; });
  s32::host::run_exit_hooks();
  EXPECT_EQ(trace, "cad");
}

}  // namespace
