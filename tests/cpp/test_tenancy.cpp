// Multi-tenancy building blocks: a service's per-tenant quotas (a token bucket
// and a cap on requests in flight per tenant), tenant-aware shard placement
// (each tenant on its own block of shards) and tenant key spaces.
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <vector>

#include "archsim/models/client.hpp"
#include "archsim/models/shard_map.hpp"
#include "archsim/models/tenant_quota.hpp"
#include "archsim/models/wait_queue.hpp"

using namespace archsim;

TEST_CASE("models::TenantQuotas: limits only the tenants in the table", "[models][quick]") {
  TenantQuotas q({TenantQuota{}, TenantQuota{0, 1, 2}, TenantQuota{10, 2, 0}});
  SECTION("a tenant beyond the table, or with an empty row, is always admitted") {
    for (int i = 0; i < 100; ++i) REQUIRE(q.admit(5, 0));
    for (int i = 0; i < 100; ++i) REQUIRE(q.admit(0, 0));
  }
  SECTION("max_in_flight counts the requests that entered and have not left") {
    REQUIRE(q.admit(1, 0));
    q.entered(1);
    REQUIRE(q.admit(1, 0));
    q.entered(1);
    REQUIRE_FALSE(q.admit(1, 0));
    q.left(1);
    REQUIRE(q.admit(1, 0));
  }
  SECTION("a rate admits the burst at once, then one per 1/rate") {
    REQUIRE(q.admit(2, 0));
    REQUIRE(q.admit(2, 0));
    REQUIRE_FALSE(q.admit(2, 0));
    REQUIRE_FALSE(q.admit(2, 99 * kMillisecond));
    REQUIRE(q.admit(2, 100 * kMillisecond));
  }
}

TEST_CASE("models::ShardMap: tenant_shard_of keeps each tenant on its own block", "[models][quick]") {
  ShardMap map(Routing::kConsistent, 10, 0);
  map.set_shards({0, 1, 2, 3, 4, 5, 6, 7});
  for (std::uint32_t tenant = 0; tenant < 4; ++tenant) {
    std::set<std::uint32_t> used;
    for (std::uint64_t key = 0; key < 1000; ++key) used.insert(map.tenant_shard_of(tenant, tenant_key(tenant, key), 2));
    REQUIRE(used == std::set<std::uint32_t>{2 * tenant, 2 * tenant + 1});
  }
  std::set<std::uint32_t> wrapped;  // tenant 5 with blocks of 3 of 8: positions 7, 0, 1
  for (std::uint64_t key = 0; key < 1000; ++key) wrapped.insert(map.tenant_shard_of(5, key, 3));
  REQUIRE(wrapped == std::set<std::uint32_t>{7, 0, 1});
}

TEST_CASE("models::tenant_key: tenants' keys never collide", "[models][quick]") {
  REQUIRE(tenant_key(0, 7) == 7);
  REQUIRE(tenant_key(1, 7) != tenant_key(2, 7));
  REQUIRE(tenant_key(1, (std::uint64_t{1} << kTenantKeyBits) - 1) < tenant_key(2, 0));
}

TEST_CASE("models::WaitQueue: FIFO, newest first, or round robin over tenants", "[models][quick]") {
  SECTION("FIFO serves in arrival order, or the newest first when asked") {
    WaitQueue q;
    for (std::uint32_t s = 0; s < 4; ++s) q.push(s, s % 2);
    REQUIRE(q.pop(false) == 0);
    REQUIRE(q.pop(true) == 3);
    REQUIRE(q.size() == 2);
    REQUIRE(q.drain() == std::vector<std::uint32_t>{1, 2});
    REQUIRE(q.empty());
  }
  SECTION("fair takes one request of each waiting tenant in turn, oldest first within a tenant") {
    WaitQueue q(true);
    for (std::uint32_t s = 0; s < 6; ++s) q.push(s, 7);  // a backlogged tenant
    q.push(100, 3);
    q.push(101, 3);
    std::vector<std::uint32_t> order;
    for (int i = 0; i < 4; ++i) order.push_back(q.pop(false));
    REQUIRE(order == std::vector<std::uint32_t>{0, 100, 1, 101});
    q.push(102, 3);  // a tenant that comes back joins the end of the round
    REQUIRE(q.pop(false) == 2);
    REQUIRE(q.pop(false) == 102);
    REQUIRE(q.drain() == std::vector<std::uint32_t>{3, 4, 5});
    REQUIRE(q.empty());
  }
}
