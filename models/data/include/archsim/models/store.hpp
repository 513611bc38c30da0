#pragma once
// A replicated store: N replicas (the instances), each a FIFO queue with
// `workers` servers and a service time per operation. Two modes:
//
// primary  One primary takes every write, applies it (that is the commit)
//          and ships it to each other replica asynchronously, in order, after
//          that replica's replication delay. Reads go to the primary, to any
//          live replica, or to the nearest one. When the primary crashes,
//          after `failover_after` the most up-to-date live replica is
//          promoted; committed writes it never received are lost (counted).
// quorum   Leaderless N/R/W: the replica nearest the caller coordinates; it
//          sends the operation to all N replicas at once (a write after each
//          replica's replication delay) and answers after W acks or R
//          replies. Versions are last-writer-wins; a read returns the newest
//          version among its R replies. Optional read repair pushes the
//          newest version to replicas that answered older once all replied.
//
// The caller's instance choice is ignored: the store routes (route()).
// Every write carries a version (per key, 1, 2, ... in the order the primary
// applies them or the coordinators receive them: a clock without skew);
// every reply to a read carries the version it returns. Stores emit
// `committed` and `write_lost` for the consistency checker.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "archsim/core/distribution.hpp"
#include "archsim/core/rng.hpp"
#include "archsim/models/component.hpp"

namespace archsim {

enum class StoreMode : std::uint8_t { kPrimary, kQuorum };
enum class ReadPolicy : std::uint8_t { kPrimary, kAny, kNearest };
inline constexpr std::string_view kStoreModeNames = "primary, quorum";
inline constexpr std::string_view kReadPolicyNames = "primary, any, nearest";
// Throw std::invalid_argument listing the accepted names.
StoreMode parse_store_mode(std::string_view name);
ReadPolicy parse_read_policy(std::string_view name);

struct StoreConfig {
  StoreMode mode = StoreMode::kPrimary;
  std::uint32_t workers = 1;                    // per replica
  Distribution service_time;                    // per operation at a replica, seconds
  std::vector<Distribution> replication_delay;  // one per replica, seconds (the primary's is unused)
  ReadPolicy read_policy = ReadPolicy::kPrimary;  // primary mode
  SimTime failover_after = kTimeMax;            // primary mode; kTimeMax: no automatic failover
  std::uint32_t write_quorum = 1, read_quorum = 1;  // quorum mode
  bool read_repair = false;                     // quorum mode
  std::uint16_t write_op = 1;                   // this op index writes; every other op reads
};

class Store final : public Component, public Crashable {
 public:
  // Throws std::invalid_argument on an inconsistent config.
  Store(World& world, std::string name, std::vector<std::uint32_t> hosts, StoreConfig config);
  std::uint32_t workers() const override { return config_.workers; }
  std::uint32_t route(const Request& r, std::uint32_t from_host, std::uint32_t picked) override;
  void handle(const Event& event) override;
  std::uint64_t crash(std::uint32_t instance) override;
  void restart(std::uint32_t instance) override;
  std::uint64_t refused(std::uint32_t instance) const override { return replicas_[instance].refused; }

 private:
  enum : std::uint32_t {
    kTaskArrive = kFirstOwnEvent,  // payload: task; it reaches its replica's queue
    kTaskDone,                     // payload: task; its service time is over
    kResponse,                     // payload: task; the replica's answer is back at the coordinator
    kReplicate,                    // payload: shipment
    kFailover,                     // payload: the failover epoch it belongs to
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // One operation the store serves: a client request in primary mode, or the
  // coordinator's state of a quorum operation (it outlives the reply: read
  // repair waits for every replica).
  struct Op {
    std::uint32_t slot = kNone;  // the request; kNone once replied
    std::uint64_t request_id = 0;
    std::uint64_t key = 0, version = 0;
    bool write = false;
    std::uint32_t coordinator = 0;
    std::uint64_t coordinator_epoch = 0;
    std::uint32_t needed = 0, ok = 0, failed = 0;
    std::vector<std::uint64_t> seen;  // quorum reads: version each replica returned (UINT64_MAX: none)
  };
  // One piece of work at one replica.
  struct Task {
    std::uint32_t op = 0, replica = 0;
    std::uint64_t epoch = 0;   // the replica's epoch when the task was sent
    std::uint64_t result = 0;  // the version a read found
    bool failed = false;
    std::uint32_t active_pos = 0;  // index in the replica's list of tasks in service
  };
  struct Replica {
    Replica(Rng service, Rng replication) : service_rng(service), replication_rng(replication) {}
    bool up = true;
    std::uint64_t epoch = 0;  // bumped at each crash: events sent before it are void
    std::uint32_t busy = 0;
    std::uint64_t refused = 0;         // arrivals refused while down
    std::deque<std::uint32_t> queue;   // tasks
    std::vector<std::uint32_t> active; // tasks in service
    std::unordered_map<std::uint64_t, std::uint64_t> data;  // key -> version held
    std::uint64_t applied = 0;     // primary mode: log entries applied (a prefix)
    SimTime replication_tail = 0;  // primary mode: when the last shipped entry applies (in-order stream)
    Rng service_rng, replication_rng;
  };

  void arrive(std::uint32_t slot);
  std::uint32_t new_op(std::uint32_t slot, std::uint32_t coordinator);
  std::uint32_t new_task(std::uint32_t op, std::uint32_t replica);
  void enqueue(std::uint32_t task);
  void start_next(std::uint32_t replica);
  void task_done(std::uint32_t task);
  void response(std::uint32_t task);
  void settle_quorum(std::uint32_t op);
  void finish_op(std::uint32_t op, ErrorKind error);
  void free_op(std::uint32_t op);
  void commit_primary_write(std::uint32_t op, std::uint32_t replica);
  void ship(std::uint32_t to, std::uint64_t log_index, SimTime delay);
  void replicate(std::uint32_t shipment);
  void failover();
  // Ships to every live replica the log entries it lacks, from the primary, now.
  void catch_up();
  SimTime transit(std::uint32_t from, std::uint32_t to);
  SimTime draw(const Distribution& d, Rng& rng) const;
  bool reads_ok(std::uint32_t replica) const;
  std::uint32_t nearest_live(std::uint32_t from_host, bool random_ties);
  void apply(Replica& rep, std::uint64_t key, std::uint64_t version);

  StoreConfig config_;
  std::vector<Replica> replicas_;
  std::vector<Op> ops_;
  std::vector<std::uint32_t> free_ops_;
  std::vector<Task> tasks_;
  std::vector<std::uint32_t> free_tasks_;
  std::unordered_map<std::uint64_t, std::uint64_t> next_version_;  // key -> last version handed out
  // Primary mode.
  std::uint32_t primary_ = 0;  // kNone while there is none
  std::uint32_t old_primary_ = kNone;  // crashed primary awaiting failover
  std::uint64_t failover_epoch_ = 0;   // bumped when a pending failover is cancelled or done
  bool failover_due_ = false;          // a failover found no live replica: the next to restart takes over
  std::uint64_t stream_epoch_ = 0;     // bumped at failover: shipments of the old primary are void
  // (key, version) in commit order, from global index log_base_ on: a prefix every replica
  // (up or down) has applied is dropped, so the log stays as long as the slowest replica's lag.
  std::deque<std::pair<std::uint64_t, std::uint64_t>> log_;
  std::uint64_t log_base_ = 0;
  std::uint64_t log_end() const { return log_base_ + log_.size(); }
  void trim_log();
  // A log entry on its way to a replica; void if the replica crashed or a failover happened since.
  struct Shipment {
    std::uint32_t replica = 0;
    std::uint64_t log_index = 0, replica_epoch = 0, stream_epoch = 0;
  };
  std::vector<Shipment> shipments_;
  std::vector<std::uint32_t> free_shipments_;
  Rng route_rng_;
};

}  // namespace archsim
