// libFuzzer target: the ring device and the POSIX host backend driven by a
// hostile guest. The input is a stream of guest actions over TLM (through
// the same bus as on the platform, so READ_DIRECT reaches RAM and, when it
// aims there, the ring window itself): descriptors with random opcodes,
// lengths, offsets and statuses, data-buffer bytes and sandbox paths,
// REQ_HEAD writes that publish or jump, RESP_TAIL writes that consume or
// jump (or never come), raw writes anywhere in the window (device-owned
// indices, the response ring), reads, YIELD sync points and waits.
//
// SystemC allows one elaboration per process, so the platform is
// elaborated once and every input is one episode on it: the driver thread
// plays the input, then drains the device (consuming every response) and
// checks that it does drain; between episodes the backend and its sandbox
// (a small tree in the temporary directory) are made afresh and the
// device's statistics cleared, so an input's outcome depends only on the
// ring indices where the previous one left them. Two things a real guest
// could do are left out because they end the device for good on this one
// elaboration: EXIT is sent as NOP, and HALT (the final drain) is never
// signalled. The device's fixed configuration is the default (hybrid
// trigger, no interrupt line).
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "host/console.hpp"
#include "host/host_abi.hpp"
#include "host/posix_backend.hpp"
#include "interconnect/bus.hpp"
#include "interconnect/cycle_time.hpp"
#include "isa/image.hpp"
#include "isa/memory_port.hpp"
#include "memory/ram.hpp"
#include "ring/ring_device.hpp"
#include "ring/ring_layout.hpp"

namespace fs = std::filesystem;
namespace host = s32::host;
namespace ring = s32::ring;

namespace {

constexpr std::uint32_t kCodeBase = 0x0, kDataBase = 0x10000, kRegionSize = 0x10000;
constexpr std::uint32_t kMmioBase = 0x40000;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "ring_fuzz: %s\n", what.c_str());
  std::abort();
}

// A fresh PosixBackend (fresh descriptors, fresh sandbox tree) per episode
// behind the one reference the device holds.
class EpisodeBackend : public host::HostBackend {
 public:
  EpisodeBackend() : null_(::open("/dev/null", O_RDWR)), console_(null_, null_, null_) {
    base_ = fs::temp_directory_path() / ("s32_ring_fuzz_" + std::to_string(::getpid()));
  }
  ~EpisodeBackend() override {
    backend_.reset();
    std::error_code ec;
    fs::remove_all(base_, ec);
    ::close(null_);
  }
  void renew() {
    backend_.reset();
    std::error_code ec;
    fs::remove_all(base_, ec);
    const fs::path root = base_ / "root";
    fs::create_directories(root / "d");
    fs::create_directories(base_ / "outside");
    std::ofstream(root / "f") << "0123456789abcdef";
    std::ofstream(base_ / "outside" / "secret") << "outside";
    fs::create_symlink("d", root / "link");
    fs::create_symlink("../outside", root / "out");
    host::HostConfig config;
    config.root = root.string();
    config.argv = {"guest", "arg"};
    config.env = {"HOME=/", "A=1"};
    config.epoch_ns = 0;
    backend_ = std::make_unique<host::PosixBackend>(config, console_);
  }
  host::Completion execute(const host::Request& req, host::DataBuffer& buf, host::GuestMemory& mem,
                           const host::HostTime& now) override {
    return backend_->execute(req, buf, mem, now);
  }
  void flush() override { backend_->flush(); }

 private:
  int null_;
  host::Console console_;
  fs::path base_;
  std::unique_ptr<host::PosixBackend> backend_;
};

// Reads the input front to back; past its end every value is 0.
class Stream {
 public:
  Stream(const std::uint8_t* d, std::size_t n) : d_(d), n_(n) {}
  bool more() const { return i_ < n_; }
  std::uint8_t u8() { return i_ < n_ ? d_[i_++] : 0; }
  std::uint32_t u16() { return u8() | std::uint32_t{u8()} << 8; }
  std::uint32_t u32() { return u16() | u16() << 16; }

 private:
  const std::uint8_t* d_;
  std::size_t n_, i_ = 0;
};

constexpr std::uint32_t kOpcodes[] = {
    host::kNop,      host::kPutchar,  host::kGetchar,  host::kWrite,     host::kRead,     host::kOpen,
    host::kClose,    host::kSeek,     host::kStat,     host::kFlush,     host::kReadDirect, host::kFtruncate,
    host::kExec,     host::kUnlink,   host::kRename,   host::kMkdir,     host::kRmdir,    host::kLstat,
    host::kAccess,   host::kChdir,    host::kGetcwd,   host::kOpendir,   host::kReaddir,  host::kClosedir,
    host::kRewinddir, host::kGettime, host::kSleep,    host::kGettz,     host::kArgsInfo, host::kArgsData,
    host::kEnvpInfo, host::kEnvpData, host::kGetenv,   host::kSvcRequest, host::kSvcRelease, host::kSvcQuery,
    host::kSvcList,  host::kSvcVersion};

const char* const kPaths[] = {"f",    "d",         "d/",       "link",  "link/",       "out/secret", "..",
                              "/",    "../secret", "new",      "d/new", "/etc/passwd", "f/x",        ".",
                              "link/../f", "nonexistent/x"};

class HostileGuest : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<HostileGuest> socket;

  HostileGuest(sc_core::sc_module_name name, const s32::interconnect::CycleTime& clock, ring::RingDevice& device)
      : sc_module(name), socket("socket"), clock_(clock), device_(device) {
    SC_HAS_PROCESS(HostileGuest);
    SC_THREAD(run);
  }

  void start(const std::uint8_t* data, std::size_t size) {
    data_ = data;
    size_ = size;
    done_ = false;
    start_.notify(sc_core::SC_ZERO_TIME);
  }
  bool done() const { return done_; }

 private:
  void run() {
    for (;;) {
      wait(start_);
      Stream in(data_, size_);
      play(in);
      drain();
      done_ = true;
    }
  }

  std::uint64_t cycle() const { return clock_.cycle_at_or_after(sc_core::sc_time_stamp()); }

  bool access(tlm::tlm_command cmd, std::uint32_t off, std::uint8_t* data, unsigned len) {
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(kMmioBase + off);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(gp, delay);
    wait(delay + clock_.period());
    return gp.is_response_ok();
  }
  void write32(std::uint32_t off, std::uint32_t v) {
    std::uint8_t b[4];
    std::memcpy(b, &v, 4);
    access(tlm::TLM_WRITE_COMMAND, off, b, 4);
  }
  std::uint32_t read32(std::uint32_t off) {
    std::uint8_t b[4] = {};
    access(tlm::TLM_READ_COMMAND, off, b, 4);
    std::uint32_t v;
    std::memcpy(&v, b, 4);
    return v;
  }

  void play(Stream& in) {
    std::uint32_t next = read32(ring::kReqHead);  // the guest's own producer index
    unsigned steps = 0;
    while (in.more() && ++steps < 512) {
      switch (in.u8() % 10) {
        case 0:
        case 1: {  // fill the next request slot
          const std::uint8_t pick = in.u8();
          std::uint32_t opcode = pick < 224 ? kOpcodes[pick % std::size(kOpcodes)] : in.u32();
          if (opcode == host::kExit) opcode = host::kNop;
          const std::uint32_t length = pick & 1 ? in.u32() : in.u16();
          const std::uint32_t offset = pick & 2 ? in.u32() : in.u16();
          const std::uint32_t status = pick & 4 ? in.u32() : in.u8() % 8;
          const std::uint32_t a = ring::kReqRing + next * ring::kDescriptorSize;
          write32(a, opcode);
          write32(a + 4, length);
          write32(a + 8, offset);
          write32(a + 12, status);
          next = (next + 1) % ring::kRingEntries;
          break;
        }
        case 2: write32(ring::kReqHead, next); break;  // publish
        case 3: {  // REQ_HEAD anywhere: an index jump, or a rewind
          next = in.u8();
          write32(ring::kReqHead, next);
          break;
        }
        case 4: {  // consume some responses (or jump past them)
          const std::uint8_t n = in.u8();
          const std::uint32_t head = read32(ring::kRespHead);
          write32(ring::kRespTail, n < 128 ? head : read32(ring::kRespTail) + n);
          break;
        }
        case 5: {  // bytes into the data buffer, or a sandbox path
          const std::uint32_t off = in.u16() % host::kDataBufferSize;
          const std::uint8_t n = in.u8();
          std::string bytes;
          if (n < 32) bytes = std::string(kPaths[n % std::size(kPaths)]) + '\0';
          else
            for (unsigned i = 0; i < n % 64; ++i) bytes.push_back(static_cast<char>(in.u8()));
          for (std::size_t i = 0; i < bytes.size(); ++i) {
            std::uint8_t b = static_cast<std::uint8_t>(bytes[i]);
            access(tlm::TLM_WRITE_COMMAND, (ring::kDataBuffer + off + static_cast<std::uint32_t>(i)) % ring::kWindowSize,
                   &b, 1);
          }
          break;
        }
        case 6: device_.sync_point(cycle(), false); break;  // YIELD
        case 7: wait(clock_.period() * static_cast<double>(in.u16())); break;
        case 8: {  // a raw write anywhere in the window
          const std::uint32_t off = in.u16();
          std::uint8_t b[8];
          const unsigned len = 1 + in.u8() % 8;
          for (unsigned i = 0; i < len; ++i) b[i] = in.u8();
          access(tlm::TLM_WRITE_COMMAND, off, b, len);
          break;
        }
        case 9: {  // a raw read anywhere in the window
          std::uint8_t b[8];
          access(tlm::TLM_READ_COMMAND, in.u16(), b, 1 + in.u8() % 8);
          break;
        }
      }
    }
  }

  // Consumes every response until the device has served everything
  // published; a device that stops short is a finding (the main loop sees
  // the simulation starve with the episode unfinished).
  void drain() {
    for (;;) {
      write32(ring::kRespTail, read32(ring::kRespHead));
      if (device_.drained() && read32(ring::kRespHead) == read32(ring::kRespTail)) return;
      device_.sync_point(cycle(), false);
      wait(device_.wake_event());
    }
  }

  const s32::interconnect::CycleTime& clock_;
  ring::RingDevice& device_;
  sc_core::sc_event start_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  bool done_ = true;
};

struct Top {
  s32::interconnect::CycleTime clock{100.0};
  EpisodeBackend backend;
  s32::interconnect::Bus bus{"bus"};
  s32::memory::Ram ram{"ram",
                       {{s32::isa::RegionKind::Code, kCodeBase, kRegionSize, s32::isa::kPermRead | s32::isa::kPermExec},
                        {s32::isa::RegionKind::Data, kDataBase, kRegionSize,
                         s32::isa::kPermRead | s32::isa::kPermWrite}},
                       clock.period() * 3.0};
  ring::RingDevice device{"ring", ring::RingConfig{}, clock, backend};
  HostileGuest guest{"guest", clock, device};

  Top() {
    guest.socket.bind(bus.targets_side);
    device.dma.bind(bus.targets_side);
    bus.initiators_side.bind(ram.socket);
    bus.initiators_side.bind(device.socket);
    bus.map(kCodeBase, kRegionSize, 0, kCodeBase, "code");
    bus.map(kDataBase, kRegionSize, 0, kDataBase, "data");
    bus.map(kMmioBase, ring::kWindowSize, 1, 0, "ring");
  }
};

Top& top() {
  static Top* t = [] {
    // SystemC warnings are findings too.
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DISPLAY | sc_core::SC_ABORT);
    return new Top;
  }();
  return *t;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  top();
  // Initialisation runs the driver up to its wait for the first episode.
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Top& t = top();
  t.backend.renew();
  t.guest.start(data, size);
  sc_core::sc_start();
  if (!t.guest.done()) finding("the device stopped with published requests unserved");
  if (!t.device.clear_stats()) finding("the device is not quiescent after draining");
  return 0;
}

// libsystemc.so refers to sc_main from its own main(); libFuzzer's main()
// is the one linked in, so this is never entered.
int sc_main(int, char**) {
  std::fprintf(stderr, "ring_fuzz: run as a libFuzzer binary, not through SystemC's main\n");
  return 2;
}
