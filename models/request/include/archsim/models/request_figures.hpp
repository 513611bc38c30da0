#pragma once
// The figures kept for requests as they finish: per component and operation,
// and per tenant. Plain data: RequestMetrics fills them, RunResult reports them.
#include <array>
#include <cstdint>
#include <string>

#include "archsim/core/histogram.hpp"
#include "archsim/core/windowed_series.hpp"
#include "archsim/models/request.hpp"

namespace archsim {

// One operation of one component, after warm-up.
struct OpResult {
  std::string op;
  std::uint64_t arrivals = 0;   // arrived after warm-up
  std::array<std::uint64_t, kErrorKinds> errors{};  // by ErrorKind; [0] unused
  Histogram latency;            // successful requests, ns
  double error_latency_sum = 0;  // ns, failed requests
  std::uint64_t calls_sent = 0;  // attempts this component sent to dependencies for these requests
  std::uint64_t retries = 0;     // of which retries
  std::uint64_t corrupted = 0;   // successes whose response carried corrupted data
  std::uint64_t hedges = 0;      // attempts sent as hedges (not counted in retries)
  WindowedSeries series;        // per window; records successes into `latency` too
  std::uint64_t error_count() const {
    std::uint64_t n = 0;
    for (std::size_t k = 1; k < kErrorKinds; ++k) n += errors[k];
    return n;
  }
  // Derived, not counted per request: the histogram counts and sums every success exactly.
  std::uint64_t completed() const { return latency.count(); }  // succeeded
  std::uint64_t finished_all() const { return completed() + error_count(); }
  double latency_sum_all() const { return latency.sum() + error_latency_sum; }  // ns, for Little's law
};

// One tenant's figures after warm-up: its client requests (arrivals, outcomes,
// latency of successes) and the requests of its that services refused
// ("rejected" by a rate limit, a quota, a full queue or shedding).
struct TenantResult {
  std::string name;
  std::uint64_t arrivals = 0, completed = 0;
  std::array<std::uint64_t, kErrorKinds> errors{};  // by ErrorKind; [0] unused
  Histogram latency;                                // successful client requests, ns
  std::uint64_t refused = 0;
};

}  // namespace archsim
