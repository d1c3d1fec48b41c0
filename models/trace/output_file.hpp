// Where a trace file goes. Every trace writer formats into a stdio stream,
// whatever the destination: a file, `-` for standard output, or a gzip
// stream (zlib) when the name ends in ".gz".
#pragma once

#include <cstdio>
#include <string>

namespace s32::trace {

// Throws std::runtime_error naming `what` and the path when it cannot be
// created. Close the stream with std::fclose (which reports write errors).
std::FILE* open_output(const std::string& path, const std::string& what);

bool is_stdout(const std::string& path);

}  // namespace s32::trace
