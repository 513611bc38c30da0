#pragma once
// The runner's one way to reject a model that cannot run: std::invalid_argument,
// which the binding turns into a ValueError naming the component and field.
#include <stdexcept>
#include <string>

namespace archsim {

[[noreturn]] inline void fail(const std::string& message) { throw std::invalid_argument(message); }

}  // namespace archsim
