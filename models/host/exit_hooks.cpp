#include "host/exit_hooks.hpp"

#include <mutex>
#include <utility>
#include <vector>

namespace s32::host {

namespace {

struct Registry {
  std::mutex mutex;
  std::size_t next_id = 1;
  std::vector<std::pair<std::size_t, ExitHook>> hooks;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

std::size_t add_exit_hook(ExitHook hook) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.hooks.emplace_back(r.next_id, std::move(hook));
  return r.next_id++;
}

void remove_exit_hook(std::size_t id) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (auto it = r.hooks.begin(); it != r.hooks.end(); ++it)
    if (it->first == id) {
      r.hooks.erase(it);
      return;
    }
}

void run_exit_hooks() {
  std::vector<std::pair<std::size_t, ExitHook>> hooks;
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    hooks.swap(r.hooks);
  }
  // Outside the lock, so a hook may register or remove others.
  for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) it->second();
}

}  // namespace s32::host
