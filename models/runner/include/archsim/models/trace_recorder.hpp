#pragma once
// Request traces: an observer that keeps one span per request hop (arrival at a
// component to its reply), for a sample of client requests chosen by correlation
// id, so a traced request keeps every hop and the choice is the same every run.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "archsim/core/sim_time.hpp"
#include "archsim/models/request.hpp"
#include "archsim/models/signals.hpp"

namespace archsim {

struct TraceSpan {
  std::uint32_t component = 0, instance = 0;  // component index, instance within it
  std::uint64_t request_id = 0, correlation_id = 0, parent_id = 0;  // parent_id 0: a client's request
  SimTime start = 0, end = 0;                 // arrival and reply (end of run if unfinished)
  std::uint16_t op = 0, attempt = 1;
  ErrorKind error = ErrorKind::kNone;
  bool finished = true;                       // false: still in flight when the run ended
};

class TraceRecorder : public Observer {
 public:
  // sample: the fraction of client requests traced, in (0, 1]; seed: the run's seed.
  TraceRecorder(double sample, std::uint64_t seed);

  bool sampled(std::uint64_t correlation_id) const;
  void on_arrived(const Component& c, std::uint32_t instance, const Request& r, SimTime t) override;
  void on_finished(const Component& c, std::uint32_t instance, const Request& r, SimTime t) override;
  // The spans in order of their end, then those still open (by component, request id).
  std::vector<TraceSpan> collect(SimTime now);

 private:
  std::uint64_t threshold_;  // a correlation id is traced when its hash is below this
  std::uint64_t key_;        // from the seed, so runs with other seeds sample other requests
  std::map<std::pair<std::uint32_t, std::uint64_t>, TraceSpan> open_;  // (component, request id)
  std::vector<TraceSpan> spans_;
};

}  // namespace archsim
