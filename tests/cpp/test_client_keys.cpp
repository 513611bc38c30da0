// A client draws its requests' keys only when some component of the world reads
// keys (Component::reads_keys): with none, the key is never seen and stays 0,
// and the client's key stream is left alone. With one, every request carries
// the chooser's next key from that stream.
#include <catch2/catch.hpp>

#include <vector>

#include "archsim/core/key_chooser.hpp"
#include "archsim/core/simulation.hpp"
#include "archsim/models/client.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/network.hpp"

using namespace archsim;

namespace {

// A target that notes each arriving request's key and keeps the request.
class KeySink final : public Component {
 public:
  KeySink(World& w, bool reads) : Component(w, "sink", "service", {0}), reads_(reads) {}
  bool reads_keys() const override { return reads_; }
  void handle(const Event& e) override { arrive_now(static_cast<std::uint32_t>(e.payload)); }
  void arrive_now(std::uint32_t slot) override { keys.push_back(world_.requests[slot].key); }
  std::vector<std::uint64_t> keys;

 private:
  bool reads_;
};

// The keys the sink saw in the first 50 ms of an open client at 10,000/s
// drawing uniformly from 2^20 keys.
std::vector<std::uint64_t> keys_seen(bool sink_reads_keys) {
  NetworkSpec spec;
  spec.zones.push_back({"z", "r"});
  spec.hosts.push_back({"h", "z"});
  Network net{spec};
  Simulation sim{7};
  World world{sim, net, {}, {}, {}, {"read"}, UINT64_MAX, 0};
  KeySink sink{world, sink_reads_keys};
  ClientConfig config;
  config.rate_schedule = {{0, 10'000.0}};
  config.keys = KeyChooser::uniform(1u << 20);
  config.mix = {{0, 1.0}};
  config.target = 0;
  Client client{world, "web", {0}, config};
  Component* parts[] = {&sink, &client};
  for (Component* c : parts) {
    c->attach(static_cast<std::uint32_t>(world.components.size()), sim.add_handler(c));
    world.components.push_back(c);
  }
  for (Component* c : parts) c->connect();
  for (Component* c : parts) c->initialise();
  sim.run(RunLimits{50 * kMillisecond});
  return sink.keys;
}

}  // namespace

TEST_CASE("models::Client: keys are drawn only when a component reads them", "[models][quick]") {
  const std::vector<std::uint64_t> unread = keys_seen(false);
  const std::vector<std::uint64_t> read = keys_seen(true);
  REQUIRE(unread.size() > 100);
  REQUIRE(read.size() == unread.size());  // the arrivals do not depend on keys
  for (const std::uint64_t k : unread) CHECK(k == 0);

  // The keys read are the key stream's draws, in order.
  Rng stream = Simulation{7}.stream("web/keys");
  const KeyChooser chooser = KeyChooser::uniform(1u << 20);
  std::size_t zeros = 0;
  for (const std::uint64_t k : read) {
    CHECK(k == chooser.sample(stream));
    zeros += k == 0;
  }
  CHECK(zeros < 2);
}
