#include <catch2/catch.hpp>

#include "archsim/models/retry_policy.hpp"

using namespace archsim;

TEST_CASE("models::RetryPolicy: exponential backoff doubles per retry up to the cap", "[models][quick]") {
  RetryPolicy p;
  p.backoff = 10 * kMillisecond;
  p.cap = 50 * kMillisecond;
  Rng rng(1, "backoff");
  CHECK(p.delay(1, 0, rng) == 10 * kMillisecond);
  CHECK(p.delay(2, 0, rng) == 20 * kMillisecond);
  CHECK(p.delay(3, 0, rng) == 40 * kMillisecond);
  CHECK(p.delay(4, 0, rng) == 50 * kMillisecond);
  CHECK(p.delay(99, 0, rng) == 50 * kMillisecond);
}

TEST_CASE("models::RetryPolicy: jitter stays within its documented range", "[models][quick]") {
  RetryPolicy p;
  p.backoff = 8 * kMillisecond;
  p.cap = kSecond;
  Rng rng(2, "backoff");
  const SimTime d = 32 * kMillisecond;  // retry 3 without jitter
  double full_sum = 0, equal_sum = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    p.jitter = Jitter::kFull;
    const SimTime f = p.delay(3, 0, rng);
    REQUIRE(f >= 0);
    REQUIRE(f <= d);
    full_sum += static_cast<double>(f);
    p.jitter = Jitter::kEqual;
    const SimTime e = p.delay(3, 0, rng);
    REQUIRE(e >= d / 2);
    REQUIRE(e <= d);
    equal_sum += static_cast<double>(e);
    p.jitter = Jitter::kDecorrelated;
    const SimTime c = p.delay(3, 30 * kMillisecond, rng);
    REQUIRE(c >= p.backoff);
    REQUIRE(c <= 90 * kMillisecond);
  }
  // Means of U(0, d) and U(d/2, d): d/2 and 3d/4, within 1%.
  CHECK(full_sum / n == Approx(d / 2.0).epsilon(0.01));
  CHECK(equal_sum / n == Approx(0.75 * d).epsilon(0.01));
}

TEST_CASE("models::RetryPolicy: unknown jitter names list the accepted ones", "[models][quick]") {
  CHECK_THROWS_WITH(parse_jitter("fuzzy"), Catch::Contains("none, full, equal, decorrelated"));
  CHECK(parse_jitter("decorrelated") == Jitter::kDecorrelated);
}

TEST_CASE("models::RetryPolicy: only errors marked retryable are retried", "[models][quick]") {
  RetryPolicy p;
  p.retryable = 1u << static_cast<unsigned>(ErrorKind::kTimeout);
  CHECK(p.retries(ErrorKind::kTimeout));
  CHECK_FALSE(p.retries(ErrorKind::kRejected));
  CHECK_FALSE(p.retries(ErrorKind::kNone));
}
