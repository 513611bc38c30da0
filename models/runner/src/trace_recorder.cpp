#include "archsim/models/trace_recorder.hpp"

#include <cmath>
#include <stdexcept>

#include "archsim/models/component.hpp"

namespace archsim {
namespace {

// SplitMix64's finaliser: a bijection that spreads consecutive ids uniformly.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

TraceRecorder::TraceRecorder(double sample, std::uint64_t seed) : key_(mix(seed ^ 0x7472616365ULL)) {
  if (!(sample > 0 && sample <= 1)) throw std::invalid_argument("trace sample must be in (0, 1]");
  threshold_ = sample >= 1 ? UINT64_MAX : static_cast<std::uint64_t>(std::ldexp(sample, 64));
}

bool TraceRecorder::sampled(std::uint64_t correlation_id) const {
  return threshold_ == UINT64_MAX || mix(correlation_id ^ key_) < threshold_;
}

void TraceRecorder::on_arrived(const Component& c, std::uint32_t instance, const Request& r, SimTime t) {
  if (!sampled(r.correlation_id)) return;
  TraceSpan s;
  s.component = c.index();
  s.instance = instance;
  s.request_id = r.id;
  s.correlation_id = r.correlation_id;
  s.parent_id = r.parent_id;
  s.start = t;
  s.op = r.op;
  s.attempt = r.attempt;
  open_[{c.index(), r.id}] = s;
}

void TraceRecorder::on_finished(const Component& c, std::uint32_t, const Request& r, SimTime t) {
  const auto it = open_.find({c.index(), r.id});
  if (it == open_.end()) return;  // not sampled
  TraceSpan s = it->second;
  open_.erase(it);
  s.end = t;
  s.error = r.error;
  spans_.push_back(s);
}

std::vector<TraceSpan> TraceRecorder::collect(SimTime now) {
  std::vector<TraceSpan> out = std::move(spans_);
  for (auto& [key, s] : open_) {
    s.end = now;
    s.finished = false;
    out.push_back(s);
  }
  open_.clear();
  return out;
}

}  // namespace archsim
