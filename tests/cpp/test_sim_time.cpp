#include <catch2/catch.hpp>

#include "archsim/core/sim_time.hpp"

using namespace archsim;

TEST_CASE("core::parse_duration: every documented unit parses", "[core][quick]") {
  CHECK(parse_duration("250us") == 250 * kMicrosecond);
  CHECK(parse_duration("5ms") == 5 * kMillisecond);
  CHECK(parse_duration("2s") == 2 * kSecond);
  CHECK(parse_duration("10m") == 10 * kMinute);
  CHECK(parse_duration("1h") == kHour);
  CHECK(parse_duration("30d") == 30 * kDay);
  CHECK(parse_duration("7ns") == 7);
  CHECK(parse_duration("1.5ms") == 1'500'000);
  CHECK(parse_duration("0s") == 0);
  CHECK(parse_duration("3") == 3 * kSecond);
}

TEST_CASE("core::parse_duration: bad text names the accepted units", "[core][quick]") {
  for (const char* bad : {"5 parsecs", "-3s", "", "ms", "5 ms x", "1e30h", "nan s", "5sec"}) {
    INFO(bad);
    try {
      parse_duration(bad);
      FAIL("accepted " << bad);
    } catch (const std::invalid_argument& e) {
      CHECK_THAT(e.what(), Catch::Contains("ns, us, ms, s, m, h, d"));
    }
  }
}

TEST_CASE("core::seconds_to_time: rounds and rejects out-of-range values", "[core][quick]") {
  CHECK(seconds_to_time(0.005) == 5 * kMillisecond);
  CHECK_THROWS_WITH(seconds_to_time(-1, "warmup"), Catch::Contains("warmup"));
  CHECK_THROWS_WITH(seconds_to_time(1e12, "duration"), Catch::Contains("292 years"));
}

TEST_CASE("core::format_duration: picks a readable unit", "[core][quick]") {
  CHECK(format_duration(1'500'000) == "1.5ms");
  CHECK(format_duration(2 * kSecond) == "2s");
  CHECK(format_duration(250 * kMicrosecond) == "250us");
}

TEST_CASE("core::draw_to_time: rounds, and saturates instead of overflowing", "[core][quick]") {
  CHECK(draw_to_time(0.005) == 5 * kMillisecond);
  CHECK(draw_to_time(1.4e-9) == 1);
  CHECK(draw_to_time(0.4e-9) == 0);
  CHECK(draw_to_time(0.0) == 0);
  CHECK(draw_to_time(1e300) == kTimeMax);  // a Pareto draw far beyond 292 years
  CHECK(time_after(5, 7) == 12);
  CHECK(time_after(kTimeMax - 3, 10) == kTimeMax);
  CHECK(format_duration(3 * kDay) == "3d");
}
