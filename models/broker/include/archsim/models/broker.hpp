#pragma once
// A broker holds one topic: partitions chosen by the hash of the message key,
// each bounded, and consumer groups that each read every message. A group's
// consumers process messages (a processing time, optionally a request to a
// subscriber component) with at-least-once delivery: a message not acked
// within the visibility timeout is delivered again, and after
// `max_deliveries` it goes to the dead-letter queue. A streaming group commits
// at checkpoints instead of per message; a crashed consumer restores its last
// checkpoint and the messages processed since are replayed.
//
// The broker's instances are its consumers, numbered group by group in
// declaration order ("orders[0]" is the first group's first consumer); a
// Crash fault stops one.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/instance_picker.hpp"

namespace archsim {

struct ConsumerGroupConfig {
  std::string name;
  std::uint32_t consumers = 1;
  // true: each partition belongs to one consumer (partition p to consumer p mod
  // consumers), which takes its messages one at a time, in order; false:
  // competing consumers, any free one takes the oldest visible message.
  bool ordered = true;
  Distribution processing_time;     // seconds, per delivery
  double failure_probability = 0;   // a delivery's processing fails (no ack)
  SimTime visibility_timeout = 30 * kSecond;  // from delivery: an unacked message is visible again
  std::uint32_t max_deliveries = 0;  // then the dead-letter queue; 0: redeliver forever
  bool idempotent = true;            // a repeated success is a detected duplicate, else a duplicate effect
  std::int64_t subscriber = -1;      // component index each delivery is sent to as a request; -1: none
  Strategy strategy = Strategy::kRoundRobin;  // the subscriber's instance
  std::uint16_t event_op = 0;        // the op of those requests
  SimTime checkpoint_interval = kTimeMax;  // streaming: commit at checkpoints; kTimeMax: ack per message
  SimTime state_window = 0;                // streaming: tumbling windows of state by publish time; 0: none
};

struct BrokerConfig {
  std::uint32_t partitions = 1;
  std::int64_t capacity = -1;  // messages per partition not yet done by every group; -1: unbounded
  bool drop_when_full = false; // a full partition drops new messages; else producers wait for room
  std::uint16_t fire_and_forget_op = UINT16_MAX;  // publishes with this op are answered on arrival
  std::vector<ConsumerGroupConfig> groups;
};

class Broker final : public Component, public Crashable {
 public:
  Broker(World& world, std::string name, std::vector<std::uint32_t> hosts, BrokerConfig config);
  // Consumers of all groups (at least one instance, for a topic without groups).
  static std::uint32_t consumer_count(const BrokerConfig& config);
  std::uint32_t workers() const override { return 1; }
  const BrokerConfig& config() const { return config_; }

  void connect() override;
  void initialise() override;
  void handle(const Event& event) override;

  // A crashed consumer drops the delivery it holds (redelivered after its
  // visibility timeout) and, in a streaming group, the state since its last
  // checkpoint: those messages are replayed.
  std::uint64_t crash(std::uint32_t instance) override;
  void restart(std::uint32_t instance) override;
  std::uint64_t refused(std::uint32_t) const override { return 0; }

 private:
  enum : std::uint32_t {
    kProcessedEvent = kFirstOwnEvent,  // payload: consumer | delivery id << 32
    kVisibilityEvent,                  // payload: delivery slot | delivery id << 32
    kCheckpointEvent,                  // payload: consumer
  };
  struct Message {
    std::uint64_t id = 0, key = 0, correlation_id = 0;
    SimTime published = 0;
    std::uint32_t partition = 0, tenant = 0, client = 0;
    std::uint32_t remaining = 0;  // groups that have not acked or dead-lettered it
    std::uint32_t in_flight = 0;  // deliveries being processed
  };
  struct Pending {  // a message waiting for room in a full partition
    std::uint32_t request = kNoSlot;  // the acked publish to answer; kNoSlot: fire-and-forget
    Message message;
  };
  struct GroupState {  // of one message in one group
    std::uint16_t deliveries = 0;
    bool processed = false;  // an effect happened (streaming: in state, maybe not committed)
    bool done = false;       // acked, committed or dead-lettered
    bool replay = false;     // the state holding it was lost: it is being processed again
  };
  struct Ref {  // a message slot and the id it must still hold
    std::uint32_t slot;
    std::uint64_t id;
  };
  struct Delivery {
    std::uint64_t id = 0;  // 0: free
    Ref message{};
    std::uint32_t group = 0;
    bool open = false;     // neither acked nor timed out
  };
  struct Consumer {
    std::uint32_t group = 0, index = 0;  // index within its group
    std::uint32_t down = 0;
    bool busy = false;
    Ref message{};
    std::uint32_t delivery = 0;         // slot in deliveries_
    std::uint64_t delivery_id = 0;      // of the current delivery; 0: none
    std::uint64_t request_id = 0;       // the subscriber request in flight
    std::uint32_t next_partition = 0;   // ordered groups: where the scan for work starts
    std::vector<Ref> uncommitted;       // streaming: processed since the last checkpoint
    std::int64_t watermark = -1, closed_window = -1;                 // streaming windows, live state
    std::int64_t checkpoint_watermark = -1, checkpoint_window = -1;  // ... and at the last checkpoint
    std::int64_t max_closed_window = -1;  // windows emitted so far (a replay may emit one again)
    Rng processing_rng, failure_rng;
  };
  struct Group {
    ConsumerGroupConfig config;
    std::uint32_t first = 0;  // instance of its first consumer
    std::vector<std::deque<Ref>> ready;  // visible messages: per partition (ordered) or one queue
    std::vector<bool> blocked;           // ordered: the partition's head is out
    std::deque<Ref> outstanding;         // not done, in publish order (the lag)
    std::uint64_t lag = 0;
    std::uint32_t wake_turn = 0;
    std::vector<InstancePicker> picker;  // the subscriber's instance choice (0 or 1)
  };

  void publish(std::uint32_t slot);
  void store(const Message& m);
  void answer(std::uint32_t request, ErrorKind error);
  GroupState& state(std::uint32_t slot, std::uint32_t group) { return states_[slot * groups_.size() + group]; }
  bool current(const Ref& ref) const { return messages_[ref.slot].id == ref.id; }
  void wake(std::uint32_t group, std::uint32_t partition);  // a message became visible
  bool try_deliver(std::uint32_t consumer);
  void processed(std::uint32_t consumer);      // the processing time is over
  // The consumer drops its delivery (done, or crashed); returns whether the
  // delivery was still open (neither acked nor timed out).
  bool let_go(std::uint32_t consumer);
  void close(std::uint32_t delivery);          // frees the delivery slot
  void finish(std::uint32_t consumer, bool ok);
  void visibility_expired(std::uint64_t payload);
  // A delivery ended without an ack (timeout or crash): visible again, or dead-lettered.
  void expire(const Ref& ref, std::uint32_t group);
  void checkpoint(std::uint32_t consumer);
  void advance_windows(Consumer& c, SimTime published);
  void done(const Ref& ref, std::uint32_t group);  // acked, committed or dead-lettered
  void release_if_unused(std::uint32_t slot);
  void make_visible(const Ref& ref, std::uint32_t group, bool front);
  void emit(BrokerEvent e, std::uint32_t group, SimTime published, std::uint64_t value);
  void emit_lag(std::uint32_t group);

  BrokerConfig config_;
  std::vector<Group> groups_;
  std::vector<Consumer> consumers_;
  std::vector<Message> messages_;
  std::vector<GroupState> states_;  // [slot * groups + group]
  std::vector<std::uint32_t> free_messages_;
  std::vector<Delivery> deliveries_;
  std::vector<std::uint32_t> free_deliveries_;
  std::vector<std::uint64_t> stored_;            // per partition: messages not done by every group
  std::vector<std::deque<Pending>> waiting_;     // per partition: producers pushed back
  std::uint64_t next_id_ = 1;  // of messages and deliveries
};

}  // namespace archsim
