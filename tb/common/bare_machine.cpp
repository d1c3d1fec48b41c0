#include "bare_machine.hpp"

#include <memory>
#include <stdexcept>

#ifdef S32_HAVE_JIT
#include "isa/jit/jit_engine.hpp"
#endif

namespace s32::test {

BareMachine::BareMachine(const isa::Image& image, const isa::CycleCosts& costs) : core_(costs) {
  memory::load_image(mem_, image);
  for (const isa::Region& r : image.regions) {
    if (r.kind == isa::RegionKind::Mmio) continue;
    core_.add_direct_region({r.base, static_cast<std::uint32_t>(r.size), mem_.host(r.base), r.perms, kMemoryLatency});
  }
  core_.set_code_limit(image.code_limit);
  core_.reset(image.entry, image.stack_pointer);
}

BareRun BareMachine::run(std::uint64_t max_cycles, Engine engine) {
#ifdef S32_HAVE_JIT
  std::unique_ptr<isa::jit::JitEngine> jit;
  if (engine == Engine::Jit) jit = std::make_unique<isa::jit::JitEngine>(core_);
#else
  if (engine == Engine::Jit) throw std::logic_error("this build has no translating engine");
#endif
  const auto run_to = [&](std::uint64_t limit) {
#ifdef S32_HAVE_JIT
    if (jit) return jit->run(limit);
#endif
    return core_.run(limit);
  };
  BareRun result;
  for (;;) {
    result.stop = run_to(max_cycles);
    if (result.stop == isa::StopReason::Debug) {
      result.output.push_back(static_cast<char>(core_.debug_byte()));
      continue;
    }
    if (result.stop == isa::StopReason::Yield) continue;
    break;
  }
  result.r1 = core_.reg(1);
  result.instret = core_.instret();
  result.cycles = core_.cycles();
  result.fault = core_.fault();
  return result;
}

BareRun run_s32x(const std::string& path, std::uint64_t max_cycles) {
  BareMachine m(isa::load_s32x_file(path));
  return m.run(max_cycles);
}

}  // namespace s32::test
