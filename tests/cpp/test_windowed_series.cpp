// WindowedSeries: records land in the window [k * width, (k + 1) * width)
// of their time, only windows with a record are kept, and the last window of
// time (which ends at kTimeMax, not past it) takes records up to kTimeMax.
#include <catch2/catch.hpp>

#include "archsim/core/windowed_series.hpp"

using namespace archsim;

TEST_CASE("core::WindowedSeries: records go to the window of their time", "[core][quick]") {
  WindowedSeries s(10);
  s.record_success(0, 5);
  s.record_success(9, 7);
  s.record_error(10);
  s.record_success(35, 1);  // window 2 has no record: not stored
  s.record_error(39);
  const auto& w = s.windows();
  REQUIRE(w.size() == 3);
  CHECK(w[0].index == 0);
  CHECK(w[0].completed() == 2);
  CHECK(w[0].latency.count() == 2);
  CHECK(w[0].latency.max() == 7);
  CHECK(w[1].index == 1);
  CHECK(w[1].completed() == 0);
  CHECK(w[1].errors == 1);
  CHECK(w[2].index == 3);
  CHECK(w[2].completed() == 1);
  CHECK(w[2].errors == 1);
}

TEST_CASE("core::WindowedSeries: the last window of time takes records up to kTimeMax", "[core][quick]") {
  const SimTime width = kSecond;
  WindowedSeries s(width);
  const SimTime last_start = kTimeMax / width * width;
  s.record_success(last_start - 1, 1);
  s.record_success(last_start, 2);
  s.record_success(kTimeMax - 1, 3);
  s.record_error(kTimeMax);
  const auto& w = s.windows();
  REQUIRE(w.size() == 2);
  CHECK(w[0].index == static_cast<std::uint64_t>(kTimeMax / width) - 1);
  CHECK(w[1].index == static_cast<std::uint64_t>(kTimeMax / width));
  CHECK(w[1].completed() == 2);
  CHECK(w[1].errors == 1);
}
