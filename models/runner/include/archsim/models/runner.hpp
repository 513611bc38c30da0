#pragma once
// Runs a model: build -> connect -> initialise -> run -> finalise -> collect.
#include "archsim/core/simulation.hpp"
#include "archsim/models/model_spec.hpp"
#include "archsim/models/run_result.hpp"

namespace archsim {

// Throws std::invalid_argument for a model that cannot run (unknown target,
// cycle of calls, bad placement, ...), naming the component and field.
// A progress callback that returns false ends the run early; the figures
// gathered so far are returned.
RunResult run_model(const ModelSpec& model, const RunOptions& options, ProgressCallback progress = {});

}  // namespace archsim
