#include "driver/interference.hpp"

#include <gtest/gtest.h>

namespace legion::driver {
namespace {

TEST(Interference, ParsesProcStatAndPressure) {
  const auto cpu = parse_proc_stat("cpu  154173 8 17005 5175476 518 0 232 303 0 0\ncpu0 1 2 3\n");
  ASSERT_TRUE(cpu);
  EXPECT_DOUBLE_EQ(cpu->user, 154173);
  EXPECT_DOUBLE_EQ(cpu->steal, 303);
  EXPECT_DOUBLE_EQ(cpu->busy(), 154173 + 8 + 17005 + 0 + 232);
  EXPECT_FALSE(parse_proc_stat("intr 1 2 3"));
  EXPECT_DOUBLE_EQ(
      *parse_psi_some_total("some avg10=99.45 avg60=97.48 avg300=89.48 total=846964845\n"
                            "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"),
      846964845.0);
  EXPECT_FALSE(parse_psi_some_total("nothing here"));
}

SystemSample at(double t, double busy_ticks, double steal_ticks, double idle_ticks) {
  SystemSample s;
  s.at_s = t;
  s.cpu.user = busy_ticks;
  s.cpu.steal = steal_ticks;
  s.cpu.idle = idle_ticks;
  s.load1 = t / 10;
  return s;
}

TEST(Interference, OtherProcessesCpuUseFlagsAProcess) {
  // 2 s on 2 CPUs at 100 ticks/s: 400 ticks. The child used 2 s of CPU (200 ticks); the
  // machine was busy for 360: others used 1.6 s in 2 s = 0.8 cores.
  const Interference i = assess(at(0, 0, 0, 0), at(2, 360, 0, 40), {2.0, 30, 5}, 100, {});
  EXPECT_NEAR(i.other_cpu_cores, 0.8, 1e-9);
  EXPECT_TRUE(i.judged);
  ASSERT_TRUE(i.flagged());
  EXPECT_NE(i.reasons[0].find("0.80 cores"), std::string::npos) << i.reasons[0];
}

TEST(Interference, AQuietProcessPasses) {
  const Interference i = assess(at(0, 0, 0, 0), at(2, 205, 0, 195), {2.0, 3, 5}, 100, {});
  EXPECT_NEAR(i.other_cpu_cores, 0.025, 1e-9);
  EXPECT_FALSE(i.flagged());
}

TEST(Interference, StolenTimeFlagsAProcess) {
  const Interference i = assess(at(0, 0, 0, 0), at(2, 200, 40, 160), {2.0, 3, 5}, 100, {});
  EXPECT_NEAR(i.steal, 0.1, 1e-9);
  ASSERT_TRUE(i.flagged());
  EXPECT_NE(i.reasons[0].find("stole"), std::string::npos);
}

TEST(Interference, AProcessTooShortToJudgeIsNotFlagged) {
  const Interference i = assess(at(0, 0, 0, 0), at(0.1, 40, 0, 0), {0.01, 1, 1}, 100, {});
  EXPECT_GT(i.other_cpu_cores, 1.0);
  EXPECT_FALSE(i.judged);
  EXPECT_FALSE(i.flagged());
}

TEST(Interference, SamplesThisMachine) {
  const SystemSample s = sample_system();
  EXPECT_GT(s.cpu.total(), 0);
  EXPECT_GT(s.at_s, 0);
}

}  // namespace
}  // namespace legion::driver
