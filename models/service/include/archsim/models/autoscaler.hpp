#pragma once
// The autoscaler of one service: every `interval` it averages its metric over
// the active instances since the last evaluation, applies the rule of
// autoscale_policy.hpp and scales the service up (new instances provision
// first) or down (instances drain), within the cooldowns. It watches the
// service's busy and queue signals; it draws no random numbers.
#include <cstdint>
#include <optional>
#include <vector>

#include "archsim/core/time_average.hpp"
#include "archsim/models/service.hpp"

namespace archsim {

class Autoscaler final : public Observer, public EventHandler {
 public:
  Autoscaler(World& world, Service& service);
  // Registers the handler and schedules the first evaluation; `until`: the run's end.
  void initialise(Simulation& sim, SimTime until);

  void on_busy(const Component& c, std::uint32_t i, std::uint32_t busy, SimTime now) override;
  void on_queue_length(const Component& c, std::uint32_t i, std::size_t n, SimTime now) override;
  void on_instance_state(const Component& c, std::uint32_t i, InstanceState s, SimTime now) override;
  void handle(const Event& event) override;
  std::string_view log_name() const override { return "autoscaler"; }

 private:
  enum : std::uint32_t { kEvaluate = 0, kProvisioned = 1 };  // kProvisioned payload: instance | generation << 32
  void evaluate(SimTime now);
  void update_levels(SimTime now);  // after the sums below changed

  World& world_;
  Service& service_;
  const AutoscaleConfig& config_;
  std::uint32_t handler_ = 0;
  SimTime until_ = kTimeMax;
  std::optional<SimTime> last_scaled_;
  // Per instance, the last reported busy workers and waiting requests; sums over the active ones.
  std::vector<std::uint32_t> busy_, waiting_;
  std::uint64_t active_busy_ = 0, active_waiting_ = 0;
  std::uint32_t active_ = 0;
  TimeAverage busy_level_, waiting_level_, active_level_;  // since the last evaluation
};

}  // namespace archsim
