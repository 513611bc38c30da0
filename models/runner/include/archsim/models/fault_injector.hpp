#pragma once
// Fires the faults of a run at their times and keeps the fault log. Every
// fault is checked before the run: an unknown component or instance, a kind
// that does not apply, or a start past the end of the run is an error.
#include <cstdint>
#include <vector>

#include "archsim/core/simulation.hpp"
#include "archsim/models/model_spec.hpp"
#include "archsim/models/run_result.hpp"
#include "archsim/models/service.hpp"

namespace archsim {

class FaultInjector final : public EventHandler {
 public:
  // Throws std::invalid_argument naming the fault (its index and target).
  FaultInjector(const std::vector<FaultSpec>& faults, const std::vector<Component*>& components, SimTime run_end);
  void initialise(Simulation& sim);
  void handle(const Event& event) override;
  std::vector<FaultRecord> log() const { return log_; }

 private:
  enum : std::uint32_t { kBegin, kEnd };
  struct Planned {
    FaultSpec spec;
    Service* service;
    std::uint32_t instance;
    std::size_t log_index = 0;
  };
  std::vector<Planned> planned_;  // one per affected instance
  std::vector<FaultRecord> log_;
  Simulation* sim_ = nullptr;
};

}  // namespace archsim
