// The M/M/1 of bench/mm1_engine.cpp (utilisation 0.9, 10^6 customers) written
// for ns-3's discrete-event core, as an ns-3 user would: member-function events
// on ns3::Simulator, ExponentialRandomVariable streams, a FIFO of arrival times.
// It keeps only what the model needs (no histograms, no time series), so it
// is the yardstick "3x ns-3" is measured against. Optional (Debian's
// libns3-dev, -DARCHSIM_BENCH_NS3=ON); see docs/performance.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <deque>

#include <ns3/double.h>
#include <ns3/object-factory.h>
#include <ns3/random-variable-stream.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

namespace {

using ns3::Seconds;
using ns3::Simulator;

class Mm1 {
 public:
  explicit Mm1(std::uint64_t customers) : customers_(customers) {
    arrival_ = ns3::CreateObject<ns3::ExponentialRandomVariable>();
    arrival_->SetAttribute("Mean", ns3::DoubleValue(1 / 0.9));
    service_ = ns3::CreateObject<ns3::ExponentialRandomVariable>();
    service_->SetAttribute("Mean", ns3::DoubleValue(1.0));
  }
  void start() { Simulator::Schedule(Seconds(arrival_->GetValue()), &Mm1::arrive, this); }
  double mean_response() const { return total_ / static_cast<double>(done_); }
  std::uint64_t done() const { return done_; }

 private:
  void arrive() {
    waiting_.push_back(Simulator::Now().GetSeconds());
    if (++issued_ < customers_) Simulator::Schedule(Seconds(arrival_->GetValue()), &Mm1::arrive, this);
    if (!busy_) serve();
  }
  void serve() {
    busy_ = true;
    Simulator::Schedule(Seconds(service_->GetValue()), &Mm1::depart, this);
  }
  void depart() {
    total_ += Simulator::Now().GetSeconds() - waiting_.front();
    waiting_.pop_front();
    ++done_;
    if (waiting_.empty()) {
      busy_ = false;
    } else {
      serve();
    }
  }

  std::uint64_t customers_, issued_ = 0, done_ = 0;
  ns3::Ptr<ns3::ExponentialRandomVariable> arrival_, service_;
  std::deque<double> waiting_;  // arrival times; the front is in service
  bool busy_ = false;
  double total_ = 0;
};

// state.range(1): 0 = ns-3's default scheduler (MapScheduler), 1 = HeapScheduler.
void BM_ns3_mm1_customers(benchmark::State& state) {
  const auto customers = static_cast<std::uint64_t>(state.range(0));
  double mean = 0;
  for (auto _ : state) {
    ns3::RngSeedManager::SetSeed(1);
    ns3::ObjectFactory scheduler;
    scheduler.SetTypeId(state.range(1) ? "ns3::HeapScheduler" : "ns3::MapScheduler");
    Simulator::SetScheduler(scheduler);
    Mm1 model(customers);
    model.start();
    Simulator::Run();
    if (model.done() != customers) state.SkipWithError("not every customer finished");
    mean = model.mean_response();
    Simulator::Destroy();
  }
  state.counters["mean_response"] = mean;  // theory: 1 / (mu - lambda) = 10
  state.SetItemsProcessed(state.iterations() * state.range(0));  // items = customers
}
BENCHMARK(BM_ns3_mm1_customers)
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1})
    ->Args({100'000, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace
