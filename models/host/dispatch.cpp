// The one table from opcode to handler.
#include <array>

#include "host/services.hpp"

namespace s32::host {

namespace {

struct Entry {
  std::uint32_t opcode;
  Handler handler;
};

constexpr Entry kTable[] = {
    {kNop, control::nop},
    {kPutchar, console::putchar},
    {kGetchar, console::getchar},
    {kWrite, files::transfer},
    {kRead, files::transfer},
    {kOpen, files::open},
    {kClose, files::close},
    {kSeek, files::seek},
    {kExit, control::exit},
    {kStat, files::stat},
    {kFlush, console::flush},
    {kReadDirect, files::read_direct},
    {kFtruncate, files::ftruncate},
    {kExec, exec::run},
    {kUnlink, files::path_op},
    {kRename, files::rename},
    {kMkdir, files::path_op},
    {kRmdir, files::path_op},
    {kLstat, files::lstat},
    {kAccess, files::path_op},
    {kChdir, files::path_op},
    {kGetcwd, files::getcwd},
    {kOpendir, files::opendir},
    {kReaddir, files::readdir},
    {kClosedir, files::dir_op},
    {kRewinddir, files::dir_op},
    {kSocket, net::socket},
    {kConnect, net::bind_or_connect},
    {kAccept, net::accept},
    {kSend, files::transfer},
    {kRecv, files::transfer},
    {kShutdown, net::shutdown},
    {kBind, net::bind_or_connect},
    {kListen, net::listen},
    {kGetsockname, net::getsockname},
    {kGettime, time_env::time},
    {kSleep, time_env::time},
    {kGettz, time_env::time},
    {kArgsInfo, time_env::args_info},
    {kArgsData, time_env::args_data},
    {kEnvpInfo, time_env::envp_info},
    {kEnvpData, time_env::envp_data},
    {kGetenv, time_env::getenv},
    {kSvcRequest, control::service},
    {kSvcRelease, control::service},
    {kSvcQuery, control::service},
    {kSvcList, control::service},
    {kSvcVersion, control::service},
};

// Opcodes are one byte in practice; the table is indexed directly.
std::array<Handler, 256> build() {
  std::array<Handler, 256> t{};
  for (const Entry& e : kTable) t[e.opcode] = e.handler;
  for (std::uint32_t op = 0x49; op <= 0x4F; ++op) t[op] = net::reserved;
  return t;
}

}  // namespace

Handler handler_for(std::uint32_t opcode) {
  static const std::array<Handler, 256> table = build();
  return opcode < table.size() ? table[opcode] : nullptr;
}

}  // namespace s32::host
