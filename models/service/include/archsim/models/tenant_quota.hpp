#pragma once
// Per-tenant quotas of a service: each tenant in the quota table has its own
// token bucket (rate, burst) and a cap on its requests in the service at once
// (queued or holding a worker, over all instances, like a gateway's limits).
// A tenant without an entry is not limited here.
#include <cstdint>
#include <vector>

#include "archsim/core/sim_time.hpp"
#include "archsim/models/token_bucket.hpp"

namespace archsim {

struct TenantQuota {
  double rate = 0;                 // requests per second; 0 = no rate limit
  double burst = 1;                // bucket size, requests
  std::uint32_t max_in_flight = 0; // requests in the service at once; 0 = no cap
};

class TenantQuotas {
 public:
  TenantQuotas() = default;
  explicit TenantQuotas(std::vector<TenantQuota> by_tenant) : quotas_(std::move(by_tenant)) {
    for (const TenantQuota& q : quotas_) buckets_.emplace_back(q.burst);
    in_flight_.resize(quotas_.size(), 0);
  }
  bool empty() const { return quotas_.empty(); }
  // Whether an arrival of `tenant` is within its quota; takes a token if so.
  bool admit(std::uint32_t tenant, SimTime now) {
    if (tenant >= quotas_.size()) return true;
    const TenantQuota& q = quotas_[tenant];
    if (q.max_in_flight > 0 && in_flight_[tenant] >= q.max_in_flight) return false;
    return q.rate <= 0 || buckets_[tenant].take(now, q.rate, q.burst);
  }
  // An admitted request entered the service (queued or started) / left it.
  void entered(std::uint32_t tenant) {
    if (tenant < in_flight_.size()) ++in_flight_[tenant];
  }
  void left(std::uint32_t tenant) {
    if (tenant < in_flight_.size()) --in_flight_[tenant];
  }

 private:
  std::vector<TenantQuota> quotas_;  // by tenant id
  std::vector<TokenBucket> buckets_;
  std::vector<std::uint32_t> in_flight_;
};

}  // namespace archsim
