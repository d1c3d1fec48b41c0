#include "host/host_abi.hpp"

namespace s32::host {

const char* opcode_name(std::uint32_t opcode) {
  switch (opcode) {
    case kNop: return "NOP";
    case kPutchar: return "PUTCHAR";
    case kGetchar: return "GETCHAR";
    case kWrite: return "WRITE";
    case kRead: return "READ";
    case kOpen: return "OPEN";
    case kClose: return "CLOSE";
    case kSeek: return "SEEK";
    case kExit: return "EXIT";
    case kStat: return "STAT";
    case kFlush: return "FLUSH";
    case kReadDirect: return "READ_DIRECT";
    case kFtruncate: return "FTRUNCATE";
    case kExec: return "EXEC";
    case kSocket: return "SOCKET";
    case kConnect: return "CONNECT";
    case kAccept: return "ACCEPT";
    case kSend: return "SEND";
    case kRecv: return "RECV";
    case kShutdown: return "SHUTDOWN";
    case kBind: return "BIND";
    case kListen: return "LISTEN";
    case kGetsockname: return "GETSOCKNAME";
    case kUnlink: return "UNLINK";
    case kRename: return "RENAME";
    case kMkdir: return "MKDIR";
    case kRmdir: return "RMDIR";
    case kLstat: return "LSTAT";
    case kAccess: return "ACCESS";
    case kChdir: return "CHDIR";
    case kGetcwd: return "GETCWD";
    case kOpendir: return "OPENDIR";
    case kReaddir: return "READDIR";
    case kClosedir: return "CLOSEDIR";
    case kRewinddir: return "REWINDDIR";
    case kGettime: return "GETTIME";
    case kSleep: return "SLEEP";
    case kGettz: return "GETTZ";
    case kArgsInfo: return "ARGS_INFO";
    case kArgsData: return "ARGS_DATA";
    case kEnvpInfo: return "ENVP_INFO";
    case kEnvpData: return "ENVP_DATA";
    case kGetenv: return "GETENV";
    case kSvcRequest: return "SVC_REQUEST";
    case kSvcRelease: return "SVC_RELEASE";
    case kSvcQuery: return "SVC_QUERY";
    case kSvcList: return "SVC_LIST";
    case kSvcVersion: return "SVC_VERSION";
    default: return nullptr;
  }
}

}  // namespace s32::host
