// The s32sim command line and config file, filling a platform::Config.
#pragma once

#include <ostream>
#include <string>

#include "platform/config.hpp"

namespace s32::sim {

struct ParseResult {
  bool exit = false;  // stop now (help, version or an error) with `status`
  int status = 0;
};

// Parses `s32sim [options] program.s32x [guest args...]`. Help and version
// go to `out`, errors to stderr.
ParseResult parse_command_line(int argc, char** argv, platform::Config& config, std::ostream& out);

// Writes `config` as an INI config file (what --save-config writes).
void write_config(std::ostream& out, const platform::Config& config);

// Where the GTKWave view and filters are: next to an installed s32sim
// (PREFIX/share/s32sim/waves), else the source tree's waves/.
std::string waves_dir();

}  // namespace s32::sim
