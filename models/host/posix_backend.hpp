// The real host behind the ring: console, files, directories, time,
// arguments and environment for every "must work" opcode of ring-abi.md,
// on POSIX, confined to a sandbox root, with real errno values and the
// modelled latency of each operation.
#pragma once

#include <dirent.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/console.hpp"
#include "host/host_abi.hpp"
#include "host/host_backend.hpp"
#include "host/latency_model.hpp"
#include "host/sandbox.hpp"
#include "host/services.hpp"
#include "host/tube_service.hpp"

namespace s32::host {

struct HostConfig {
  std::string root = ".";              // sandbox root
  std::vector<std::string> argv;       // guest argv, argv[0] = program path as given
  std::vector<std::string> env;        // the guest's whole environment, "NAME=VALUE"
  std::optional<std::int64_t> epoch_ns;  // GETTIME at simulated time 0; unset: host time at start
  bool host_clock = false;             // GETTIME reads the host's real-time clock instead
  LatencyModel latency;

  // Negotiable services and the public interpreter's READ_DIRECT.
  TubeConfig tube;
  bool read_direct = true;  // false: READ_DIRECT answers EINVAL, as in the public interpreter
};

class PosixBackend : public HostBackend {
 public:
  // `console` carries the guest's stdin/stdout/stderr and must outlive this.
  PosixBackend(const HostConfig& config, Console& console);
  ~PosixBackend() override;

  Completion execute(const Request& req, DataBuffer& buf, GuestMemory& mem, const HostTime& now) override;
  void flush() override;

  const Sandbox& sandbox() const { return sandbox_; }

 private:
  struct Slot {
    enum class Kind : std::uint8_t { Free, File, Dir } kind = Kind::Free;
    int fd = -1;
    bool owned = false;  // false for the host's stdin/stdout/stderr
    DIR* dir = nullptr;
  };

  // Each handler fills the completion and returns the bytes it moved (for
  // the per-byte latency) and its service class.
  struct Work {
    ServiceClass cls = ServiceClass::Control;
    std::uint64_t bytes = 0;
  };
  Work dispatch(const Request& req, DataBuffer& buf, GuestMemory& mem, const HostTime& now, Completion& c);

  // WRITE and READ: one host call between the fd and the data buffer.
  Work do_transfer(const Request& req, DataBuffer& buf, Completion& c);
  Work do_read_direct(const Request& req, GuestMemory& mem, Completion& c);
  Work do_open(const Request& req, DataBuffer& buf, Completion& c);
  Work do_seek(const Request& req, DataBuffer& buf, Completion& c);
  Work do_stat(const Request& req, DataBuffer& buf, Completion& c, bool lstat);
  Work do_path_op(const Request& req, DataBuffer& buf, Completion& c);
  Work do_rename(const Request& req, DataBuffer& buf, Completion& c);
  Work do_getcwd(const Request& req, DataBuffer& buf, Completion& c);
  Work do_opendir(const Request& req, DataBuffer& buf, Completion& c);
  Work do_readdir(const Request& req, DataBuffer& buf, Completion& c);
  Work do_time(const Request& req, DataBuffer& buf, const HostTime& now, Completion& c);
  Work do_blob_info(const std::string& blob, std::uint32_t count, const Request& req, DataBuffer& buf,
                    Completion& c);
  Work do_blob_data(const std::string& blob, const Request& req, DataBuffer& buf, Completion& c);
  Work do_getenv(const Request& req, DataBuffer& buf, Completion& c);
  Work do_negotiated(const Request& req, DataBuffer& buf, GuestMemory& mem, Completion& c);

  // Path argument: `length` bytes at `offset`, NUL optional.
  bool path_arg(const Request& req, const DataBuffer& buf, std::string& out, Completion& c);
  // The slot of an open `guest_fd` (of `kind`, when given); otherwise
  // answers EBADF and returns nullptr.
  Slot* open_slot(std::uint32_t guest_fd, std::optional<Slot::Kind> kind, Completion& c);
  int alloc_slot();
  bool is_console_fd(int host_fd) const;

  HostConfig config_;
  Console& console_;
  Sandbox sandbox_;
  std::array<Slot, kMaxGuestFds> slots_{};
  std::string args_blob_, env_blob_;
  std::int64_t epoch_ns_ = 0;
  Services services_;  // last: sessions may hold the console, released first
};

}  // namespace s32::host
