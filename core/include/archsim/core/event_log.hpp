#pragma once
// A debug record of every event a run takes from the queue, in order: one
// text line per event, "<time_ns> <seq> <handler> <kind> <payload>". Off by
// default; the Simulation checks one pointer per event. Two logs of runs
// that should agree are compared line by line to find where they diverge.
#include <cstdio>
#include <string>
#include <string_view>

#include "archsim/core/event_queue.hpp"

namespace archsim {

class EventLog {
 public:
  // Opens (truncates) `path`; std::invalid_argument naming it if that fails.
  explicit EventLog(const std::string& path);
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  ~EventLog();

  // `handler` is the name of the event's target (a component, "metrics", ...).
  void record(const Event& event, std::string_view handler);
  // Flushes and closes; std::runtime_error if a write failed (e.g. disk full).
  void close();

 private:
  std::FILE* file_;
  std::string path_;
};

}  // namespace archsim
