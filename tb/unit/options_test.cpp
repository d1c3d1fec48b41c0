// The s32sim command line: what goes to the guest, option values, profiles
// and explicit overrides, config files, and usage errors.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "options.hpp"

namespace {

using s32::platform::Config;

struct Parsed {
  s32::sim::ParseResult result;
  Config config;
  std::string out;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "s32sim");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  Parsed p;
  std::ostringstream out;
  p.result = s32::sim::parse_command_line(static_cast<int>(argv.size()), argv.data(), p.config, out);
  p.out = out.str();
  return p;
}

TEST(Options, EverythingAfterTheProgramBelongsToTheGuest) {
  const Parsed p = parse({"-q", "--root", "/tmp", "prog.s32x", "-q", "--root", "x"});
  ASSERT_FALSE(p.result.exit);
  EXPECT_EQ(p.config.program, "prog.s32x");
  EXPECT_EQ(p.config.guest_args, (std::vector<std::string>{"-q", "--root", "x"}));
  EXPECT_EQ(p.config.host.root, "/tmp");
  EXPECT_TRUE(p.config.quiet);
}

TEST(Options, OneDoubleDashAfterTheProgramOnlySeparates) {
  EXPECT_EQ(parse({"prog.s32x", "--", "-v"}).config.guest_args, (std::vector<std::string>{"-v"}));
  EXPECT_EQ(parse({"prog.s32x", "--", "--", "x"}).config.guest_args, (std::vector<std::string>{"--", "x"}));
  EXPECT_EQ(parse({"--", "prog.s32x", "a"}).config.guest_args, (std::vector<std::string>{"a"}));
}

TEST(Options, ReferenceProfileAndExplicitOverrides) {
  const Parsed ref = parse({"--profile", "reference", "prog.s32x"});
  ASSERT_FALSE(ref.result.exit);
  EXPECT_FALSE(ref.config.ring.trigger.doorbell);
  EXPECT_TRUE(ref.config.ring.trigger.yield);
  EXPECT_EQ(ref.config.cpu.yield, s32::cpu::YieldMode::Spin);
  EXPECT_EQ(ref.config.host.latency.cycles(s32::host::ServiceClass::File, 100), 0u);

  const Parsed over = parse({"--profile", "reference", "--trigger", "doorbell", "prog.s32x"});
  EXPECT_TRUE(over.config.ring.trigger.doorbell);
  EXPECT_FALSE(over.config.ring.trigger.yield);
}

TEST(Options, ExecutionModelValues) {
  const Parsed p = parse({"--trigger", "poll:250", "--yield", "spin:7", "--irq", "on", "--irq-coalesce", "4,900",
                          "--mode", "cycle", "--latency", "file=10+2", "--cost", "divide=48", "prog.s32x"});
  ASSERT_FALSE(p.result.exit);
  EXPECT_EQ(p.config.ring.trigger.poll, 250u);
  EXPECT_EQ(p.config.cpu.costs[0x51], 7u);  // yield
  EXPECT_TRUE(p.config.ring.irq.enabled);
  EXPECT_EQ(p.config.ring.irq.count, 4u);
  EXPECT_EQ(p.config.ring.irq.cycles, 900u);
  EXPECT_TRUE(p.config.cycle_stepped);
  EXPECT_EQ(p.config.host.latency.cycles(s32::host::ServiceClass::File, 5), 20u);
  EXPECT_EQ(p.config.cpu.costs[0x0C], 48u);  // div
  EXPECT_EQ(p.config.cpu.costs[0x0D], 48u);  // rem
}

TEST(Options, EnvironmentIsOnlyWhatIsPassed) {
  setenv("S32SIM_OPTIONS_TEST", "from-host", 1);
  const Parsed p = parse({"--env", "A=1", "--pass-env", "S32SIM_OPTIONS_TEST", "--pass-env", "S32SIM_UNSET_X",
                          "--epoch", "1700000000.5", "prog.s32x"});
  ASSERT_FALSE(p.result.exit);
  EXPECT_EQ(p.config.host.env, (std::vector<std::string>{"A=1", "S32SIM_OPTIONS_TEST=from-host"}));
  ASSERT_TRUE(p.config.host.epoch_ns.has_value());
  EXPECT_EQ(*p.config.host.epoch_ns, 1700000000500000000LL);
}

TEST(Options, ConfigFileFillsWhatTheCommandLineLeaves) {
  const std::string path = testing::TempDir() + "s32sim-options.ini";
  {
    std::ofstream ini(path);
    ini << "quantum = 77\ntrigger = yield\nenv = FROM_FILE=1\nclock-mhz = 50\n";
  }
  const Parsed p = parse({"--config", path, "--clock-mhz", "200", "prog.s32x"});
  std::remove(path.c_str());
  ASSERT_FALSE(p.result.exit);
  EXPECT_EQ(p.config.cpu.quantum, 77u);
  EXPECT_FALSE(p.config.ring.trigger.doorbell);
  EXPECT_EQ(p.config.clock_mhz, 200.0);
  EXPECT_EQ(p.config.host.env, (std::vector<std::string>{"FROM_FILE=1"}));
}

TEST(Options, UsageErrorsExitWithStatus2) {
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{}, {"--trigger", "sometimes", "p"}, {"--yield", "spin:0", "p"}, {"--quantum", "0", "p"},
        {"--mode", "slow", "p"}, {"--irq-coalesce", "0,5", "p"}, {"--latency", "disk=5", "p"}, {"--cost", "nop2=3", "p"},
        {"--env", "NOVALUE", "p"}, {"--epoch", "yesterday", "p"}, {"--no-such-option", "p"}, {"--clock-mhz", "-1", "p"},
        {"--profile", "fastest", "p"}, {"--read-direct", "maybe", "p"}, {"--host-latency", "fast", "p"},
        {"--host-latency", "measured", "p"}}) {
    const Parsed p = parse(bad);
    EXPECT_TRUE(p.result.exit);
    EXPECT_EQ(p.result.status, 2) << testing::PrintToString(bad);
  }
}

// The public interpreter's READ_DIRECT always fails; the reference profile
// turns ours off, and an explicit --read-direct wins over the profile.
TEST(Options, ReadDirectFollowsTheProfileUnlessGiven) {
  EXPECT_TRUE(parse({"prog.s32x"}).config.host.read_direct);
  EXPECT_FALSE(parse({"--profile", "reference", "prog.s32x"}).config.host.read_direct);
  EXPECT_TRUE(parse({"--profile", "reference", "--read-direct", "on", "prog.s32x"}).config.host.read_direct);
  EXPECT_FALSE(parse({"--read-direct", "off", "prog.s32x"}).config.host.read_direct);
}

// Measured host latency is a choice of asynchronous host I/O: in sync mode
// (above, refused) the host call stops the CPU however it is timed.
TEST(Options, HostLatencyIsModelledUnlessMeasuredIsAskedForWithAsyncHostIo) {
  EXPECT_FALSE(parse({"--host-io", "async", "prog.s32x"}).config.ring.measured_latency);
  const Parsed p = parse({"--host-io", "async", "--host-latency", "measured", "prog.s32x"});
  ASSERT_FALSE(p.result.exit);
  EXPECT_TRUE(p.config.ring.measured_latency);
  std::ostringstream saved;
  s32::sim::write_config(saved, p.config);
  EXPECT_NE(saved.str().find("host-latency = measured"), std::string::npos) << saved.str();
}

// The public emulator's test scripts set S32_TUBE_DUMP and S32_TUBE_KEYS;
// the options win over them.
TEST(Options, TubeJournalAndKeysFromOptionsOrEnvironment) {
  setenv("S32_TUBE_DUMP", "env-frames", 1);
  setenv("S32_TUBE_KEYS", "env.keys", 1);
  unsetenv("S32_TUBE_DUMP_FULL");
  Parsed p = parse({"prog.s32x"});
  EXPECT_EQ(p.config.host.tube.dump_dir, "env-frames");
  EXPECT_EQ(p.config.host.tube.keys_file, "env.keys");
  EXPECT_FALSE(p.config.host.tube.dump_full);
  setenv("S32_TUBE_DUMP_FULL", "0", 1);
  p = parse({"--tube-dump", "frames", "--tube-keys", "k.bin", "prog.s32x"});
  EXPECT_EQ(p.config.host.tube.dump_dir, "frames");
  EXPECT_EQ(p.config.host.tube.keys_file, "k.bin");
  EXPECT_TRUE(p.config.host.tube.dump_full) << "any value, even 0";
  unsetenv("S32_TUBE_DUMP");
  unsetenv("S32_TUBE_KEYS");
  unsetenv("S32_TUBE_DUMP_FULL");
}

TEST(Options, ServicePolicyLists) {
  const Parsed p = parse({"--allow", "fs,time", "--allow", "env", "--deny", "time", "--enable", "net", "prog.s32x"});
  ASSERT_FALSE(p.result.exit);
  EXPECT_EQ(p.config.host.policy.allow, (std::vector<std::string>{"fs", "time", "env"}));
  EXPECT_EQ(p.config.host.policy.deny, (std::vector<std::string>{"time"}));
  EXPECT_EQ(p.config.host.policy.enable, (std::vector<std::string>{"net"}));
  for (const char* bad : {"--allow=disk", "--deny=fs,nope", "--enable=fs"}) {
    const Parsed q = parse({bad, "prog.s32x"});
    EXPECT_TRUE(q.result.exit) << bad;
    EXPECT_EQ(q.result.status, 2) << bad;
  }
}

// --dir HOST[::GUEST][:ro], repeatable, from the command line or a config
// file; a HOST that is not a directory, a relative or climbing GUEST, and a
// guest path granted twice are usage errors.
TEST(Options, GrantedDirectories) {
  const std::string a = testing::TempDir() + "s32sim-dir-a", b = testing::TempDir() + "s32sim-dir-b";
  const std::string file = testing::TempDir() + "s32sim-dir-file";
  ::mkdir(a.c_str(), 0755);
  ::mkdir(b.c_str(), 0755);
  std::ofstream(file) << "x";
  const Parsed p = parse({"--dir", a, "--dir", b + "::/data/./b/:ro", "prog.s32x"});
  ASSERT_FALSE(p.result.exit) << p.out;
  ASSERT_EQ(p.config.host.dirs.size(), 2u);
  EXPECT_EQ(p.config.host.dirs[0].host, a);
  EXPECT_EQ(p.config.host.dirs[0].guest, "");
  EXPECT_FALSE(p.config.host.dirs[0].read_only);
  EXPECT_EQ(p.config.host.dirs[1].spec(), b + "::/data/b:ro");

  const std::string ini = testing::TempDir() + "s32sim-dirs.ini";
  std::ofstream(ini) << "[host]\ndir = " << a << "::/a:ro\n";
  const Parsed q = parse({"--config", ini, "prog.s32x"});
  std::remove(ini.c_str());
  ASSERT_EQ(q.config.host.dirs.size(), 1u);
  EXPECT_EQ(q.config.host.dirs[0].spec(), a + "::/a:ro");

  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--dir", a + "-missing"}, {"--dir", file}, {"--dir", "::/x"}, {"--dir", ":ro"},
        {"--dir", a + "::data"}, {"--dir", a + "::/x/../y"}, {"--dir", a + "::"}, {"--dir", a, "--dir", a},
        {"--dir", a + "::/g", "--dir", b + "::/g/"}}) {
    std::vector<std::string> args = bad;
    args.push_back("prog.s32x");
    const Parsed r = parse(args);
    EXPECT_TRUE(r.result.exit) << testing::PrintToString(bad);
    EXPECT_EQ(r.result.status, 2) << testing::PrintToString(bad);
  }
  std::remove(file.c_str());
  ::rmdir(a.c_str());
  ::rmdir(b.c_str());
}

TEST(Options, HelpAndVersionExitZero) {
  const Parsed help = parse({"--help"});
  EXPECT_TRUE(help.result.exit);
  EXPECT_EQ(help.result.status, 0);
  EXPECT_NE(help.out.find("--trigger"), std::string::npos);
  const Parsed version = parse({"--version"});
  EXPECT_EQ(version.result.status, 0);
  EXPECT_NE(version.out.find("s32sim"), std::string::npos);
}

}  // namespace

TEST(Options, ProgressIsForcedOnOrOffAndOffWhenQuiet) {
  EXPECT_TRUE(parse({"--progress", "prog.s32x"}).config.progress);
  EXPECT_FALSE(parse({"--no-progress", "prog.s32x"}).config.progress);
  EXPECT_FALSE(parse({"-q", "prog.s32x"}).config.progress);
  EXPECT_EQ(parse({"--progress", "prog.s32x", "x"}).config.guest_args, (std::vector<std::string>{"x"}));
}

namespace {

TEST(Options, TracingOptionsFillTheConfig) {
  const Parsed p = parse({"--trace-from", "100", "--trace-to", "512", "--trace-signals", "cpu.pc,ring.*",
                          "--trace-signals", "clk", "--trace-start-at", "request=3", "--trace-insn", "-",
                          "--trace-events", "t.json.gz", "prog.s32x"});
  ASSERT_FALSE(p.result.exit);
  EXPECT_EQ(p.config.trace.from, 100u);
  EXPECT_EQ(p.config.trace.to, 512u);
  EXPECT_EQ(p.config.trace.signals, (std::vector<std::string>{"cpu.pc", "ring.*", "clk"}));
  EXPECT_EQ(p.config.trace.start_at, "request=3");
  EXPECT_EQ(p.config.trace_insn, "-");
  EXPECT_EQ(p.config.trace_events, "t.json.gz");
  EXPECT_TRUE(p.config.trace.windowed());
  EXPECT_FALSE(parse({"prog.s32x"}).config.trace.windowed());
}

}  // namespace
TEST(Options, SavedConfigParsesBackToTheSameConfiguration) {
  const Parsed first = parse({"--profile", "reference", "--mode", "cycle", "--irq", "on", "--irq-coalesce", "3,70",
                              "--cost", "mul=9", "--latency", "file=5+1", "--env", "X=y z", "--epoch", "12.5",
                              "--strict", "--dir", testing::TempDir() + "::/tmp-granted:ro", "--dir",
                              testing::TempDir(), "prog.s32x", "a", ""});
  ASSERT_FALSE(first.result.exit);
  std::ostringstream saved;
  s32::sim::write_config(saved, first.config);
  const std::string path = testing::TempDir() + "s32sim-saved.ini";
  std::ofstream(path) << saved.str();
  const Parsed second = parse({"--config", path});
  std::remove(path.c_str());
  ASSERT_FALSE(second.result.exit);
  std::ostringstream again;
  s32::sim::write_config(again, second.config);
  EXPECT_EQ(again.str(), saved.str());
  EXPECT_EQ(second.config.guest_args, (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(second.config.cpu.costs[0x0A], 9u);
  ASSERT_EQ(second.config.host.dirs.size(), 2u);
  EXPECT_EQ(second.config.host.dirs[0].spec(), testing::TempDir() + "::/tmp-granted:ro");
}

TEST(Options, SectionKeysAndFlatKeysAreTheSameOptions) {
  const std::string path = testing::TempDir() + "s32sim-sections.ini";
  std::ofstream(path) << "clock-mhz = 50\n[cpu]\nquantum = 100\n[ring]\ntrigger = yield\nstrict = true\n"
                         "[memory]\nram-latency = 7\n";
  const Parsed p = parse({"--config", path, "prog.s32x"});
  std::remove(path.c_str());
  ASSERT_FALSE(p.result.exit);
  EXPECT_EQ(p.config.cpu.quantum, 100u);
  EXPECT_EQ(p.config.clock_mhz, 50.0);
  EXPECT_FALSE(p.config.ring.trigger.doorbell);
  EXPECT_TRUE(p.config.ring.strict);
  EXPECT_EQ(p.config.ram_latency, 7u);
}

// What EXEC passes its child (platform::exec_child_options) parses back to
// the parent's configuration, less the outputs, traces and argv[0], with
// relative paths made absolute; root and epoch are EXEC's to give.
TEST(Options, AnExecChildRunsWithTheParentsSettingsButNotItsOutputs) {
  const Parsed parent = parse({"--mode", "cycle", "--clock-mhz", "50", "--latency", "process=9+2", "--enable", "exec",
                               "--deny", "net", "--env", "A=1", "--tube-dump", "frames", "--strict", "--host-io",
                               "async", "--stats-json", "s.json", "--trace-insn", "t.txt", "--argv0", "shown",
                               "--dir", ".::/grant:ro", "--root", "/tmp", "--epoch", "12", "prog.s32x", "a"});
  ASSERT_FALSE(parent.result.exit);
  std::vector<std::string> args = s32::platform::exec_child_options(parent.config);
  args.insert(args.end(), {"--root", "/tmp", "--epoch", "12", "prog.s32x", "a"});
  const Parsed child = parse(args);
  ASSERT_FALSE(child.result.exit);

  Config expected = parent.config;
  expected.stats_json.clear();
  expected.trace_insn.clear();
  expected.argv0.clear();
  expected.host.tube.dump_dir = std::filesystem::absolute("frames").string();
  ASSERT_EQ(expected.host.dirs.size(), 1u);
  expected.host.dirs[0].host = std::filesystem::absolute(".").string();
  std::ostringstream want, got;
  s32::sim::write_config(want, expected);
  s32::sim::write_config(got, child.config);
  EXPECT_EQ(got.str(), want.str());
}

TEST(Options, Argv0NamesTheGuestAndIsSaved) {
  const Parsed p = parse({"--argv0", "shown", "prog.s32x"});
  ASSERT_FALSE(p.result.exit);
  EXPECT_EQ(p.config.argv0, "shown");
  std::ostringstream ini;
  s32::sim::write_config(ini, p.config);
  EXPECT_NE(ini.str().find("\nargv0 = shown\n"), std::string::npos) << ini.str();
}
