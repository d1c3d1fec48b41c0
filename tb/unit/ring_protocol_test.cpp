// Protocol tests of the ring device on its own: a testbench thread plays
// the guest over TLM (descriptors, REQ_HEAD, RESP_TAIL, sync points) on the
// rising edges of a 100 MHz clock, the device answers through a scripted
// backend (or the POSIX one, for a few end-to-end checks), and the tests
// check the window, the timing stamps of ring-abi.md's execution models,
// back-pressure, the protocol monitor and the statistics.
//
// Timing rule used in every expectation (interconnect/cycle_time.hpp): a
// doorbell or sync point in cycle c makes the device act at the falling
// edge stamped c + 1, and a device action stamped k is visible to guest
// reads from cycle k on, never in cycle k - 1.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "host/console.hpp"
#include "host/host_abi.hpp"
#include "host/latency_model.hpp"
#include "host/posix_backend.hpp"
#include "interconnect/cycle_time.hpp"
#include "isa/image.hpp"
#include "isa/memory_port.hpp"
#include "memory/ram.hpp"
#include "ring/ring_device.hpp"
#include "ring/ring_layout.hpp"
#include "scripted_backend.hpp"

namespace {

namespace host = s32::host;
namespace isa = s32::isa;
namespace ring = s32::ring;
using s32::test::ScriptedBackend;
using s32::test::ScriptedResponse;
using sc_core::sc_time;

constexpr double kClockMhz = 100.0;  // 10 ns period
constexpr std::uint32_t kEntries = ring::kRingEntries;

// Guest RAM behind the DMA socket: a writable data region and a read-only
// code region, so READ_DIRECT can both land and be refused.
constexpr std::uint32_t kCodeBase = 0x10000;
constexpr std::uint32_t kDataBase = 0x20000;
constexpr std::uint32_t kRegionSize = 0x1000;
constexpr std::uint32_t kUnmapped = 0x50000;
constexpr double kRamDelayNs = 20;  // two cycles per DMA write

struct Desc {
  std::uint32_t opcode = 0, length = 0, offset = 0, status = 0;
  bool operator==(const Desc& o) const {
    return opcode == o.opcode && length == o.length && offset == o.offset && status == o.status;
  }
};

std::ostream& operator<<(std::ostream& os, const Desc& d) {
  return os << "{opcode " << d.opcode << ", length " << d.length << ", offset " << d.offset << ", status " << d.status
            << "}";
}

ring::RingConfig config_with(bool doorbell, bool yield, std::uint64_t poll) {
  ring::RingConfig c;
  c.trigger.doorbell = doorbell;
  c.trigger.yield = yield;
  c.trigger.poll = poll;
  return c;
}
const ring::RingConfig kDoorbellOnly = config_with(true, false, 0);
const ring::RingConfig kYieldOnly = config_with(false, true, 0);

std::map<std::string, std::size_t> warning_counts(const ring::RingStats& s) {
  std::map<std::string, std::size_t> m;
  for (const auto& w : s.warnings) ++m[w.kind];
  return m;
}

// The device, guest RAM for its DMA, and a thread that plays the guest.
// The guest helpers may be called only from the script; each access is a
// b_transport at the present rising edge, and the script moves time on
// with at().
class Bench : public sc_core::sc_module {
 public:
  using Script = std::function<void(Bench&)>;

  tlm_utils::simple_initiator_socket<Bench> bus;
  const s32::interconnect::CycleTime clock;
  ring::RingDevice device;
  s32::memory::Ram ram;
  bool script_done = false;

  Bench(sc_core::sc_module_name name, const ring::RingConfig& config, host::HostBackend& backend, Script script)
      : sc_module(name),
        bus("bus"),
        clock(kClockMhz),
        device("device", config, clock, backend),
        ram("ram",
            {{isa::RegionKind::Code, kCodeBase, kRegionSize, isa::kPermRead | isa::kPermExec},
             {isa::RegionKind::Data, kDataBase, kRegionSize, isa::kPermRead | isa::kPermWrite}},
            sc_time(kRamDelayNs, sc_core::SC_NS)),
        access_delay_(clock.period() * static_cast<double>(config.access_cycles)),
        script_(std::move(script)) {
    bus.bind(device.socket);
    device.dma.bind(ram.socket);
    SC_HAS_PROCESS(Bench);
    SC_THREAD(run);
  }

  // ---- guest helpers ----
  std::uint64_t cycle() const { return clock.cycle_at_or_after(sc_core::sc_time_stamp()); }

  void at(std::uint64_t cycle) {
    const sc_time t = clock.rising(cycle);
    ASSERT_GE(t, sc_core::sc_time_stamp()) << "script went back in time to cycle " << cycle;
    if (t > sc_core::sc_time_stamp()) wait(t - sc_core::sc_time_stamp());
  }

  tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint32_t off, std::uint8_t* data, unsigned len) {
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd);
    gp.set_address(off);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = sc_core::SC_ZERO_TIME;
    bus->b_transport(gp, delay);
    if (gp.is_response_ok()) {
      EXPECT_EQ(delay, access_delay_) << "access at offset " << off;
    }
    return gp.get_response_status();
  }

  void write(std::uint32_t off, std::uint32_t value, unsigned len) {
    std::uint8_t b[4];
    std::memcpy(b, &value, 4);
    EXPECT_EQ(access(tlm::TLM_WRITE_COMMAND, off, b, len), tlm::TLM_OK_RESPONSE) << "write at " << off;
  }
  std::uint32_t read(std::uint32_t off, unsigned len) {
    std::uint8_t b[4] = {};
    EXPECT_EQ(access(tlm::TLM_READ_COMMAND, off, b, len), tlm::TLM_OK_RESPONSE) << "read at " << off;
    std::uint32_t v;
    std::memcpy(&v, b, 4);
    return v;
  }
  void write32(std::uint32_t off, std::uint32_t v) { write(off, v, 4); }
  void write16(std::uint32_t off, std::uint32_t v) { write(off, v, 2); }
  void write8(std::uint32_t off, std::uint32_t v) { write(off, v, 1); }
  std::uint32_t read32(std::uint32_t off) { return read(off, 4); }
  std::uint32_t read16(std::uint32_t off) { return read(off, 2); }
  std::uint32_t read8(std::uint32_t off) { return read(off, 1); }

  void write_data(std::uint32_t buffer_offset, const std::string& bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i)
      write8(ring::kDataBuffer + buffer_offset + static_cast<std::uint32_t>(i), static_cast<std::uint8_t>(bytes[i]));
  }

  void put_descriptor(std::uint32_t ring_base, std::uint32_t slot, const Desc& d) {
    const std::uint32_t a = ring_base + slot * ring::kDescriptorSize;
    write32(a, d.opcode);
    write32(a + 4, d.length);
    write32(a + 8, d.offset);
    write32(a + 12, d.status);
  }
  Desc get_descriptor(std::uint32_t ring_base, std::uint32_t slot) {
    const std::uint32_t a = ring_base + slot * ring::kDescriptorSize;
    return {read32(a), read32(a + 4), read32(a + 8), read32(a + 12)};
  }

  // Fills the next request slot without publishing it.
  void submit(const Desc& d) {
    put_descriptor(ring::kReqRing, req_head_, d);
    req_head_ = (req_head_ + 1) % kEntries;
  }
  // Publishes everything submitted so far with one REQ_HEAD write.
  void publish() { write32(ring::kReqHead, req_head_); }
  void post(const Desc& d) {
    submit(d);
    publish();
  }
  // Reads the next response without consuming it.
  Desc take() {
    const Desc d = get_descriptor(ring::kRespRing, resp_tail_);
    resp_tail_ = (resp_tail_ + 1) % kEntries;
    return d;
  }
  // Consumes every response taken so far with one RESP_TAIL write.
  void consume() { write32(ring::kRespTail, resp_tail_); }

  void sync(bool final = false) { device.sync_point(cycle(), final); }

 private:
  void run() {
    script_(*this);
    script_done = true;
  }

  sc_time access_delay_;
  Script script_;
  std::uint32_t req_head_ = 0, resp_tail_ = 0;
};

// ---- doorbell -------------------------------------------------------------

TEST(RingDoorbell, RequestIsServedFromTheCycleAfterTheDoorbell) {
  ScriptedBackend backend;
  backend.push({0x1234, 5, 20, false, "", {}});
  Bench b("bench", kDoorbellOnly, backend, [](Bench& g) {
    g.at(10);
    g.submit({host::kWrite, 5, 0x100, 1});
    g.write_data(0x100, "hello");
    g.at(12);
    g.publish();
    g.at(32);
    EXPECT_EQ(g.read32(ring::kRespHead), 0u) << "response visible before its stamp";
    EXPECT_EQ(g.read32(ring::kReqTail), 0u);
    g.at(33);
    EXPECT_EQ(g.read32(ring::kRespHead), 1u);
    EXPECT_EQ(g.read32(ring::kReqTail), 1u);
    EXPECT_EQ(g.read32(ring::kReqHead), 1u);
    EXPECT_EQ(g.take(), (Desc{host::kWrite, 5, 0x100, 0x1234}));
    g.at(40);
    g.consume();
    EXPECT_EQ(g.read32(ring::kRespTail), 1u);
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);

  ASSERT_EQ(backend.calls().size(), 1u);
  const auto& call = backend.calls()[0];
  EXPECT_EQ(call.request.opcode, host::kWrite);
  EXPECT_EQ(call.request.length, 5u);
  EXPECT_EQ(call.request.offset, 0x100u);
  EXPECT_EQ(call.request.status, 1u);
  EXPECT_EQ(std::string(call.payload.begin(), call.payload.end()), "hello");
  EXPECT_EQ(call.time.sim_ps, b.clock.falling_ps(13));
  EXPECT_EQ(call.time.cycle_ps, b.clock.period_ps());

  const ring::RingStats& s = b.device.stats();
  ASSERT_EQ(s.requests.size(), 1u);
  const ring::RequestRecord& r = s.requests[0];
  EXPECT_EQ(r.seq, 0u);
  EXPECT_EQ(r.opcode, host::kWrite);
  EXPECT_EQ(r.submit, 10u);
  EXPECT_EQ(r.doorbell, 12u);
  EXPECT_EQ(r.start, 13u);
  EXPECT_EQ(r.host_done, 33u);
  EXPECT_EQ(r.posted, 33u);
  EXPECT_EQ(r.consumed, 40u);
  EXPECT_TRUE(r.completed);
  EXPECT_TRUE(r.is_consumed);
  EXPECT_EQ(s.requests_by_opcode, (std::map<std::uint32_t, std::uint64_t>{{host::kWrite, 1}}));
  EXPECT_EQ(s.doorbells, 1u);
  EXPECT_EQ(s.busy_cycles, 20u);
  EXPECT_EQ(s.occupancy_samples, std::vector<std::uint32_t>{1});
  EXPECT_TRUE(s.warnings.empty());
}

TEST(RingDoorbell, RequestsPublishedWhileBusyAreServedInOrder) {
  ScriptedBackend backend([](const host::Request& req, host::DataBuffer&) {
    return ScriptedResponse{req.status + 100, 0, 10, false, "", {}};
  });
  Bench b("bench", kDoorbellOnly, backend, [](Bench& g) {
    g.at(10);
    g.submit({host::kNop, 0, 0, 1});
    g.submit({host::kNop, 0, 0, 2});
    g.publish();
    // The device is busy with request 1 until 21; this doorbell must not be lost.
    g.at(15);
    g.post({host::kNop, 0, 0, 3});
    g.at(41);
    EXPECT_EQ(g.read32(ring::kRespHead), 3u);
    EXPECT_EQ(g.take().status, 101u);
    EXPECT_EQ(g.take().status, 102u);
    EXPECT_EQ(g.take().status, 103u);
    g.consume();
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  const auto& req = b.device.stats().requests;
  ASSERT_EQ(req.size(), 3u);
  const std::uint64_t starts[] = {11, 21, 31};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(req[i].start, starts[i]) << "request " << i;
    EXPECT_EQ(req[i].posted, starts[i] + 10) << "request " << i;
  }
  // The request in service keeps its slot until its response is posted.
  EXPECT_EQ(b.device.stats().occupancy_samples, (std::vector<std::uint32_t>{2, 3}));
}

// ---- yield ----------------------------------------------------------------

TEST(RingYield, OnlyTheSyncPointStartsTheDevice) {
  ScriptedBackend backend([](const host::Request& req, host::DataBuffer&) {
    return ScriptedResponse{req.status + 1, 0, 0, false, "", {}};
  });
  Bench b("bench", kYieldOnly, backend, [&backend](Bench& g) {
    g.at(10);
    g.post({host::kNop, 0, 0, 100});
    g.at(50);
    EXPECT_EQ(g.read32(ring::kReqTail), 0u) << "a REQ_HEAD write alone started the device";
    EXPECT_TRUE(backend.calls().empty());
    g.sync();
    // Published after the YIELD: waits for the next one, as in the reference.
    g.post({host::kNop, 0, 0, 200});
    EXPECT_EQ(g.read32(ring::kRespHead), 0u);
    g.at(51);
    EXPECT_EQ(g.read32(ring::kRespHead), 1u) << "zero latency: the response is visible in the next cycle";
    EXPECT_EQ(g.take().status, 101u);
    g.at(80);
    EXPECT_EQ(g.read32(ring::kRespHead), 1u);
    EXPECT_EQ(g.read32(ring::kReqTail), 1u);
    g.sync();
    g.at(81);
    EXPECT_EQ(g.read32(ring::kRespHead), 2u);
    EXPECT_EQ(g.take().status, 201u);
    g.consume();
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  const ring::RingStats& s = b.device.stats();
  ASSERT_EQ(s.requests.size(), 2u);
  EXPECT_EQ(s.requests[0].doorbell, 10u);
  EXPECT_EQ(s.requests[0].start, 51u);
  EXPECT_EQ(s.requests[0].posted, 51u);
  EXPECT_EQ(s.requests[1].doorbell, 50u);
  EXPECT_EQ(s.requests[1].start, 81u);
  EXPECT_EQ(s.sync_points, 2u);
  EXPECT_EQ(s.doorbells, 2u);
}

// ---- polling --------------------------------------------------------------

TEST(RingPoll, DeviceLooksOnlyAtMultiplesOfTheInterval) {
  ScriptedBackend backend([](const host::Request&, host::DataBuffer&) {
    return ScriptedResponse{0, 0, 3, false, "", {}};
  });
  Bench b("bench", config_with(false, false, 50), backend, [](Bench& g) {
    g.at(10);
    g.post({host::kNop, 0, 0, 0});
    // The poll stamped 100 happens on the falling edge before this cycle.
    g.at(100);
    g.post({host::kNop, 0, 0, 1});
    g.at(163);
    g.post({host::kNop, 0, 0, 2});
    g.at(170);
    g.sync();  // YIELD is not a trigger here
  });
  // Polls at 50, 100, ..., 300; the next (350) lies beyond the run.
  sc_core::sc_start(b.clock.rising(320));
  EXPECT_TRUE(b.script_done);
  const ring::RingStats& s = b.device.stats();
  ASSERT_EQ(s.requests.size(), 3u);
  EXPECT_EQ(s.requests[0].start, 50u);
  EXPECT_EQ(s.requests[0].host_done, 53u);
  EXPECT_EQ(s.requests[1].start, 150u);
  EXPECT_EQ(s.requests[2].start, 200u);
  EXPECT_EQ(s.polls, 6u);
  EXPECT_EQ(s.empty_polls, 3u);  // 100, 250, 300
  EXPECT_EQ(s.sync_points, 1u);
}

// ---- full rings -----------------------------------------------------------

TEST(RingRequestRing, TwoHundredFiftyFiveFitAndTheNextAdvanceIsRefused) {
  ScriptedBackend backend([](const host::Request& req, host::DataBuffer&) {
    return ScriptedResponse{req.status, req.status * 2, 0, false, "", {}};
  });
  Bench b("bench", kYieldOnly, backend, [](Bench& g) {
    g.at(10);
    for (std::uint32_t i = 0; i < kEntries - 1; ++i) g.submit({host::kNop, 0, 0, i});
    g.publish();
    EXPECT_EQ(g.read32(ring::kReqHead), 255u);
    g.at(11);
    g.submit({host::kNop, 0, 0, 255});
    g.publish();  // REQ_HEAD 0 == REQ_TAIL: the ring would look empty
    EXPECT_EQ(g.read32(ring::kReqHead), 255u);
    g.at(20);
    g.sync();
    g.at(21);
    EXPECT_EQ(g.read32(ring::kReqTail), 255u);
    EXPECT_EQ(g.read32(ring::kRespHead), 255u);
    for (std::uint32_t i = 0; i < kEntries - 1; ++i) EXPECT_EQ(g.take(), (Desc{host::kNop, i * 2, 0, i}));
    g.consume();
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  ASSERT_EQ(backend.calls().size(), 255u);
  for (std::uint32_t i = 0; i < 255; ++i) EXPECT_EQ(backend.calls()[i].request.status, i);
  const ring::RingStats& s = b.device.stats();
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].kind, "index-jump");
  EXPECT_EQ(s.warnings[0].cycle, 11u);
  EXPECT_EQ(s.requests.size(), 255u);
  EXPECT_EQ(s.backpressure_events, 0u);
  EXPECT_EQ(s.responses_dropped_after_halt, 0u);
}

TEST(RingResponseRing, BackPressureWaitsAndLosesNothing) {
  ScriptedBackend backend([](const host::Request& req, host::DataBuffer&) {
    return ScriptedResponse{req.status, req.status ^ 0xABCD, 1, false, "", {}};
  });
  Bench b("bench", kDoorbellOnly, backend, [&backend](Bench& g) {
    // 255 requests take cycles 11..265 and fill the response ring.
    g.at(10);
    for (std::uint32_t i = 0; i < 255; ++i) g.submit({host::kNop, 0, i, i});
    g.publish();
    g.at(300);
    EXPECT_EQ(g.read32(ring::kReqTail), 255u);
    EXPECT_EQ(g.read32(ring::kRespHead), 255u);
    for (std::uint32_t i = 255; i < 300; ++i) g.submit({host::kNop, 0, i, i});
    g.publish();
    // Request 255 is served at 301 and waits for room from 302 on.
    g.at(400);
    EXPECT_EQ(g.read32(ring::kRespHead), 255u);
    EXPECT_EQ(g.read32(ring::kReqTail), 255u);
    EXPECT_EQ(backend.calls().size(), 256u);
    EXPECT_EQ(g.device.stats().backpressure_events, 1u);
    for (std::uint32_t i = 0; i < 255; ++i) EXPECT_EQ(g.take(), (Desc{host::kNop, i ^ 0xABCD, i, i}));
    g.consume();
    // Room at 401: request 255 posts then, 256..299 start at 401..444 and post at 402..445.
    g.at(445);
    EXPECT_EQ(g.read32(ring::kRespHead), 300u % kEntries);
    for (std::uint32_t i = 255; i < 300; ++i) EXPECT_EQ(g.take(), (Desc{host::kNop, i ^ 0xABCD, i, i}));
    g.consume();
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  ASSERT_EQ(backend.calls().size(), 300u);
  for (std::uint32_t i = 0; i < 300; ++i) EXPECT_EQ(backend.calls()[i].request.status, i);
  const ring::RingStats& s = b.device.stats();
  EXPECT_EQ(s.backpressure_events, 1u);
  EXPECT_EQ(s.backpressure_cycles, 401u - 302u);
  EXPECT_EQ(s.responses_dropped_after_halt, 0u);
  ASSERT_EQ(s.requests.size(), 300u);
  EXPECT_EQ(s.requests[255].host_done, 302u);
  EXPECT_EQ(s.requests[255].posted, 401u);
  EXPECT_EQ(s.requests[299].posted, 445u);
  for (const auto& r : s.requests) EXPECT_TRUE(r.completed && r.is_consumed) << "request " << r.seq;
  EXPECT_TRUE(s.warnings.empty());
}

// ---- warnings from the host side and strict runs ----------------------------

TEST(RingHostWarning, PayloadRangeIsCountedAndTheRunGoesOn) {
  ScriptedBackend backend;
  backend.push({host::kStatusErr, 22, 0, false, "payload outside the buffer", {}});
  Bench b("bench", kDoorbellOnly, backend, [](Bench& g) {
    g.at(10);
    g.submit({host::kWrite, 100, 49100, 1});
    g.submit({host::kNop, 0, 0, 0});
    g.publish();
    g.at(11);
    EXPECT_EQ(g.read32(ring::kRespHead), 2u);
    EXPECT_EQ(g.take(), (Desc{host::kWrite, 22, 49100, host::kStatusErr}));
    g.take();
    g.consume();
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  EXPECT_EQ(backend.calls().size(), 2u);
  const ring::RingStats& s = b.device.stats();
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].kind, "payload-range");
  EXPECT_EQ(s.warnings[0].cycle, 11u);
  EXPECT_FALSE(b.device.violated());
}

TEST(RingStrict, HostWarningStopsTheRunBeforeTheNextRequest) {
  ScriptedBackend backend;
  backend.push({host::kStatusErr, 22, 0, false, "payload outside the buffer", {}});
  ring::RingConfig config = kDoorbellOnly;
  config.strict = true;
  Bench b("bench", config, backend, [](Bench& g) {
    g.at(10);
    g.submit({host::kWrite, 100, 49100, 1});
    g.submit({host::kNop, 0, 0, 0});
    g.publish();
    g.at(50);
  });
  sc_core::sc_start();
  EXPECT_FALSE(b.script_done);
  EXPECT_TRUE(b.device.violated());
  EXPECT_EQ(sc_core::sc_time_stamp(), b.clock.falling(11));
  EXPECT_EQ(backend.calls().size(), 1u) << "a request after the violation reached the host";
  ASSERT_EQ(b.device.stats().warnings.size(), 1u);
  EXPECT_EQ(b.device.stats().warnings[0].kind, "payload-range");
}

TEST(RingStrict, GuestViolationStopsTheRun) {
  ScriptedBackend backend;
  ring::RingConfig config = kDoorbellOnly;
  config.strict = true;
  Bench b("bench", config, backend, [](Bench& g) {
    g.at(10);
    g.write32(ring::kReqTail, 1);
    g.at(11);
    g.post({host::kNop, 0, 0, 0});
  });
  sc_core::sc_start();
  EXPECT_FALSE(b.script_done);
  EXPECT_TRUE(b.device.violated());
  EXPECT_EQ(sc_core::sc_time_stamp(), b.clock.rising(10));
  EXPECT_TRUE(backend.calls().empty());
}

// ---- the POSIX backend end to end --------------------------------------------

// A sandbox root and the guest console on pipes (stdin already at end of input).
class PosixHost {
 public:
  PosixHost() {
    std::string tmpl = testing::TempDir() + "ring_protocol_XXXXXX";
    if (!mkdtemp(tmpl.data())) ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    root_ = tmpl;
    for (int* p : {in_, out_, err_})
      if (pipe2(p, O_CLOEXEC) != 0) ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    ::close(in_[1]);
    in_[1] = -1;
    fcntl(out_[0], F_SETFL, O_NONBLOCK);
    console_ = std::make_unique<host::Console>(in_[0], out_[1], err_[1]);
    host::HostConfig hc;
    hc.root = root_;
    hc.argv = {"prog"};
    hc.epoch_ns = 0;
    hc.latency = host::LatencyModel::zero();
    backend_ = std::make_unique<host::PosixBackend>(hc, *console_);
  }
  ~PosixHost() {
    backend_.reset();
    console_.reset();
    for (int* p : {in_, out_, err_})
      for (int i = 0; i < 2; ++i)
        if (p[i] >= 0) ::close(p[i]);
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  PosixHost(const PosixHost&) = delete;
  PosixHost& operator=(const PosixHost&) = delete;

  host::PosixBackend& backend() { return *backend_; }
  const std::string& root() const { return root_; }

  std::string guest_stdout() {
    std::string s;
    char buf[256];
    ssize_t n;
    while ((n = ::read(out_[0], buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
    return s;
  }

 private:
  std::string root_;
  int in_[2] = {-1, -1}, out_[2] = {-1, -1}, err_[2] = {-1, -1};
  std::unique_ptr<host::Console> console_;
  std::unique_ptr<host::PosixBackend> backend_;
};

TEST(RingPosix, ErrorsReachTheGuestWithTheirErrno) {
  PosixHost h;
  Bench b("bench", kDoorbellOnly, h.backend(), [](Bench& g) {
    g.at(10);
    g.write_data(0, "hi");
    g.submit({0x7E, 0, 0, 0});
    g.submit({host::kWrite, 100, 49100, 1});
    g.submit({host::kGetchar, 1, 8, 0});
    g.submit({host::kWrite, 2, 0, 1});
    g.publish();
    g.at(11);
    EXPECT_EQ(g.read32(ring::kRespHead), 4u);
    EXPECT_EQ(g.take(), (Desc{0x7E, 38, 0, host::kStatusErr}));                  // ENOSYS
    EXPECT_EQ(g.take(), (Desc{host::kWrite, 22, 49100, host::kStatusErr}));      // EINVAL
    EXPECT_EQ(g.take(), (Desc{host::kGetchar, 0, 8, host::kStatusErr}));         // end of input
    EXPECT_EQ(g.take(), (Desc{host::kWrite, 2, 0, 2}));
    g.consume();
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  EXPECT_EQ(h.guest_stdout(), "hi") << "only the valid WRITE reaches stdout";
  EXPECT_EQ(warning_counts(b.device.stats()), (std::map<std::string, std::size_t>{{"payload-range", 1}}));
}

TEST(RingDma, ReadDirectWritesGuestRamAndIsRefusedOutsideWritableMemory) {
  PosixHost h;
  std::string content;
  for (int i = 0; i < 64; ++i) content.push_back(static_cast<char>(i * 7 + 3));
  std::ofstream(h.root() + "/data.bin", std::ios::binary) << content;

  Bench b("bench", kDoorbellOnly, h.backend(), [](Bench& g) {
    g.at(10);
    g.write_data(0, std::string("data.bin", 9));
    g.submit({host::kOpen, 9, 0, 0x01});
    g.submit({host::kReadDirect, 16, kDataBase + 0x10, 3});
    g.submit({host::kReadDirect, 16, kCodeBase, 3});
    g.submit({host::kReadDirect, 16, kUnmapped, 3});
    g.submit({host::kReadDirect, 16, kDataBase + 0x100, 3});
    g.publish();
    g.at(20);
    EXPECT_EQ(g.read32(ring::kRespHead), 5u);
    EXPECT_EQ(g.take(), (Desc{host::kOpen, 0, 0, 3}));
    EXPECT_EQ(g.take(), (Desc{host::kReadDirect, 16, kDataBase + 0x10, 16}));
    EXPECT_EQ(g.take(), (Desc{host::kReadDirect, EFAULT, kCodeBase, host::kStatusErr}));
    EXPECT_EQ(g.take(), (Desc{host::kReadDirect, EFAULT, kUnmapped, host::kStatusErr}));
    EXPECT_EQ(g.take(), (Desc{host::kReadDirect, 16, kDataBase + 0x100, 16}));
    g.consume();
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  const std::uint8_t* ram = b.ram.storage().host(0);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ram + kDataBase + 0x10), 16), content.substr(0, 16));
  // The refused reads gave their bytes back to the file.
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ram + kDataBase + 0x100), 16), content.substr(16, 16));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ram + kCodeBase), 16), std::string(16, '\0'));
  const auto& req = b.device.stats().requests;
  ASSERT_EQ(req.size(), 5u);
  // Zero host latency: only the RAM's two cycles per DMA write count.
  EXPECT_EQ(req[1].host_done - req[1].start, 2u);
  EXPECT_EQ(req[2].host_done - req[2].start, 0u);
  EXPECT_TRUE(b.device.stats().warnings.empty());
}

// ---- the protocol monitor --------------------------------------------------

TEST(RingMonitor, DescriptorChangedAfterPublish) {
  ScriptedBackend backend;
  Bench b("bench", kYieldOnly, backend, [](Bench& g) {
    g.at(10);
    g.post({host::kWrite, 4, 0, 1});
    g.at(11);
    g.write32(ring::kReqRing + 4, 8);
    g.write32(ring::kReqRing + ring::kDescriptorSize, host::kNop);  // slot 1 is not published
    g.at(20);
    g.sync();
    g.at(22);
    g.write32(ring::kReqRing + 4, 8);  // slot 0 is free again
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  const ring::RingStats& s = b.device.stats();
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0].kind, "descriptor-after-publish");
  EXPECT_EQ(s.warnings[0].cycle, 11u);
  // Not a protection: the device serves what the ring holds.
  ASSERT_EQ(backend.calls().size(), 1u);
  EXPECT_EQ(backend.calls()[0].request.length, 8u);
}

TEST(RingMonitor, PayloadWrittenWhileItsRequestIsInFlight) {
  ScriptedBackend backend;
  Bench b("bench", kYieldOnly, backend, [](Bench& g) {
    g.at(10);
    g.submit({host::kWrite, 10, 100, 1});
    g.submit({host::kReadDirect, 10, 200, 3});  // its offset is a guest address
    g.publish();
    g.at(11);
    // The WRITE's payload is bytes 100..109.
    g.write32(ring::kDataBuffer + 96, 0);
    g.write8(ring::kDataBuffer + 110, 1);
    g.write8(ring::kDataBuffer + 205, 1);
    g.write8(ring::kDataBuffer + 105, 1);
    g.at(12);
    g.write16(ring::kDataBuffer + 108, 0x4242);
    g.at(20);
    g.sync();
    g.at(22);
    g.write8(ring::kDataBuffer + 105, 1);  // served: the payload is the guest's again
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  const ring::RingStats& s = b.device.stats();
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_EQ(s.warnings[0].kind, "payload-after-doorbell");
  EXPECT_EQ(s.warnings[0].cycle, 11u);
  EXPECT_EQ(s.warnings[1].kind, "payload-after-doorbell");
  EXPECT_EQ(s.warnings[1].cycle, 12u);
}

TEST(RingMonitor, GuestWritesToDeviceIndicesAreIgnored) {
  ScriptedBackend backend;
  Bench b("bench", kDoorbellOnly, backend, [](Bench& g) {
    g.at(10);
    g.post({host::kNop, 0, 0, 0});
    g.at(20);
    g.write32(ring::kReqTail, 0);
    g.write32(ring::kRespHead, 5);
    EXPECT_EQ(g.read32(ring::kReqTail), 1u);
    EXPECT_EQ(g.read32(ring::kRespHead), 1u);
    g.write32(ring::kRespTail, 2);  // one response posted: cannot consume two
    EXPECT_EQ(g.read32(ring::kRespTail), 0u);
    g.write32(ring::kRespRing + 8, 7);
    g.take();
    g.consume();
    EXPECT_EQ(g.read32(ring::kRespTail), 1u);
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  EXPECT_EQ(warning_counts(b.device.stats()),
            (std::map<std::string, std::size_t>{{"wrong-side-index", 2}, {"index-jump", 1}, {"response-ring-write", 1}}));
  EXPECT_TRUE(b.device.stats().requests[0].is_consumed);
}

// ---- window access rules --------------------------------------------------

TEST(RingWindow, SubWordAccessesAndBounds) {
  ScriptedBackend backend;
  ring::RingConfig config = kYieldOnly;
  config.access_cycles = 5;
  Bench b("bench", config, backend, [](Bench& g) {
    g.at(10);
    g.write8(ring::kReqHead, 3);
    EXPECT_EQ(g.read32(ring::kReqHead), 3u);
    // A byte store to an upper byte keeps the rest of the word.
    g.write8(ring::kReqHead + 1, 0);
    g.write16(ring::kReqHead + 2, 0);
    EXPECT_EQ(g.read32(ring::kReqHead), 3u);
    EXPECT_EQ(g.read8(ring::kReqHead), 3u);
    EXPECT_EQ(g.read8(ring::kReqHead + 1), 0u);
    EXPECT_EQ(g.read16(ring::kReqHead + 2), 0u);

    for (std::uint32_t off : {0x0008u, 0x0FFCu, 0x2008u, 0x2FFCu}) {
      g.write32(off, 0xFFFFFFFFu);
      EXPECT_EQ(g.read32(off), 0u) << "offset " << off;
    }

    g.write8(ring::kDataBuffer + 0, 0x01);
    g.write8(ring::kDataBuffer + 1, 0xAB);
    g.write16(ring::kDataBuffer + 2, 0xCDEF);
    EXPECT_EQ(g.read32(ring::kDataBuffer), 0xCDEFAB01u);
    EXPECT_EQ(g.read16(ring::kDataBuffer + 1), 0xEFABu);
    EXPECT_EQ(g.read8(ring::kDataBuffer + 3), 0xCDu);
    g.write32(ring::kWindowSize - 4, 0x11223344u);
    EXPECT_EQ(g.read32(ring::kWindowSize - 4), 0x11223344u);

    std::uint8_t buf[4] = {};
    EXPECT_EQ(g.access(tlm::TLM_READ_COMMAND, ring::kWindowSize - 2, buf, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(g.access(tlm::TLM_WRITE_COMMAND, ring::kWindowSize, buf, 1), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  EXPECT_TRUE(b.device.stats().warnings.empty());
}

TEST(RingWindow, ResponseFieldsComeBackByteExact) {
  ScriptedBackend backend;
  backend.push({0x80604020u, 0x01020304u, 0, false, "", {'o', 'k', '!'}});
  Bench b("bench", kDoorbellOnly, backend, [](Bench& g) {
    g.at(10);
    g.write_data(0x2000, "abc");
    g.post({host::kRead, 3, 0x2000, 0});
    g.at(11);
    const std::uint32_t r = ring::kRespRing;
    EXPECT_EQ(g.read8(r + 4), 0x04u);
    EXPECT_EQ(g.read16(r + 5), 0x0203u);
    EXPECT_EQ(g.read8(r + 15), 0x80u);
    EXPECT_EQ(g.read16(r + 12), 0x4020u);
    EXPECT_EQ(g.read8(ring::kDataBuffer + 0x2000), std::uint32_t{'o'});
    EXPECT_EQ(g.read16(ring::kDataBuffer + 0x2001), std::uint32_t{'k'} | std::uint32_t{'!'} << 8);
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  ASSERT_EQ(backend.calls().size(), 1u);
  EXPECT_EQ(std::string(backend.calls()[0].payload.begin(), backend.calls()[0].payload.end()), "abc");
}

// ---- synchronisation interface ---------------------------------------------

TEST(RingSync, ShouldWaitDrainedAndWakeFollowTheRequest) {
  ScriptedBackend backend;
  backend.push({0, 0, 10, false, "", {}});
  Bench b("bench", kDoorbellOnly, backend, [](Bench& g) {
    g.at(10);
    EXPECT_TRUE(g.device.drained());
    EXPECT_FALSE(g.device.should_wait());
    g.post({host::kNop, 0, 0, 0});
    EXPECT_FALSE(g.device.drained());
    EXPECT_TRUE(g.device.should_wait());
    g.at(12);
    EXPECT_FALSE(g.device.drained()) << "in service";
    EXPECT_TRUE(g.device.should_wait());
    sc_core::wait(g.device.wake_event());
    EXPECT_EQ(sc_core::sc_time_stamp(), g.clock.falling(21));
    g.at(21);
    EXPECT_TRUE(g.device.drained());
    EXPECT_FALSE(g.device.should_wait()) << "a response is waiting for the guest";
    g.take();
    g.consume();
    EXPECT_FALSE(g.device.should_wait());
    EXPECT_FALSE(g.device.exit_status());
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
}

TEST(RingExit, LaterRequestsAreNotExecuted) {
  ScriptedBackend backend([](const host::Request& req, host::DataBuffer&) {
    ScriptedResponse r;
    if (req.opcode == host::kExit) {
      r.exit = true;
      r.status = req.status;
    }
    return r;
  });
  Bench b("bench", kDoorbellOnly, backend, [](Bench& g) {
    g.at(10);
    g.submit({host::kNop, 0, 0, 0});
    g.submit({host::kExit, 0, 0, 7});
    g.submit({host::kNop, 0, 0, 1});
    g.submit({host::kNop, 0, 0, 2});
    g.publish();
    EXPECT_FALSE(g.device.exit_status());
    EXPECT_TRUE(g.device.should_wait());
    g.at(11);
    ASSERT_TRUE(g.device.exit_status());
    EXPECT_EQ(*g.device.exit_status(), 7u);
    EXPECT_TRUE(g.device.drained()) << "requests left behind an EXIT never run";
    EXPECT_FALSE(g.device.should_wait());
    EXPECT_EQ(g.read32(ring::kReqTail), 2u);
    g.at(20);
    g.sync(true);
    g.at(30);
    EXPECT_EQ(g.read32(ring::kReqTail), 2u);
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  ASSERT_EQ(backend.calls().size(), 2u);
  EXPECT_EQ(backend.calls()[0].request.opcode, host::kNop);
  EXPECT_EQ(backend.calls()[1].request.opcode, host::kExit);
  const auto& req = b.device.stats().requests;
  ASSERT_EQ(req.size(), 4u);
  EXPECT_TRUE(req[1].completed);
  EXPECT_FALSE(req[2].completed);
  EXPECT_FALSE(req[3].completed);
  EXPECT_EQ(b.device.stats().requests_by_opcode,
            (std::map<std::uint32_t, std::uint64_t>{{host::kNop, 1}, {host::kExit, 1}}));
}

// ---- the final drain (HALT) ------------------------------------------------

TEST(RingFinal, HaltDrainsEvenInYieldOnlyMode) {
  ScriptedBackend backend;
  Bench b("bench", kYieldOnly, backend, [](Bench& g) {
    g.at(10);
    for (std::uint32_t i = 0; i < 3; ++i) g.submit({host::kNop, 0, 0, i});
    g.publish();
    g.at(20);
    g.sync(true);
    g.at(21);
    EXPECT_EQ(g.read32(ring::kRespHead), 3u);
    EXPECT_TRUE(g.device.drained());
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  EXPECT_EQ(backend.calls().size(), 3u);
  for (const auto& r : b.device.stats().requests) EXPECT_EQ(r.start, 21u);
}

TEST(RingFinal, FullResponseRingAtHaltCountsDropsInsteadOfWaiting) {
  ScriptedBackend backend;
  Bench b("bench", kDoorbellOnly, backend, [](Bench& g) {
    g.at(10);
    for (std::uint32_t i = 0; i < 255; ++i) g.submit({host::kNop, 0, 0, i});
    g.publish();
    g.at(20);
    for (std::uint32_t i = 255; i < 265; ++i) g.submit({host::kNop, 0, 0, i});
    g.publish();
    // Request 255 is served at 21 and waits for room; the guest halts.
    g.at(30);
    EXPECT_EQ(g.read32(ring::kReqTail), 255u);
    g.sync(true);
  });
  sc_core::sc_start();
  EXPECT_TRUE(b.script_done);
  ASSERT_EQ(backend.calls().size(), 265u);
  const ring::RingStats& s = b.device.stats();
  EXPECT_EQ(s.responses_dropped_after_halt, 10u);
  EXPECT_EQ(s.backpressure_events, 1u);
  EXPECT_EQ(s.backpressure_cycles, 31u - 21u);
  EXPECT_TRUE(b.device.drained());
  EXPECT_EQ(sc_core::sc_time_stamp(), b.clock.falling(31)) << "the device kept waiting after the halt";
}

}  // namespace
