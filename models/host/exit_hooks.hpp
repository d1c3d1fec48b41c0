// Process-wide cleanup that must happen however s32sim ends: a normal end,
// a clean stop on a signal, or the quit-at-once of a second Ctrl-C. Whoever
// changes state outside the process (a terminal put in raw mode, say)
// registers the undo here. Hooks run once, newest first; any thread may
// register, remove or run them.
#pragma once

#include <cstddef>
#include <functional>

namespace s32::host {

using ExitHook = std::function<void()>;

// Returns an id for remove_exit_hook.
std::size_t add_exit_hook(ExitHook hook);
// Drops a hook that is no longer needed (its state was already undone).
void remove_exit_hook(std::size_t id);
// Runs and forgets every registered hook; a second call runs only hooks
// added since.
void run_exit_hooks();

}  // namespace s32::host
