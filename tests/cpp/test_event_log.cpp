#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "archsim/core/event_log.hpp"
#include "archsim/core/simulation.hpp"

using namespace archsim;

namespace {
// Schedules a follow-up event 1 ms later for each of its first `chain` events.
struct Ticker : EventHandler {
  Simulation& sim;
  std::uint32_t id = 0;
  int chain;
  Ticker(Simulation& s, int n) : sim(s), chain(n) {}
  void handle(const Event& e) override {
    if (chain-- > 0) sim.schedule_in(kMillisecond, id, e.kind + 1, e.payload * 2);
  }
  std::string_view log_name() const override { return "ticker"; }
};

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}
}  // namespace

TEST_CASE("core::EventLog: one line per event in run order, with time, seq, handler, kind, payload",
          "[core][quick]") {
  const auto path = std::filesystem::temp_directory_path() / "archsim_test_event_log.txt";
  Simulation sim(1);
  Ticker t(sim, 2);
  t.id = sim.add_handler(&t);
  sim.schedule_at(5, t.id, 7, 3);
  sim.schedule_at(5, t.id, 9, 4);  // same instant: runs second (seq 1)
  EventLog log(path.string());
  sim.set_event_log(&log);
  sim.run();
  log.close();
  const auto lines = lines_of(path);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].starts_with("# archsim event log"));
  CHECK(lines[1] == "5 0 ticker 7 3");
  CHECK(lines[2] == "5 1 ticker 9 4");
  CHECK(lines[3] == "1000005 2 ticker 8 6");
  CHECK(lines[4] == "1000005 3 ticker 10 8");
  std::filesystem::remove(path);
}

TEST_CASE("core::EventLog: an unwritable path is refused with its name", "[core][quick]") {
  CHECK_THROWS_WITH(EventLog("/nonexistent-dir/x.log"), Catch::Contains("/nonexistent-dir/x.log"));
}
