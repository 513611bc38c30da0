#pragma once
// Runs the deployments of a run (deployment_spec.hpp): starts canaries and
// judges them every window (rolling back or promoting), switches blue-green
// traffic at once or along a ramp, toggles feature flags, and hands rolling
// restarts to the fault injector as "restart" faults (the crash and restart
// of Crashable). It watches the services it deploys to as an observer, for
// the canary's judgement and the per-version figures, and writes the
// deployment timeline. A deployment of a version that starts while another
// still moves its service's traffic supersedes it. Every deployment is checked before the run: a bad one
// is an error naming it (index, kind, service) and the field at fault.
#include <cstdint>
#include <string>
#include <vector>

#include "archsim/core/histogram.hpp"
#include "archsim/core/simulation.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/deployment_spec.hpp"
#include "archsim/models/model_spec.hpp"
#include "archsim/models/run_result.hpp"
#include "archsim/models/service.hpp"

namespace archsim {

class DeploymentController final : public EventHandler, public Observer {
 public:
  // Throws std::invalid_argument naming the deployment. May add operation names
  // (a version's per-operation service times) to world.operations.
  DeploymentController(const std::vector<DeploymentSpec>& specs, World& world, SimTime run_end, SimTime warmup,
                       SimTime window);
  // Deployments whose requests it must watch (versions): subscribe it to the signals.
  bool watches() const { return !watched_.empty(); }
  // The rolling restarts as faults of kind "restart", batch by batch, those that start before the run ends.
  std::vector<FaultSpec> restart_faults() const;
  void initialise();
  void handle(const Event& event) override;
  std::string_view log_name() const override { return "deployments"; }
  void on_arrived(const Component& c, std::uint32_t instance, const Request& r, SimTime now) override;
  void on_finished(const Component& c, std::uint32_t instance, const Request& r, SimTime now) override;
  // The timeline (with the restarts of `result.faults`) and the per-version figures, into `result`.
  void collect(RunResult& result, SimTime now);

 private:
  enum : std::uint32_t { kStart, kJudge, kSwitched, kFlagOff };
  struct Planned {
    DeploymentSpec spec;
    std::string where;           // "deployment 0 (canary of 'api')"
    Component* target = nullptr;
    Service* service = nullptr;  // all kinds but rolling restarts
    std::size_t watched = 0;     // versions: index in watched_
    std::uint8_t version = 0;    // canary, blue_green: the version's index in its service
    std::size_t flag = 0;        // feature_flag: the flag's index in its service
    bool is_canary = false;      // spec.kind == "canary", read per finished request
    bool judging = false;        // moving traffic: a canary not rolled back or promoted, a ramp not done
    std::uint64_t seen = 0, failed = 0;  // canary: requests finished since the last judgement
    Histogram latency;                   // ... and the latency of its successes, ns
  };
  struct Watched {  // a service with versions
    std::uint32_t component = 0;
    std::vector<VersionResult> versions;  // by version index
    std::size_t active = SIZE_MAX;        // the canary or ramp moving its traffic, if any (index in planned_)
  };
  void plan_version(Planned& p, std::vector<std::string>& operations);
  void plan_flag(Planned& p, std::vector<std::string>& operations);
  // A new deployment of a version starts: one still moving traffic on its service (a canary
  // not yet judged for good, a ramp) ends, its requests back to the stable version.
  void supersede(std::size_t index);
  void judge(std::size_t index);
  void log(const Planned& p, const char* kind, std::string detail, double share);

  World& world_;
  SimTime run_end_, warmup_, window_;
  std::vector<Planned> planned_;
  std::vector<Watched> watched_;
  std::vector<std::size_t> watched_of_;  // by component index; SIZE_MAX: not watched
  std::vector<DeploymentEvent> events_;
  std::uint32_t handler_ = 0;
};

}  // namespace archsim
