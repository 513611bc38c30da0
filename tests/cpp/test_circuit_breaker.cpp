#include <catch2/catch.hpp>

#include "archsim/models/circuit_breaker.hpp"

using namespace archsim;
using State = CircuitBreaker::State;

TEST_CASE("models::CircuitBreaker: opens after the consecutive-failure threshold and half-opens after open_for",
          "[models][quick]") {
  BreakerConfig cfg;
  cfg.enabled = true;
  cfg.consecutive_failures = 3;
  cfg.open_for = kSecond;
  cfg.probes = 2;
  CircuitBreaker b(cfg);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(b.allow(0));
    b.record(false, 0);
  }
  CHECK(b.state() == State::kClosed);
  REQUIRE(b.allow(0));
  b.record(true, 0);  // a success resets the run of failures
  for (int i = 0; i < 3; ++i) {
    REQUIRE(b.allow(10));
    b.record(false, 10);
  }
  CHECK(b.state() == State::kOpen);
  CHECK_FALSE(b.allow(10 + kSecond - 1));
  SECTION("probes that all succeed close it") {
    CHECK(b.allow(10 + kSecond));
    CHECK(b.state() == State::kHalfOpen);
    CHECK(b.allow(10 + kSecond));
    CHECK_FALSE(b.allow(10 + kSecond));  // only `probes` trial calls
    b.record(true, 20 + kSecond);
    CHECK(b.state() == State::kHalfOpen);
    b.record(true, 20 + kSecond);
    CHECK(b.state() == State::kClosed);
    CHECK(b.allow(30 + kSecond));
  }
  SECTION("a failing probe opens it again for open_for") {
    CHECK(b.allow(10 + kSecond));
    b.record(false, 50 + kSecond);
    CHECK(b.state() == State::kOpen);
    CHECK_FALSE(b.allow(49 + 2 * kSecond));
    CHECK(b.allow(50 + 2 * kSecond));
    CHECK(b.times_opened() == 2);
  }
}

TEST_CASE("models::CircuitBreaker: opens on the failure rate only over a full window", "[models][quick]") {
  BreakerConfig cfg;
  cfg.enabled = true;
  cfg.failure_rate = 0.5;
  cfg.window = 10;
  CircuitBreaker b(cfg);
  for (int i = 0; i < 9; ++i) {  // 9 failures, but the window is not full yet
    REQUIRE(b.allow(0));
    b.record(false, 0);
  }
  CHECK(b.state() == State::kClosed);
  b.record(true, 0);  // 9 of 10 failed: rate 0.9 >= 0.5
  CHECK(b.state() == State::kOpen);

  CircuitBreaker c(cfg);
  for (int i = 0; i < 40; ++i) c.record(i % 3 == 0, 0);  // two failures in three: opens once the window fills
  CHECK(c.state() == State::kOpen);
  CircuitBreaker d(cfg);
  for (int i = 0; i < 40; ++i) d.record(i % 3 != 0, 0);  // one failure in three: stays closed
  CHECK(d.state() == State::kClosed);
}

TEST_CASE("models::CircuitBreaker: a disabled breaker lets everything through", "[models][quick]") {
  CircuitBreaker b;
  for (int i = 0; i < 100; ++i) {
    CHECK(b.allow(i));
    b.record(false, i);
  }
  CHECK(b.state() == State::kClosed);
}
