// The /proc sampler on its own process, and its cost.
#include "stress/monitor.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>
#include <vector>

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

TEST(ResourceMonitor, SamplesAtItsRateAndSeesCpuAndThreads) {
  stress::ResourceMonitor monitor({::getpid()}, 50.0);
  monitor.start();
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    volatile std::uint64_t x = 0;
    while (!stop.load()) x = x + 1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  stop = true;
  busy.join();
  monitor.stop();
  const auto samples = monitor.samples();
  EXPECT_GE(samples.size(), 10u);
  EXPECT_LE(samples.size(), 25u);
  double peak_cpu = 0;
  std::int64_t peak_threads = 0;
  for (const auto& s : samples) {
    peak_cpu = std::max(peak_cpu, s.cpu_percent);
    peak_threads = std::max(peak_threads, s.threads);
  }
  EXPECT_GT(peak_cpu, 30.0);                   // the busy thread
  EXPECT_GE(peak_threads, 3);                  // main, sampler, busy
  EXPECT_LT(monitor.own_cpu_percent(), 20.0);  // generous: sanitizer builds are slow
  const auto json = monitor.to_json();
  EXPECT_EQ(json["rss_kb"].size(), samples.size());
  EXPECT_TRUE(json.contains("monitor_cpu_percent"));
}

TEST(ResourceMonitor, BoundedMemoryKeepsAnEvenSeriesOverTheWholeRun) {
  stress::ResourceMonitor monitor({::getpid()}, 200.0, 8);
  monitor.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  monitor.stop();
  const auto samples = monitor.samples();
  EXPECT_LE(samples.size(), 8u);
  EXPECT_GE(samples.size(), 4u);
  for (std::size_t i = 1; i < samples.size(); ++i) EXPECT_GT(samples[i].t_s, samples[i - 1].t_s);
  EXPECT_GT(samples.back().t_s, 0.1);  // not only the first readings
}

}  // namespace
