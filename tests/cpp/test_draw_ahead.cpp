// DrawAhead: values taken one draw early are the values drawn on demand from a
// stream with the same seed, in the same order.
#include <catch2/catch.hpp>

#include "archsim/core/distribution.hpp"
#include "archsim/core/draw_ahead.hpp"
#include "archsim/core/rng.hpp"

using namespace archsim;

TEST_CASE("core::DrawAhead: takes the on-demand sequence of draws", "[core][quick]") {
  const Distribution d = Distribution::lognormal(0.004, 0.040);
  Rng ahead_rng(11, "svc[0]/service_time"), on_demand_rng(11, "svc[0]/service_time");
  DrawAhead ahead;
  ahead.first(d, ahead_rng);
  for (int i = 0; i < 100; ++i) {
    INFO("draw " << i);
    CHECK(ahead.take(d, ahead_rng) == d.sample(on_demand_rng));
  }
}
