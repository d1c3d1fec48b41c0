// The s32sim command line and config file, filling a platform::Config.
#pragma once

#include <ostream>

#include "platform/config.hpp"

namespace s32::sim {

struct ParseResult {
  bool exit = false;  // stop now (help, version or an error) with `status`
  int status = 0;
};

// Parses `s32sim [options] program.s32x [guest args...]`. Help and version
// go to `out`, errors to stderr.
ParseResult parse_command_line(int argc, char** argv, platform::Config& config, std::ostream& out);

}  // namespace s32::sim
