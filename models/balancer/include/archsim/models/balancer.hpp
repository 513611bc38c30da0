#pragma once
// A load balancer: forwards each request to one instance of its target,
// chosen by its strategy, and relays the reply. It has no queue and adds
// only its network hops.
#include <optional>

#include "archsim/models/component.hpp"
#include "archsim/models/instance_picker.hpp"

namespace archsim {

class Balancer final : public Component {
 public:
  Balancer(World& world, std::string name, std::vector<std::uint32_t> hosts, Strategy strategy,
           std::uint32_t target);
  void connect() override;
  void handle(const Event& event) override;
  bool reads_keys() const override { return false; }

 private:
  std::uint32_t target_index_;
  Strategy strategy_;
  Component* target_ = nullptr;
  std::optional<InstancePicker> picker_;
};

}  // namespace archsim
