#include <gtest/gtest.h>

#include "simserver/upstream.hpp"

namespace legion::simserver {
namespace {

TEST(UpstreamUrl, TakesHostPortAndPrefix) {
  const auto url = parse_upstream("http://127.0.0.1:8765/api/v1/");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "8765");
  EXPECT_EQ(url->prefix, "/api");
}

TEST(UpstreamUrl, DefaultsThePortAndTakesBracketedIpv6) {
  const auto name = parse_upstream("http://model-host.local");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->host, "model-host.local");
  EXPECT_EQ(name->port, "80");
  EXPECT_EQ(name->prefix, "");
  const auto v6 = parse_upstream("http://[::1]:9000/v1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "9000");
  EXPECT_EQ(v6->prefix, "");
}

TEST(UpstreamUrl, RefusesAnythingElse) {
  for (const char* bad :
       {"https://127.0.0.1/v1", "http://", "http://:80", "http://host:0", "http://host:65536",
        "http://host:123456", "http://host:", "http://host:8x", "http://ho_st", "http://[]:80",
        "http://[::1", "http://[zz]:80", "http://host/v1\n", "ftp://host", "127.0.0.1:80"}) {
    EXPECT_FALSE(parse_upstream(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace legion::simserver
