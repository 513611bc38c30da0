#pragma once
// "Did you mean ...?" for misspelt names in models, scenarios and options.
#include <string>
#include <string_view>
#include <vector>

namespace archsim {

// The candidate closest to `name` by edit distance, or "" if none is close
// (distance above a third of the name's length, at least 2).
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "", for appending to error messages.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace archsim
