// WindowedSeries: records land in the window [k * width, (k + 1) * width)
// of their time, only windows with a record are kept, the last window of
// time (which ends at kTimeMax, not past it) takes records up to kTimeMax,
// and each window's histogram, folded from what the run's histogram gained
// while it was open and packed, unpacks to one recorded directly.
#include <catch2/catch.hpp>

#include <map>

#include "archsim/core/rng.hpp"
#include "archsim/core/windowed_series.hpp"

using namespace archsim;

TEST_CASE("core::WindowedSeries: records go to the window of their time", "[core][quick]") {
  WindowedSeries s(10);
  Histogram run;
  s.record_success(0, 5, run);
  s.record_success(9, 7, run);
  s.record_error(10, run);
  s.record_success(35, 1, run);  // window 2 has no record: not stored
  s.record_error(39, run);
  s.close(run);
  const auto& w = s.windows();
  REQUIRE(w.size() == 3);
  CHECK(w[0].index == 0);
  CHECK(w[0].completed() == 2);
  CHECK(w[0].latency.unpack().count() == 2);
  CHECK(w[0].latency.unpack().min() == 5);
  CHECK(w[0].latency.unpack().max() == 7);
  CHECK(w[1].index == 1);
  CHECK(w[1].completed() == 0);
  CHECK(w[1].errors == 1);
  CHECK(w[2].index == 3);
  CHECK(w[2].completed() == 1);
  CHECK(w[2].errors == 1);
  CHECK(run.count() == 3);  // every success, once
  CHECK(run.sum() == 13);
}

TEST_CASE("core::WindowedSeries: the open window is stored by close, and nothing before", "[core][quick]") {
  WindowedSeries s(10);
  Histogram run;
  s.close(run);  // nothing recorded: nothing stored
  CHECK(s.windows().empty());
  s.record_success(3, 4, run);
  CHECK(s.windows().empty());
  s.record_success(12, 4, run);
  CHECK(s.windows().size() == 1);
  s.close(run);
  s.close(run);  // a second close stores nothing more
  REQUIRE(s.windows().size() == 2);
  CHECK(s.windows()[1].index == 1);
}

TEST_CASE("core::WindowedSeries: a window opened after close holds only its own records", "[core][quick]") {
  WindowedSeries s(10);
  Histogram run;
  run.record(7'000);  // recorded before the series saw the run: in no window
  s.record_success(3, 40, run);
  s.close(run);
  s.record_success(25, 900, run);  // after close: the snapshot starts from the run as it now stands
  s.record_success(27, 50'000, run);
  s.close(run);
  REQUIRE(s.windows().size() == 2);
  const Histogram first = s.windows()[0].latency.unpack(), second = s.windows()[1].latency.unpack();
  CHECK(first.count() == 1);
  CHECK(first.max() == 40);
  CHECK(second.count() == 2);
  CHECK(second.min() == 900);
  CHECK(second.max() == 50'000);
  CHECK(second.sum() == 50'900);
  CHECK(run.count() == 4);
}

TEST_CASE("core::WindowedSeries: the last window of time takes records up to kTimeMax", "[core][quick]") {
  const SimTime width = kSecond;
  WindowedSeries s(width);
  Histogram run;
  const SimTime last_start = kTimeMax / width * width;
  s.record_success(last_start - 1, 1, run);
  s.record_success(last_start, 2, run);
  s.record_success(kTimeMax - 1, 3, run);
  s.record_error(kTimeMax, run);
  s.close(run);
  const auto& w = s.windows();
  REQUIRE(w.size() == 2);
  CHECK(w[0].index == static_cast<std::uint64_t>(kTimeMax / width) - 1);
  CHECK(w[1].index == static_cast<std::uint64_t>(kTimeMax / width));
  CHECK(w[1].completed() == 2);
  CHECK(w[1].errors == 1);
}

TEST_CASE("core::WindowedSeries: each window's histogram equals one recorded directly", "[core][quick]") {
  // Heavy-tailed latencies (Pareto by inversion) at random gaps: stretches of
  // dense windows (hundreds of records) and of sparse ones (a few), some
  // windows empty, some with errors only, for run histograms of several
  // precisions.
  for (const int run_bits : {5, 7, 10}) {
    INFO("run histogram at " << run_bits << " sub-bucket bits");
    Rng rng(11, "series");
    WindowedSeries s(1000);
    Histogram run(run_bits);
    std::map<std::uint64_t, Histogram> expected;
    std::map<std::uint64_t, std::uint64_t> errors;
    SimTime at = 0;
    for (int k = 0; k < 30'000; ++k) {
      const bool dense = k / 2'500 % 2 == 0;
      at += static_cast<SimTime>(rng.below(rng.bernoulli(0.001) ? 5'000 : dense ? 3 : 300));
      const auto index = static_cast<std::uint64_t>(at / 1000);
      if (rng.bernoulli(0.05)) {
        s.record_error(at, run);
        ++errors[index];
        expected.try_emplace(index, SeriesWindow::kSubBits);
        continue;
      }
      const auto latency = static_cast<std::int64_t>(100.0 / std::pow(rng.uniform_pos(), 1 / 1.3)) - 50;
      s.record_success(at, latency, run);
      expected.try_emplace(index, SeriesWindow::kSubBits).first->second.record(latency);
    }
    s.close(run);
    REQUIRE(s.windows().size() == expected.size());
    auto e = expected.begin();
    for (const SeriesWindow& w : s.windows()) {
      CHECK(w.index == e->first);
      CHECK(w.errors == errors[e->first]);
      const Histogram latency = w.latency.unpack();
      CHECK(latency.counts() == e->second.counts());
      CHECK(latency.count() == e->second.count());
      CHECK(latency.min() == e->second.min());
      CHECK(latency.max() == e->second.max());
      CHECK(latency.sum() == e->second.sum());
      ++e;
    }
    CHECK(run.count() == 30'000 - [&] {
      std::uint64_t n = 0;
      for (const auto& [i, k] : errors) n += k;
      return n;
    }());
  }
}
