#include "archsim/core/event_log.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace archsim {

EventLog::EventLog(const std::string& path) : file_(std::fopen(path.c_str(), "w")), path_(path) {
  if (file_ == nullptr)
    throw std::invalid_argument(fmt::format("event_log: cannot write '{}': {}", path, std::strerror(errno)));
  fmt::print(file_, "# archsim event log: time_ns seq handler kind payload\n");
}

EventLog::~EventLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void EventLog::record(const Event& event, std::string_view handler) {
  fmt::print(file_, "{} {} {} {} {}\n", event.time, event.seq, handler, event.kind, event.payload);
}

void EventLog::close() {
  if (file_ == nullptr) return;
  const bool failed = std::ferror(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed || close_failed) throw std::runtime_error(fmt::format("event_log: writing '{}' failed", path_));
}

}  // namespace archsim
