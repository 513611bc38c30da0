// A cache returns the version its backend gave with the value: a hit carries
// the cached entry's version and is marked from_cache; a miss carries the
// backend's. Driven by hand: a caller component sends reads and writes at set
// times through a Cache to a backend that numbers its writes.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "archsim/models/cache.hpp"
#include "archsim/models/component.hpp"

using namespace archsim;

namespace {

// Numbers each write of a key (1, 2, ...); a read returns the latest number.
class VersionedBackend final : public Component {
 public:
  VersionedBackend(World& w, std::vector<std::uint32_t> hosts) : Component(w, "db", "service", std::move(hosts)) {}
  void handle(const Event& e) override {
    const auto slot = static_cast<std::uint32_t>(e.payload);
    Request& r = world_.requests[slot];
    if (r.op == 1) ++version_;
    r.version = version_;
    world_.reply(*this, slot, /*during_arrival=*/true);
  }

 private:
  std::uint64_t version_ = 0;
};

struct Reply {
  SimTime at;
  std::uint16_t op;
  std::uint64_t version;
  bool from_cache;
};

// Sends request `payload` (op) of key 7 when its event fires; records replies.
class Caller final : public Component {
 public:
  Caller(World& w, std::vector<std::uint32_t> hosts) : Component(w, "web", "client", std::move(hosts)) {}
  enum : std::uint32_t { kSend = kFirstOwnEvent };
  Component* target = nullptr;
  std::vector<Reply> replies;
  void handle(const Event& e) override {
    if (e.kind == kSend) {
      const std::uint32_t slot = world_.requests.acquire();
      Request& r = world_.requests[slot];
      r.id = r.correlation_id = world_.sim.next_id();
      r.key = 7;
      r.op = static_cast<std::uint16_t>(e.payload);
      world_.send(*this, 0, slot, *target, 0);
      return;
    }
    const Request& r = world_.requests[static_cast<std::uint32_t>(e.payload)];
    replies.push_back({world_.sim.now(), r.op, r.version, r.from_cache});
    world_.requests.release(static_cast<std::uint32_t>(e.payload));
  }
};

std::vector<Reply> run(CacheMode mode) {
  Simulation sim(1);
  NetworkSpec spec;
  spec.zones.push_back({"z", "r"});
  Network net(spec);
  World world{sim, net, {}, {}, {}, {}, UINT64_MAX, 0};
  const std::uint32_t host = net.add_host("h", 0);
  VersionedBackend db(world, {host});
  CacheConfig cfg;
  cfg.capacity = 10;
  cfg.ttl = 10 * kSecond;
  cfg.mode = mode;
  Cache cache(world, "cache", {host}, cfg);
  Caller web(world, {host});
  web.target = &cache;
  for (Component* c : std::vector<Component*>{&db, &cache, &web}) {
    c->attach(static_cast<std::uint32_t>(world.components.size()), sim.add_handler(c));
    world.components.push_back(c);
  }
  cache.connect();
  // read (miss), write, read, read after the TTL
  const std::uint16_t ops[] = {0, 1, 0, 0};
  const SimTime times[] = {1 * kSecond, 2 * kSecond, 3 * kSecond, 20 * kSecond};
  for (int i = 0; i < 4; ++i) sim.schedule_at(times[i], web.handler(), Caller::kSend, ops[i]);
  sim.run(RunLimits{});
  return web.replies;
}

}  // namespace

TEST_CASE("models::Cache: replies carry the backend's version, and hits the cached one", "[models][quick]") {
  SECTION("read-through: a write passes through; the cached copy keeps the old version until it expires") {
    const auto r = run(CacheMode::kReadThrough);
    REQUIRE(r.size() == 4);
    CHECK((r[0].version == 0 && !r[0].from_cache));  // miss: the backend had no write yet
    CHECK((r[1].version == 1 && !r[1].from_cache));  // the write, numbered by the backend
    CHECK((r[2].version == 0 && r[2].from_cache));   // a stale hit: version 0 while 1 is committed
    CHECK((r[3].version == 1 && !r[3].from_cache));  // expired: fetched again
  }
  SECTION("write-through: the write's version is cached") {
    const auto r = run(CacheMode::kWriteThrough);
    REQUIRE(r.size() == 4);
    CHECK((r[2].version == 1 && r[2].from_cache));
  }
  SECTION("write-invalidate: the read after the write misses and fetches the new version") {
    const auto r = run(CacheMode::kWriteInvalidate);
    REQUIRE(r.size() == 4);
    CHECK((r[2].version == 1 && !r[2].from_cache));
  }
}
