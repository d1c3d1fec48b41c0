#include "ring/ring_device.hpp"

#include <algorithm>
#include <cstring>

#include "host/host_abi.hpp"

namespace s32::ring {

namespace {

bool is_register_area(std::uint32_t off) { return off < kReqRing || (off >= kRespHead && off < kRespRing); }

std::uint32_t get_u32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

void put_u32(std::uint8_t* p, std::uint32_t v) { std::memcpy(p, &v, 4); }

}  // namespace

RingDevice::RingDevice(sc_core::sc_module_name name, const RingConfig& config, const interconnect::CycleTime& clock,
                       host::HostBackend& backend)
    : sc_module(name),
      socket("socket"),
      dma("dma"),
      config_(config),
      clock_(clock),
      backend_(backend) {
  socket.register_b_transport(this, &RingDevice::b_transport);
  socket.register_transport_dbg(this, &RingDevice::transport_dbg);
  req_record_.fill(-1);
  resp_record_.fill(-1);
  if (config_.async_host) host_thread_ = std::make_unique<host::HostThread>();
  SC_HAS_PROCESS(RingDevice);
  SC_THREAD(worker);
  SC_METHOD(irq_timeout);
  sensitive << irq_timer_;
  dont_initialize();
  SC_METHOD(end_pulses);
  sensitive << pulse_end_;
  dont_initialize();
}

void RingDevice::trace(trace::TraceSink& sink) {
  const std::string scope = basename();
  doorbell_probe_.bind(sink, scope, "doorbell", 1);
  req_head_probe_.bind(sink, scope, "req_head", 8, req_head_);
  req_tail_probe_.bind(sink, scope, "req_tail", 8, req_tail_);
  resp_head_probe_.bind(sink, scope, "resp_head", 8, resp_head_);
  resp_tail_probe_.bind(sink, scope, "resp_tail", 8, resp_tail_);
  busy_probe_.bind(sink, scope, "device_busy", 1);
  opcode_probe_.bind(sink, scope, "opcode", 8, kIdleOpcode);
  req_seq_probe_.bind(sink, scope, "req_seq", 32, kIdleSeq);
  submit_probe_.bind(sink, scope, "submit", 1);
  consumed_probe_.bind(sink, scope, "consumed", 1);
  irq_probe_.bind(sink, scope, "irq", 1);
  warnings_probe_.bind(sink, scope, "protocol_warnings", 32);
}

void RingDevice::notify_at(sc_core::sc_event& e, std::uint64_t stamp) {
  const sc_core::sc_time t = clock_.falling(stamp);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  e.notify(t > now ? t - now : sc_core::SC_ZERO_TIME);
}

void RingDevice::end_pulses() {
  doorbell_probe_.set(0);
  submit_probe_.set(0);
  consumed_probe_.set(0);
}

void RingDevice::set_irq(bool level) {
  if (level == irq_level_) return;
  irq_level_ = level;
  irq_probe_.set(level);
  if (level) {
    ++stats_.irqs;
    wake_.notify(sc_core::SC_ZERO_TIME);
  }
}

void RingDevice::completion_for_irq() {
  if (!config_.irq.enabled) return;
  ++irq_window_;
  if (irq_level_) return;
  if (irq_window_ >= config_.irq.count) {
    set_irq(true);
  } else if (irq_window_ == 1 && config_.irq.cycles) {
    notify_at(irq_timer_, now_stamp() + config_.irq.cycles);
  }
}

void RingDevice::irq_timeout() {
  if (irq_window_ > 0) set_irq(true);
}

std::string trigger_name(const Trigger& t) {
  if (t.poll) return "poll:" + std::to_string(t.poll);
  if (t.doorbell && t.yield) return "hybrid";
  if (t.doorbell) return "doorbell";
  if (t.yield) return "yield";
  return "none";
}

// ---- the window, as the guest sees it ---------------------------------------

std::uint8_t RingDevice::read_byte(std::uint32_t off) const {
  if (!is_register_area(off)) return window_[off];
  std::uint32_t reg = 0;
  switch (off & ~3u) {
    case kReqHead: reg = req_head_; break;
    case kReqTail: reg = req_tail_; break;
    case kRespHead: reg = resp_head_; break;
    case kRespTail: reg = resp_tail_; break;
    default: return 0;  // other offsets read 0
  }
  return static_cast<std::uint8_t>(reg >> (8 * (off & 3)));
}

void RingDevice::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const std::uint64_t off = gp.get_address();
  const unsigned len = gp.get_data_length();
  // in_dma_: our own READ_DIRECT has come back through the bus. Writing the
  // window from inside the worker would move REQ_HEAD under it (publishing
  // stale descriptors) or overwrite rings it is serving, so the device's own
  // window is no DMA target (the backend answers EFAULT).
  if (in_dma_ || off + len > kWindowSize || gp.get_byte_enable_ptr() || gp.get_streaming_width() < len) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const std::uint64_t cycle = clock_.cycle_at_or_after(sc_core::sc_time_stamp() + delay);
  std::uint8_t* data = gp.get_data_ptr();
  if (gp.is_read()) {
    for (unsigned i = 0; i < len; ++i) data[i] = read_byte(static_cast<std::uint32_t>(off) + i);
  } else if (gp.is_write()) {
    guest_write(static_cast<std::uint32_t>(off), data, len, cycle);
  }
  delay += clock_.period() * static_cast<double>(config_.access_cycles);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int RingDevice::transport_dbg(tlm::tlm_generic_payload& gp) {
  const std::uint64_t off = gp.get_address();
  const unsigned len = gp.get_data_length();
  if (off + len > kWindowSize || !gp.is_read()) return 0;
  for (unsigned i = 0; i < len; ++i) gp.get_data_ptr()[i] = read_byte(static_cast<std::uint32_t>(off) + i);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

void RingDevice::guest_write(std::uint32_t off, const std::uint8_t* data, unsigned len, std::uint64_t cycle) {
  // Register bytes are merged into their word (read-modify-write) and each
  // touched register is written once, after the whole access.
  std::map<std::uint32_t, std::uint32_t> regs;
  bool warned_payload = false;
  for (unsigned i = 0; i < len; ++i) {
    const std::uint32_t o = off + i;
    if (is_register_area(o)) {
      const std::uint32_t word = o & ~3u;
      auto it = regs.find(word);
      if (it == regs.end()) {
        std::uint32_t cur = 0;
        for (unsigned b = 0; b < 4; ++b) cur |= std::uint32_t{read_byte(word + b)} << (8 * b);
        it = regs.emplace(word, cur).first;
      }
      const unsigned shift = 8 * (o & 3);
      it->second = (it->second & ~(0xFFu << shift)) | (std::uint32_t{data[i]} << shift);
      continue;
    }
    if (o < kReqRing + kRingBytes) {
      const std::uint32_t slot = (o - kReqRing) / kDescriptorSize;
      if ((slot - req_tail_) % kRingEntries < ring_used(req_head_, req_tail_)) {
        if ((o - kReqRing) % kDescriptorSize == 0 || i == 0)
          warn(cycle, "descriptor-after-publish",
               "request descriptor " + std::to_string(slot) + " written after REQ_HEAD published it");
      } else if (!slot_written_[slot]) {
        slot_written_[slot] = cycle;
        if (submit_probe_.bound()) {
          submit_probe_.set(1);
          notify_at(pulse_end_, cycle + 1);
        }
      }
    } else if (o < kDataBuffer) {
      if (i == 0) warn(cycle, "response-ring-write", "guest wrote the device-owned response ring");
    } else if (!warned_payload) {
      const std::uint32_t boff = o - kDataBuffer;
      for (std::uint32_t s = req_tail_; s != req_head_; s = (s + 1) % kRingEntries) {
        const std::uint8_t* d = &window_[kReqRing + s * kDescriptorSize];
        const std::uint32_t opcode = get_u32(d), length = get_u32(d + 4), offset = get_u32(d + 8);
        if (opcode == host::kReadDirect) continue;  // its offset is a guest address
        if (boff >= offset && boff - offset < length) {
          warn(cycle, "payload-after-doorbell",
               "data buffer offset " + std::to_string(boff) + " written while request " + std::to_string(s) +
                   " using it is in flight");
          warned_payload = true;
          break;
        }
      }
    }
    window_[o] = data[i];
  }
  for (const auto& [word, value] : regs) {
    switch (word) {
      case kReqHead: write_req_head(value, cycle); break;
      case kRespTail: write_resp_tail(value, cycle); break;
      case kReqTail:
        warn(cycle, "wrong-side-index", "guest wrote REQ_TAIL, which the device owns; ignored");
        break;
      case kRespHead:
        warn(cycle, "wrong-side-index", "guest wrote RESP_HEAD, which the device owns; ignored");
        break;
      default: break;  // other offsets ignore writes
    }
  }
}

void RingDevice::write_req_head(std::uint32_t value, std::uint64_t cycle) {
  const std::uint32_t head = value % kRingEntries;
  const std::uint32_t advance = (head - req_head_) % kRingEntries;
  const std::uint32_t free = kRingEntries - 1 - ring_used(req_head_, req_tail_);
  if (advance > free) {
    warn(cycle, "index-jump",
         "REQ_HEAD advanced by " + std::to_string(advance) + " with only " + std::to_string(free) +
             " free entries; ignored");
    return;
  }
  for (std::uint32_t s = req_head_; s != head; s = (s + 1) % kRingEntries) {
    RequestRecord r;
    r.seq = next_seq_++;
    r.opcode = get_u32(&window_[kReqRing + s * kDescriptorSize]);
    r.submit = slot_written_[s].value_or(cycle);
    r.doorbell = cycle;
    slot_written_[s].reset();
    req_record_[s] = static_cast<std::int64_t>(stats_.requests.size());
    stats_.requests.push_back(r);
    if (on_publish_) on_publish_(r);
  }
  req_head_ = head;
  ++stats_.doorbells;
  stats_.occupancy_samples.push_back(ring_used(req_head_, req_tail_));
  req_head_probe_.set(req_head_);
  if (doorbell_probe_.bound()) {
    doorbell_probe_.set(1);
    notify_at(pulse_end_, cycle + 1);
  }
  if (config_.trigger.doorbell) notify_at(kick_, cycle + 1);
}

void RingDevice::write_resp_tail(std::uint32_t value, std::uint64_t cycle) {
  const std::uint32_t tail = value % kRingEntries;
  const std::uint32_t advance = (tail - resp_tail_) % kRingEntries;
  const std::uint32_t used = ring_used(resp_head_, resp_tail_);
  if (advance > used) {
    warn(cycle, "index-jump",
         "RESP_TAIL advanced by " + std::to_string(advance) + " past the " + std::to_string(used) +
             " posted responses; ignored");
    return;
  }
  for (std::uint32_t s = resp_tail_; s != tail; s = (s + 1) % kRingEntries) {
    if (resp_record_[s] >= 0) {
      RequestRecord& r = stats_.requests[static_cast<std::size_t>(resp_record_[s])];
      r.consumed = cycle;
      r.is_consumed = true;
    }
    resp_record_[s] = -1;
  }
  resp_tail_ = tail;
  resp_tail_probe_.set(resp_tail_);
  if (advance && consumed_probe_.bound()) {
    consumed_probe_.set(1);
    notify_at(pulse_end_, cycle + 1);
  }
  if (resp_tail_ == resp_head_ && config_.irq.enabled) {
    // Every response consumed: the guest has acknowledged the interrupt.
    irq_window_ = 0;
    irq_timer_.cancel();
    set_irq(false);
  }
  if (advance) notify_at(space_, cycle + 1);
}

void RingDevice::warn(std::uint64_t cycle, const std::string& kind, const std::string& message) {
  stats_.warnings.push_back({cycle, kind, message});
  warnings_probe_.set(stats_.warnings.size());
  if (config_.strict && stats_.warnings.size() == 1) sc_core::sc_stop();
}

bool RingDevice::clear_stats() {
  // Quiescent, no record index is held in req_record_ or resp_record_.
  if (!drained() || resp_head_ != resp_tail_) return false;
  stats_ = {};
  next_seq_ = 0;
  return true;
}

// ---- synchronisation with the CPU --------------------------------------------

void RingDevice::sync_point(std::uint64_t cycle, bool final) {
  if (final) {
    final_ = true;
  } else {
    ++stats_.sync_points;
    if (!config_.trigger.yield) return;
  }
  limit_ = req_head_;
  notify_at(kick_, cycle + 1);
}

bool RingDevice::should_wait() const {
  if (exit_status_) return false;
  // With the completion line, a stalled guest sleeps until it rises, even
  // past responses that coalescing holds back.
  if (config_.irq.enabled) return !irq_level_ && (req_head_ != req_tail_ || busy_ || resp_head_ != resp_tail_);
  return resp_head_ == resp_tail_ && (req_head_ != req_tail_ || busy_);
}

bool RingDevice::drained() const { return exit_status_ || (req_head_ == req_tail_ && !busy_); }

// ---- the worker ---------------------------------------------------------------

void RingDevice::wait_until(std::uint64_t stamp) {
  const sc_core::sc_time t = clock_.falling(stamp);
  if (t > sc_core::sc_time_stamp()) wait(t - sc_core::sc_time_stamp());
}

void RingDevice::worker() {
  for (;;) {
    if (config_.trigger.poll) {
      // Next multiple of the poll interval whose falling edge is ahead.
      const std::uint64_t n = config_.trigger.poll;
      const std::uint64_t next = (now_stamp() / n + 1) * n;
      wait(clock_.falling(next) - sc_core::sc_time_stamp(), kick_);
      if (now_stamp() == next && !final_) {
        ++stats_.polls;
        if (req_head_ == req_tail_) ++stats_.empty_polls;
      }
    } else {
      wait(kick_);
    }
    serve();
  }
}

void RingDevice::serve() {
  busy_ = true;
  busy_probe_.set(1);
  // sc_stop() only ends the run after this delta: without the check a
  // strict run would still execute the requests behind the violation.
  while (!exit_status_ && !violated()) {
    const bool to_empty = config_.trigger.doorbell || config_.trigger.poll || final_;
    if (req_tail_ == (to_empty ? req_head_ : limit_)) break;
    serve_one();
  }
  busy_ = false;
  busy_probe_.set(0);
  opcode_probe_.set(kIdleOpcode);
  req_seq_probe_.set(kIdleSeq);
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void RingDevice::serve_one() {
  const std::uint32_t slot = req_tail_;
  const std::uint8_t* d = &window_[kReqRing + slot * kDescriptorSize];
  const host::Request req{get_u32(d), get_u32(d + 4), get_u32(d + 8), get_u32(d + 12)};
  const std::int64_t index = req_record_[slot];
  req_record_[slot] = -1;
  const std::uint64_t start = now_stamp();
  opcode_probe_.set(req.opcode);
  req_seq_probe_.set(index >= 0 ? stats_.requests[static_cast<std::size_t>(index)].seq : kIdleSeq);

  const Served c = execute(req, start);
  count_served(req.opcode, c.status, c.length);
  wait_until(start + c.latency_cycles);
  const std::uint64_t host_done = now_stamp();
  if (c.exit) exit_status_ = c.status;

  // Post the response; wait for room unless nobody will ever make it.
  bool post = true;
  if (ring_full(resp_head_, resp_tail_) && !final_ && !c.exit) {
    const std::uint64_t from = now_stamp();
    ++stats_.backpressure_events;
    while (ring_full(resp_head_, resp_tail_) && !final_) wait(space_ | kick_);
    stats_.backpressure_cycles += now_stamp() - from;
  }
  if (ring_full(resp_head_, resp_tail_)) {
    post = false;
    if (!c.exit) ++stats_.responses_dropped_after_halt;
  }
  if (post) {
    std::uint8_t* r = &window_[kRespRing + resp_head_ * kDescriptorSize];
    put_u32(r, req.opcode);
    put_u32(r + 4, c.length);
    put_u32(r + 8, req.offset);
    put_u32(r + 12, c.status);
    resp_record_[resp_head_] = index;
    resp_head_ = (resp_head_ + 1) % kRingEntries;
    stats_.response_occupancy_samples.push_back(ring_used(resp_head_, resp_tail_));
  }
  req_tail_ = (req_tail_ + 1) % kRingEntries;
  req_tail_probe_.set(req_tail_);
  resp_head_probe_.set(resp_head_);
  const std::uint64_t posted = now_stamp();
  stats_.busy_cycles += posted - start;
  if (index >= 0) {
    RequestRecord& rec = stats_.requests[static_cast<std::size_t>(index)];
    rec.start = start;
    rec.host_done = host_done;
    rec.completed = true;
    if (post) rec.posted = posted;
    else rec.dropped = true;
  }
  if (post) completion_for_irq();
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void RingDevice::count_served(std::uint32_t opcode, std::uint32_t status, std::uint32_t length) {
  ++stats_.requests_by_opcode[opcode];
  const bool moves_data = opcode == host::kRead || opcode == host::kWrite || opcode == host::kReadDirect;
  if (moves_data && status != host::kStatusErr) stats_.payload_bytes += length;
}

void RingDevice::stop_host_waits() {
  if (host_thread_) host_thread_->stop_waiting();
}

void RingDevice::finish_host_io() {
  host_thread_.reset();
  // A run that ended while the host worked (a fault, the cycle limit) counts
  // the request as sync mode did when it ran it at its start.
  if (in_host_) count_served(*in_host_, host_result_.status, host_result_.length);
  in_host_.reset();
}

RingDevice::Served RingDevice::execute(const host::Request& req, std::uint64_t start) {
  host::DataBuffer buf(&window_[kDataBuffer], host::kDataBufferSize);
  dma_delay_ = sc_core::SC_ZERO_TIME;
  const host::HostTime t{clock_.falling_ps(start), clock_.period_ps()};
  std::optional<std::uint64_t> measured;
  if (host_thread_ && backend_.may_block(req)) {
    in_host_ = req.opcode;
    if (config_.measured_latency) {
      measured = execute_measured(req, buf, t, start);
    } else {
      // The host works while the simulation runs up to the earliest the
      // response could be due; there it waits for the host in wall time, so
      // the response is posted exactly when sync mode would post it.
      host_thread_->start([this, req, buf, t]() mutable { host_result_ = backend_.execute(req, buf, *this, t); });
      wait_until(start + backend_.latency_floor(req));
      // A stop from outside (stop_host_waits) is carried out at the next
      // update phase: until then nothing of this request may be used.
      if (!host_thread_->wait()) wait(never_);
    }
    in_host_.reset();
  } else {
    host_result_ = backend_.execute(req, buf, *this, t);
  }
  const host::Completion& c = host_result_;
  if (!c.protocol_warning.empty()) warn(start, "payload-range", c.protocol_warning);
  return {c.length, c.status, measured.value_or(c.latency_cycles) + clock_.cycles_in(dma_delay_), c.exit};
}

std::uint64_t RingDevice::wall_cycles(std::chrono::nanoseconds d) const {
  // 1 host ns = 1 simulated ns at the configured clock, rounded up to a
  // whole cycle.
  const std::uint64_t ps = static_cast<std::uint64_t>(d.count()) * 1000;
  return (ps + clock_.period_ps() - 1) / clock_.period_ps();
}

std::uint64_t RingDevice::execute_measured(const host::Request& req, host::DataBuffer buf, const host::HostTime& t,
                                           std::uint64_t start) {
  const auto t0 = std::chrono::steady_clock::now();
  host_thread_->start([this, req, buf, t, t0]() mutable {
    host_result_ = backend_.execute(req, buf, *this, t);
    host_wall_ = std::chrono::steady_clock::now() - t0;
  });
  // The response is due at start + the host's time, so simulated time may
  // go on only as far as the host's time so far: a CPU that computes
  // (slower than real time) is never held, while a stalled one, whose
  // YIELD timeouts would otherwise race simulated time ahead, is held in
  // wall time until the host is done. The kernel always has this wait
  // pending, so the run never ends as stalled while the host works.
  constexpr std::chrono::milliseconds kHold{1};
  for (;;) {
    const std::uint64_t allowed = start + wall_cycles(std::chrono::steady_clock::now() - t0);
    if (allowed > now_stamp()) {
      if (host_thread_->wait_for(std::chrono::nanoseconds::zero())) break;
      wait_until(allowed);
    } else if (host_thread_->wait_for(kHold)) {
      break;
    } else if (host_thread_->stopping()) {
      wait(never_);
    }
  }
  ++stats_.measured_requests;
  return wall_cycles(host_wall_);
}

bool RingDevice::write(std::uint32_t addr, const std::uint8_t* data, std::uint32_t length) {
  return dma_transfer(tlm::TLM_WRITE_COMMAND, addr, const_cast<std::uint8_t*>(data), length);
}

bool RingDevice::read(std::uint32_t addr, std::uint8_t* data, std::uint32_t length) {
  return dma_transfer(tlm::TLM_READ_COMMAND, addr, data, length);
}

bool RingDevice::dma_transfer(tlm::tlm_command cmd, std::uint32_t addr, std::uint8_t* data, std::uint32_t length) {
  tlm::tlm_generic_payload gp;
  gp.set_command(cmd);
  gp.set_address(addr);
  gp.set_data_ptr(data);
  gp.set_data_length(length);
  gp.set_streaming_width(length);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  in_dma_ = true;
  dma->b_transport(gp, dma_delay_);
  in_dma_ = false;
  return gp.is_response_ok();
}

}  // namespace s32::ring
