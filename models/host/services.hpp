// Every request handler, by service family. The dispatch table
// (dispatch.cpp) maps each opcode to one of them; each family lives in its
// own file.
#pragma once

#include "host/host_state.hpp"
#include "host/service_call.hpp"

namespace s32::host {

using Handler = Work (*)(HostState&, Call&);

// files.cpp: files and directories (the `fs` service).
namespace files {
Work transfer(HostState&, Call&);  // WRITE, READ
Work read_direct(HostState&, Call&);
Work open(HostState&, Call&);
Work close(HostState&, Call&);
Work seek(HostState&, Call&);
Work stat(HostState&, Call&);
Work lstat(HostState&, Call&);
Work ftruncate(HostState&, Call&);
Work path_op(HostState&, Call&);  // UNLINK, MKDIR, RMDIR, ACCESS, CHDIR
Work rename(HostState&, Call&);
Work getcwd(HostState&, Call&);
Work opendir(HostState&, Call&);
Work readdir(HostState&, Call&);
Work dir_op(HostState&, Call&);  // CLOSEDIR, REWINDDIR
}  // namespace files

// console_service.cpp: the DEBUG-free console opcodes.
namespace console {
Work putchar(HostState&, Call&);
Work getchar(HostState&, Call&);
Work flush(HostState&, Call&);
}  // namespace console

// time_env.cpp: clocks, sleep, time zone, arguments and environment.
namespace time_env {
Work time(HostState&, Call&);  // GETTIME, SLEEP, GETTZ
Work args_info(HostState&, Call&);
Work args_data(HostState&, Call&);
Work envp_info(HostState&, Call&);
Work envp_data(HostState&, Call&);
Work getenv(HostState&, Call&);
// GETTIME's value at simulated time 0.
std::int64_t start_epoch_ns(const HostConfig& config);
}  // namespace time_env

// net.cpp: IPv4 TCP sockets (the `net` service); SEND and RECV are
// files::transfer.
namespace net {
Work socket(HostState&, Call&);
Work bind_or_connect(HostState&, Call&);
Work listen(HostState&, Call&);
Work accept(HostState&, Call&);
Work getsockname(HostState&, Call&);
Work shutdown(HostState&, Call&);
Work reserved(HostState&, Call&);  // 0x49-0x4F
}  // namespace net

// exec_service.cpp: EXEC (the `exec` service).
namespace exec {
Work run(HostState&, Call&);
}  // namespace exec

// control.cpp: NOP, EXIT and service negotiation (negotiation.hpp).
namespace control {
Work nop(HostState&, Call&);
Work exit(HostState&, Call&);
Work service(HostState&, Call&);  // SVC_REQUEST ... SVC_VERSION
// Any opcode without a handler: a granted service's (term, tube), else
// EINVAL in 0x80-0xEF and ENOSYS elsewhere.
Work negotiated(HostState&, Call&);
}  // namespace control

// The handler of `opcode`, or nullptr for an opcode nobody serves.
Handler handler_for(std::uint32_t opcode);

}  // namespace s32::host
