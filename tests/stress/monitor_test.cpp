// The /proc sampler on its own process, and its cost.
#include "stress/monitor.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

#include "support/wait_until.hpp"

namespace {

TEST(ResourceMonitor, ReadsItsOwnProcess) {
  const auto before = stress::read_proc(::getpid());
  ASSERT_TRUE(before);
  EXPECT_GT(before->rss_kb, 0);
  EXPECT_GE(before->threads, 1);
  EXPECT_GE(before->fds, 3);  // stdin, stdout, stderr
  const int fd = ::open("/proc/self/stat", O_RDONLY);
  const auto after = stress::read_proc(::getpid());
  ::close(fd);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->fds, before->fds + 1);
}

TEST(ResourceMonitor, AGoneProcessReadsAsNothing) {
  EXPECT_FALSE(stress::read_proc(0x7ffffff0));
}

// Seconds of CPU the calling thread has used.
double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double process_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Conditions, not a time window: the busy thread runs until it has used 0.3 s of CPU and two
// samples were taken while it ran, however long a loaded machine makes that take; the CPU
// the samples add up to must then account for that work, and no more than the process used.
TEST(ResourceMonitor, SamplesAtItsRateAndSeesCpuAndThreads) {
  constexpr double kRate = 50.0;
  const double cpu_before = process_cpu_s();
  stress::ResourceMonitor monitor({::getpid()}, kRate);
  const auto started = std::chrono::steady_clock::now();
  monitor.start();
  ASSERT_TRUE(legion::testing::wait_until([&] { return !monitor.samples().empty(); }));
  std::thread busy([&] {
    const double begin = thread_cpu_s();
    const std::size_t samples_at_start = monitor.samples().size();
    volatile std::uint64_t x = 0;
    for (;;) {
      for (int i = 0; i < 100000; ++i) x = x + 1;
      if (thread_cpu_s() - begin >= 0.3 && monitor.samples().size() >= samples_at_start + 2) break;
    }
  });
  busy.join();
  const std::size_t after_busy = monitor.samples().size();
  ASSERT_TRUE(legion::testing::wait_until(
      [&] { return monitor.samples().size() >= std::max<std::size_t>(10, after_busy + 1); }));
  monitor.stop();
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double cpu_used_s = process_cpu_s() - cpu_before;

  const auto samples = monitor.samples();
  EXPECT_LE(static_cast<double>(samples.size()), elapsed_s * kRate + 2) << "faster than its rate";
  double cpu_s = 0;  // the CPU the samples account for, between the first and the last
  std::int64_t peak_threads = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) cpu_s += samples[i].cpu_percent / 100.0 * (samples[i].t_s - samples[i - 1].t_s);
    peak_threads = std::max(peak_threads, samples[i].threads);
  }
  // /proc counts in clock ticks (10 ms): a few ticks of slack either way.
  EXPECT_GE(cpu_s, 0.3 - 0.05) << "the busy thread's work is missing";
  EXPECT_LE(cpu_s, cpu_used_s + 0.05) << "more CPU than the process used";
  EXPECT_GE(peak_threads, 3);                  // main, sampler, busy
  EXPECT_LT(monitor.own_cpu_percent(), 20.0);  // generous: sanitizer builds are slow
  const auto json = monitor.to_json();
  EXPECT_EQ(json["rss_kb"].size(), samples.size());
  EXPECT_TRUE(json.contains("monitor_cpu_percent"));
}

TEST(ResourceMonitor, BoundedMemoryKeepsAnEvenSeriesOverTheWholeRun) {
  stress::ResourceMonitor monitor({::getpid()}, 200.0, 8);
  monitor.start();
  // 0.3 s of sampling at 200 Hz is ~60 samples for 8 places; wait for it, not for 0.3 s.
  ASSERT_TRUE(legion::testing::wait_until([&] {
    const auto samples = monitor.samples();
    return samples.size() >= 4 && samples.back().t_s > 0.3;
  }));
  monitor.stop();
  const auto samples = monitor.samples();
  EXPECT_LE(samples.size(), 8u);
  EXPECT_GE(samples.size(), 4u);
  for (std::size_t i = 1; i < samples.size(); ++i) EXPECT_GT(samples[i].t_s, samples[i - 1].t_s);
  EXPECT_GT(samples.back().t_s, 0.1);  // not only the first readings
}

}  // namespace
