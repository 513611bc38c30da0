// ConsistencyChecker: staleness against the committed history, concurrency
// with in-flight writes, session guarantees, lost writes and reads a cache
// serves itself. Driven by hand-made signals from stub components.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "archsim/core/simulation.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/consistency_checker.hpp"
#include "archsim/models/network.hpp"

using namespace archsim;

namespace {

class Stub final : public Component {
 public:
  Stub(World& w, std::string name, std::string kind) : Component(w, std::move(name), std::move(kind), {0}) {}
  void handle(const Event&) override {}
};

struct Fixture {
  NetworkSpec spec = [] {
    NetworkSpec s;
    s.zones.push_back({"z", "r"});
    s.hosts.push_back({"h", "z"});
    return s;
  }();
  Network net{spec};
  Simulation sim{1};
  World world{sim, net, {}, {}, {}, {"read", "write"}, UINT64_MAX, 0};
  Stub db{world, "db", "store"}, cache{world, "cache", "cache"};
  std::unique_ptr<ConsistencyChecker> checker;

  explicit Fixture(SimTime warmup = 0) {
    db.attach(0, 0);
    cache.attach(1, 1);
    world.components = {&db, &cache};
    checker = std::make_unique<ConsistencyChecker>(world, warmup);
    checker->watch_cache(1, 0);
  }
  void commit(std::uint64_t key, std::uint64_t version, SimTime at, std::uint32_t client = 9) {
    Request w;
    w.op = 1;
    w.key = key;
    w.version = version;
    w.client = client;
    checker->on_committed(db, w, at);
  }
  // A read of `key` that arrived at `arrived` and returned `version`.
  void read(const Component& at, std::uint64_t key, std::uint64_t version, SimTime arrived, std::uint32_t client = 9,
            bool from_cache = false) {
    Request r;
    r.op = 0;
    r.key = key;
    r.version = version;
    r.arrived = arrived;
    r.client = client;
    r.from_cache = from_cache;
    checker->on_finished(at, 0, r, arrived + 1);
  }
};

}  // namespace

TEST_CASE("ConsistencyChecker: a read older than the newest earlier commit is stale, by time and versions",
          "[data][quick]") {
  Fixture f;
  f.commit(7, 1, 100);
  f.commit(7, 2, 200);
  f.commit(7, 3, 300);
  f.read(f.db, 7, 3, 350);  // fresh
  f.read(f.db, 7, 1, 350);  // 2 versions behind; superseded since 200
  f.read(f.db, 8, 0, 350);  // never written: fresh
  const auto res = f.checker->collect();
  REQUIRE(res.size() == 2);
  const ConsistencyResult& db = res[0];
  CHECK(db.name == "db");
  CHECK(db.reads == 3);
  CHECK(db.stale_reads == 1);
  CHECK(db.staleness_versions.max() == 2);
  CHECK(db.staleness_time.max() == 150);
  CHECK(db.committed_writes == 3);
  CHECK(db.read_age.count() == 2);  // key 8 has no committed version: no age
  CHECK(db.read_age.max() == 50);
}

TEST_CASE("ConsistencyChecker: writes committing while a read is under way are concurrent with it", "[data][quick]") {
  Fixture f;
  f.commit(7, 1, 100);
  f.commit(7, 2, 400);  // after the read arrived at 350, before it finished
  f.read(f.db, 7, 1, 350);
  f.commit(7, 3, 350);  // the same instant as the read's arrival: concurrent too
  f.read(f.db, 7, 1, 350);
  CHECK(f.checker->collect()[0].stale_reads == 0);
}

TEST_CASE("ConsistencyChecker: versions may commit out of order", "[data][quick]") {
  Fixture f;
  f.commit(7, 2, 100);
  f.commit(7, 1, 150);
  f.read(f.db, 7, 1, 200);
  const auto r = f.checker->collect()[0];
  CHECK(r.stale_reads == 1);
  CHECK(r.staleness_time.max() == 100);
}

TEST_CASE("ConsistencyChecker: read-your-writes and monotonic reads per session", "[data][quick]") {
  Fixture f;
  f.commit(7, 1, 100, /*client=*/1);
  f.commit(7, 2, 200, /*client=*/2);
  f.read(f.db, 7, 1, 300, 2);  // client 2 misses its own write: ryw + stale
  f.read(f.db, 7, 1, 300, 1);  // client 1 wrote 1: no ryw violation (still stale)
  f.read(f.db, 7, 2, 400, 1);
  f.read(f.db, 7, 1, 500, 1);  // went back in time: monotonic violation
  const auto r = f.checker->collect()[0];
  CHECK(r.ryw_violations == 1);
  CHECK(r.monotonic_violations == 1);
  CHECK(r.stale_reads == 3);
}

TEST_CASE("ConsistencyChecker: a lost write leaves the committed history and is counted", "[data][quick]") {
  Fixture f;
  f.commit(7, 1, 100);
  f.commit(7, 2, 200);
  f.checker->on_write_lost(f.db, 7, 2, 250);
  f.read(f.db, 7, 1, 300);
  const auto r = f.checker->collect()[0];
  CHECK(r.lost_writes == 1);
  CHECK(r.stale_reads == 0);
}

TEST_CASE("ConsistencyChecker: reads a cache serves itself are judged and attributed to it", "[data][quick]") {
  Fixture f;
  f.commit(7, 1, 100);
  f.commit(7, 2, 200);
  f.read(f.cache, 7, 1, 300, 9, /*from_cache=*/true);  // stale hit
  f.read(f.cache, 7, 2, 300, 9, true);
  f.read(f.cache, 7, 1, 300, 9, /*from_cache=*/false);  // a miss: judged at the store, not here
  const auto res = f.checker->collect();
  CHECK(res[1].name == "cache");
  CHECK(res[1].store == "db");
  CHECK(res[1].reads == 2);
  CHECK(res[1].stale_reads == 1);
  CHECK(res[0].reads == 0);
  CHECK(res[0].cache_reads == 2);
  CHECK(res[0].cache_stale_reads == 1);
}

TEST_CASE("ConsistencyChecker: reads before the warm-up ends are not judged, and a cache must front a store",
          "[data][quick]") {
  Fixture f(1000);
  f.commit(7, 1, 100);
  f.commit(7, 2, 200);
  f.read(f.db, 7, 1, 300);
  f.read(f.db, 7, 1, 1500);
  const auto r = f.checker->collect()[0];
  CHECK(r.reads == 1);
  CHECK(r.committed_writes == 0);
  Fixture g;
  CHECK_THROWS_WITH(g.checker->watch_cache(0, 1), Catch::Contains("'cache' is not a store"));
}

TEST_CASE("ConsistencyChecker: commits older than its 60 s horizon are forgotten but the newest of them",
          "[data][quick]") {
  constexpr SimTime kSecond = 1'000'000'000;
  Fixture f;
  // One commit a second for 200 s: the first 140 are past the horizon at the end.
  for (std::uint64_t v = 1; v <= 200; ++v) f.commit(7, v, static_cast<SimTime>(v) * kSecond);
  const SimTime now = 200 * kSecond + 1;
  f.read(f.db, 7, 200, now);  // fresh
  f.read(f.db, 7, 190, now);  // within the horizon: exact, 10 versions and 9 s behind
  f.read(f.db, 7, 1, now);    // long forgotten: still stale, its staleness a lower bound
  const ConsistencyResult db = f.checker->collect()[0];
  CHECK(db.reads == 3);
  CHECK(db.stale_reads == 2);
  CHECK(db.staleness_versions.min() == 10);
  CHECK(db.staleness_time.min() == now - 191 * kSecond);
  // The stale read of version 1 counts at least the 60 s of history kept, not all 199 versions.
  CHECK(db.staleness_versions.max() >= 60);
  CHECK(db.staleness_versions.max() < 199);
  CHECK(db.staleness_time.max() >= 60 * kSecond);
}

TEST_CASE("ConsistencyChecker: a session that reads a never-written key keeps no state", "[data][quick]") {
  Fixture f;
  for (std::uint64_t key = 0; key < 1000; ++key) f.read(f.db, key, 0, 10);  // none is stale or a violation
  f.commit(5, 1, 20, /*client=*/3);
  f.read(f.db, 5, 0, 30, /*client=*/3);  // but a session that wrote the key does get checked
  const ConsistencyResult db = f.checker->collect()[0];
  CHECK(db.stale_reads == 1);
  CHECK(db.ryw_violations == 1);
}

TEST_CASE("ConsistencyChecker: a key written fast keeps its newest 1,024 versions", "[data][quick]") {
  Fixture f;
  for (std::uint64_t v = 1; v <= 5000; ++v) f.commit(7, v, static_cast<SimTime>(v));  // all within the horizon
  f.read(f.db, 7, 4000, 6000);  // 1,000 behind: exact
  f.read(f.db, 7, 1, 6000);     // 4,999 behind: stale, counted back to the oldest remembered
  const ConsistencyResult db = f.checker->collect()[0];
  CHECK(db.stale_reads == 2);
  CHECK(db.staleness_versions.min() == Approx(1000).epsilon(0.01));
  CHECK(db.staleness_versions.max() >= 1024);
  CHECK(db.staleness_versions.max() < 4999 * 0.99);
}
