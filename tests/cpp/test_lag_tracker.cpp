// LagTracker: exact integrals of a consumer group's lag and of its oldest message's age.
#include <catch2/catch.hpp>

#include "archsim/models/lag_tracker.hpp"

using namespace archsim;

TEST_CASE("models::LagTracker: integrates a step lag and a linearly growing age, per window", "[models][quick]") {
  // Window 10 ns. Lag 0 until 5, then 2 messages (oldest published at 3) until 15,
  // then 1 (oldest published at 10) until 20.
  LagTracker lag(10);
  lag.set(0, 0, kTimeMax);
  lag.set(5, 2, 3);

  SECTION("over the whole run") {
    lag.set(15, 1, 10);
    ConsumerGroupResult out;
    lag.finish(20, out);
    CHECK(out.mean_lag == Approx(25.0 / 20));           // 2 x 10 + 1 x 5
    CHECK(out.mean_lag_time == Approx(107.5 / 20));     // int_5^15 (t-3) dt + int_15^20 (t-10) dt = 70 + 37.5
    CHECK(out.max_lag == 2);
    CHECK(out.max_lag_time == 12);                      // at 15, just before the oldest changed
    REQUIRE(out.windows.size() == 2);
    CHECK(out.windows[0].index == 0);
    CHECK(out.windows[0].mean_lag == Approx(1.0));       // 2 x 5 / 10
    CHECK(out.windows[0].mean_lag_time == Approx(2.25)); // int_5^10 (t-3) dt / 10
    CHECK(out.windows[1].mean_lag == Approx(1.5));
    CHECK(out.windows[1].mean_lag_time == Approx(8.5));  // (47.5 + 37.5) / 10
  }
  SECTION("from the end of a warm-up at 10") {
    lag.reset(10);
    lag.set(15, 1, 10);
    ConsumerGroupResult out;
    lag.finish(20, out);
    CHECK(out.mean_lag == Approx(1.5));
    CHECK(out.mean_lag_time == Approx(8.5));
    REQUIRE(out.windows.size() == 1);
    CHECK(out.windows[0].index == 1);
    CHECK(out.max_lag == 2);  // held when the warm-up ended
  }
  SECTION("a last, partial window is averaged over its own length") {
    ConsumerGroupResult out;
    lag.finish(13, out);
    REQUIRE(out.windows.size() == 2);
    CHECK(out.windows[1].mean_lag == Approx(2.0));
    CHECK(out.windows[1].mean_lag_time == Approx((100.0 - 49.0) / 2 / 3));  // int_10^13 (t-3) dt / 3
  }
}
