// The files a run writes its reports to (statistics, request log, event
// trace), named by a path or "-" for the simulator's stdout. Checked before
// the run so a bad path costs nothing, written in one piece at the end.
#pragma once

#include <string>

#include "trace/output_file.hpp"

namespace s32::platform {

// Empty if `path` can be written (an existing regular file or device that
// opens for writing, or a new name in a writable directory; "-" when
// `stdout_ok`); else why not, with the OS's reason. Creates nothing.
std::string check_output_path(const std::string& path, bool stdout_ok);

// Replaces the file's contents with `text` (or writes it to stdout for
// "-"). Empty on success, else the OS's reason.
std::string write_output(const std::string& path, const std::string& text);

}  // namespace s32::platform
