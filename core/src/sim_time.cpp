#include "archsim/core/sim_time.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {
namespace {

struct Unit {
  std::string_view suffix;
  SimTime nanoseconds;
};

// Longest suffixes first so "ms" is not read as "m" followed by junk.
constexpr Unit kUnits[] = {{"ns", kNanosecond}, {"us", kMicrosecond}, {"ms", kMillisecond},
                           {"s", kSecond},      {"m", kMinute},       {"h", kHour},
                           {"d", kDay}};

[[noreturn]] void reject(std::string_view text, std::string_view why) {
  throw std::invalid_argument(fmt::format("invalid duration '{}': {}; expected a non-negative "
                                          "number followed by one of the units {} (e.g. \"5ms\")",
                                          text, why, kDurationUnits));
}

}  // namespace

SimTime seconds_to_time(double seconds, std::string_view what) {
  if (std::isnan(seconds)) throw std::invalid_argument(fmt::format("{} must be a number, got NaN", what));
  if (seconds < 0) throw std::invalid_argument(fmt::format("{} must be >= 0 seconds, got {}", what, seconds));
  const double ns = std::round(seconds * 1e9);
  if (!(ns < 9.2e18))
    throw std::invalid_argument(fmt::format(
        "{} = {} s exceeds the simulated-time range of int64 nanoseconds (about 292 years)", what,
        seconds));
  return static_cast<SimTime>(ns);
}

SimTime parse_duration(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) reject(text, "it is empty");
  if (s.front() == '-') reject(text, "durations cannot be negative");

  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end == s.data()) reject(text, "it does not start with a number");
  std::string_view suffix(end, static_cast<std::size_t>(s.data() + s.size() - end));
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  if (!std::isfinite(value)) reject(text, "the number is not finite");

  SimTime unit = 0;
  if (suffix.empty()) {
    unit = kSecond;  // a bare number is seconds, as everywhere in the API
  } else {
    for (const Unit& u : kUnits)
      if (suffix == u.suffix) unit = u.nanoseconds;
    if (unit == 0) reject(text, fmt::format("unknown unit '{}'", suffix));
  }
  const double ns = std::round(value * static_cast<double>(unit));
  if (!(ns < 9.2e18)) reject(text, "it exceeds int64 nanoseconds (about 292 years)");
  return static_cast<SimTime>(ns);
}

std::string format_duration(SimTime t) {
  const char* sign = t < 0 ? "-" : "";
  const double a = std::fabs(static_cast<double>(t));
  if (a >= kDay) return fmt::format("{}{:g}d", sign, a / kDay);
  if (a >= kHour) return fmt::format("{}{:g}h", sign, a / kHour);
  if (a >= kMinute) return fmt::format("{}{:g}m", sign, a / kMinute);
  if (a >= kSecond) return fmt::format("{}{:g}s", sign, a / kSecond);
  if (a >= kMillisecond) return fmt::format("{}{:g}ms", sign, a / kMillisecond);
  if (a >= kMicrosecond) return fmt::format("{}{:g}us", sign, a / kMicrosecond);
  return fmt::format("{}{:g}ns", sign, a);
}

}  // namespace archsim
