#pragma once
// Simulated time: an integer count of nanoseconds. Never wall-clock time.
#include <cstdint>
#include <string>
#include <string_view>

namespace archsim {

using SimTime = std::int64_t;  // nanoseconds since the start of a run

inline constexpr SimTime kNanosecond = 1;
inline constexpr SimTime kMicrosecond = 1'000;
inline constexpr SimTime kMillisecond = 1'000'000;
inline constexpr SimTime kSecond = 1'000'000'000;
inline constexpr SimTime kMinute = 60 * kSecond;
inline constexpr SimTime kHour = 60 * kMinute;
inline constexpr SimTime kDay = 24 * kHour;
inline constexpr SimTime kTimeMax = INT64_MAX;  // about 292 years

// The units parse_duration accepts, for error messages and docs.
inline constexpr std::string_view kDurationUnits = "ns, us, ms, s, m, h, d";

// Parses "250us", "5ms", "1.5s", "10m", "1h", "30d" (a bare number means seconds).
// Throws std::invalid_argument naming the accepted units on anything else,
// on negative values and on durations beyond int64 nanoseconds.
SimTime parse_duration(std::string_view text);

// Converts seconds to nanoseconds, rounding to nearest. Throws
// std::invalid_argument for NaN, negative or out-of-range values; `what`
// names the parameter in the message.
SimTime seconds_to_time(double seconds, std::string_view what = "duration");

inline constexpr double to_seconds(SimTime t) { return static_cast<double>(t) * 1e-9; }

// A drawn duration (service time, think time, network delay) in seconds as
// nanoseconds, rounded to nearest. A heavy-tailed draw can exceed int64
// nanoseconds: it saturates at kTimeMax ("never") instead of overflowing.
inline constexpr SimTime draw_to_time(double seconds) {
  const double ns = seconds * 1e9 + 0.5;
  if (!(ns >= 1.0)) return 0;  // below half a nanosecond (distributions never return negatives)
  if (ns >= 9.2e18) return kTimeMax;
  return static_cast<SimTime>(ns);
}

// now + delay, saturating at kTimeMax.
inline constexpr SimTime time_after(SimTime now, SimTime delay) {
  return delay > kTimeMax - now ? kTimeMax : now + delay;
}

// "1.5ms", "2s", "250us": the shortest exact-ish form, for reports.
std::string format_duration(SimTime t);

}  // namespace archsim
