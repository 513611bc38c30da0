#pragma once
// A client: the source of requests. Open workloads arrive as a Poisson
// process (with a rate schedule and bursts); closed workloads have N users who
// each send a request, wait for the reply, think, and repeat. Each request
// gets a key from the key chooser, an operation from the mix, a tenant and an
// optional deadline; a reply after the deadline counts as a timeout.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/draw_ahead.hpp"
#include "archsim/core/key_chooser.hpp"
#include "archsim/models/arrival_process.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/instance_picker.hpp"

namespace archsim {

// A named tenant's keys live in its own key space: its id above the low
// kTenantKeyBits bits of the key its chooser drew, so keys of different tenants
// never collide (caches, stores and shard maps see different keys).
inline constexpr unsigned kTenantKeyBits = 40;
inline std::uint64_t tenant_key(std::uint32_t tenant, std::uint64_t key) {
  return static_cast<std::uint64_t>(tenant) << kTenantKeyBits | key;
}

struct ClientConfig {
  bool closed = false;
  std::vector<RateSegment> rate_schedule;  // open
  std::uint32_t users = 0;                 // closed
  Distribution think;                      // closed, seconds
  KeyChooser keys;
  std::vector<std::pair<std::uint16_t, double>> mix;  // (op, weight)
  SimTime deadline = kTimeMax;                        // relative; kTimeMax = none
  std::uint32_t tenants = 1;       // anonymous tenants, drawn uniformly per request
  std::uint32_t tenant = 0;        // a named tenant's id (>= 1): every request is its, in its key space
  std::uint32_t target = 0;
  Strategy strategy = Strategy::kRoundRobin;
};

class Client final : public Component {
 public:
  Client(World& world, std::string name, std::vector<std::uint32_t> hosts, ClientConfig config);
  void connect() override;
  void initialise() override;
  void handle(const Event& event) override;
  void reply_now(std::uint32_t slot) override;
  bool reads_keys() const override { return false; }

 private:
  enum : std::uint32_t { kNextArrival = kFirstOwnEvent, kThinkDone };
  // Inlined into handle(), their only callers: a call per request saved each.
  [[gnu::always_inline]] inline void issue(std::uint32_t user);
  [[gnu::always_inline]] inline void replied(std::uint32_t slot);
  // The op of a new request: with one op in the mix (the usual case), no draw and no call.
  std::uint16_t draw_op() { return mix_cumulative_.size() == 1 ? config_.mix.front().first : draw_from_mix(); }
  std::uint16_t draw_from_mix();

  ClientConfig config_;
  std::vector<double> mix_cumulative_;
  std::optional<ArrivalProcess> arrivals_;
  std::optional<InstancePicker> picker_;
  Component* target_ = nullptr;
  bool draw_keys_ = true;  // some component reads keys (connect())
  Rng key_rng_, op_rng_, think_rng_, tenant_rng_;
  DrawAhead think_ahead_;  // closed: think times, drawn one think early
};

}  // namespace archsim
