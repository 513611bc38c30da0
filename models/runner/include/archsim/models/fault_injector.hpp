#pragma once
// Fires the faults of a run at their times and keeps the fault log. Every
// fault is checked before the run: an unknown component, instance or site, a
// kind that does not apply, a start past the end of the run, or a network
// fault between groups where no instance runs is an error naming the fault.
//
// Random crashes alternate up and down times drawn from the fault's MTTF and
// MTTR distributions, per instance from the stream "<instance>/random_crashes";
// each crash is one entry of the log.
#include <cstdint>
#include <optional>
#include <vector>

#include "archsim/core/simulation.hpp"
#include "archsim/models/model_spec.hpp"
#include "archsim/models/run_result.hpp"
#include "archsim/models/service.hpp"

namespace archsim {

class FaultInjector final : public EventHandler {
 public:
  // Throws std::invalid_argument naming the fault (its index and target).
  FaultInjector(const std::vector<FaultSpec>& faults, const std::vector<Component*>& components, Network& network,
                Simulation& sim, SimTime run_end);
  void initialise();
  void handle(const Event& event) override;
  std::string_view log_name() const override { return "faults"; }
  // The log in firing order; a fault still active counts what it affected until now.
  std::vector<FaultRecord> log() const;

 private:
  enum : std::uint32_t { kBegin, kEnd, kRandomCrash, kRandomRepair };
  struct Planned {
    FaultSpec spec;
    Service* service = nullptr;  // service faults
    std::uint32_t instance = 0;
    std::uint32_t link = 0;      // network faults: id in the network's LinkFaults
    std::string target;          // as logged
    std::optional<Rng> rng;      // random crashes
    std::size_t log_index = 0;   // its current record
    std::uint64_t count_at_begin = 0;
    bool recording = false;      // its current record has not ended
    Crashable* crashable = nullptr;  // crash faults: the service, or a cache or store
  };
  void plan_service_fault(const FaultSpec& spec, const std::string& where, const std::vector<Component*>& components);
  void plan_network_fault(const FaultSpec& spec, const std::string& where, const std::vector<Component*>& components);
  // The counter of what `p`'s kind affects, cumulative over the run.
  std::uint64_t counter(const Planned& p) const;
  void begin_record(Planned& p, const char* kind);
  void end_record(Planned& p);

  std::vector<Planned> planned_;  // one per affected instance, or one per network fault
  std::vector<FaultRecord> log_;
  Network& network_;
  Simulation& sim_;
  std::uint32_t handler_ = 0;
};

}  // namespace archsim
