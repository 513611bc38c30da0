#pragma once
// The consistency checker: an observer that knows every write a store has
// committed (key, version, commit time) and judges every read reply a store
// or a cache in front of it returns. Models emit, the checker records: stores
// emit `committed` and `write_lost`, and every read reply passes through
// `finished` with the version it carries.
//
// A read is stale when it returns a version older than the newest version of
// its key committed strictly before the read arrived (writes committing while
// the read is under way are concurrent with it, so either answer is right).
//
// Memory stays bounded on long runs: per key, the checker remembers the
// commits of the last kHistoryHorizon (60 s) and the newest before it, and at
// most kHistoryVersions (1,024) of them. A read returning a version older than
// that is still judged stale exactly; its staleness (time and versions) is
// then measured back to the oldest commit remembered, a lower bound. Reads
// that take longer than the horizon from arrival to reply would be judged
// against a shortened history; at 60 s that is no model's normal case.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "archsim/core/histogram.hpp"
#include "archsim/models/component.hpp"
#include "archsim/models/signals.hpp"

namespace archsim {

// The consistency figures of one component that serves reads: a store, or a
// cache in front of one. Reads that arrived before the end of warm-up are not
// judged; commits are tracked from time 0.
struct ConsistencyResult {
  std::string name;   // the component that served the reads
  std::string store;  // the store whose committed writes they are judged against
  std::uint64_t reads = 0, stale_reads = 0;
  Histogram staleness_time;      // stale reads: ns between the first newer commit and the read's arrival
  Histogram staleness_versions;  // stale reads: committed versions newer than the one returned (k-staleness)
  // Every read / stale reads by the age of its key's newest committed version
  // when the read arrived, ns: the PBS t-visibility curve is 1 - stale/all per age.
  Histogram read_age, stale_read_age;
  // Session guarantees: a session is (client, tenant, closed-workload user).
  std::uint64_t ryw_violations = 0;        // older than the session's own committed write of the key
  std::uint64_t monotonic_violations = 0;  // older than a version the session already read of the key
  // Stores only: writes committed after warm-up, committed writes lost (whole run),
  // and the reads caches in front of this store served themselves.
  std::uint64_t committed_writes = 0, lost_writes = 0;
  std::uint64_t cache_reads = 0, cache_stale_reads = 0;
};

class ConsistencyChecker final : public Observer {
 public:
  // Every component of kind "store" in `world` is checked; `warmup` as for metrics.
  ConsistencyChecker(const World& world, SimTime warmup);
  // Also judges the reads `cache` serves from its own entries (replies marked
  // from_cache) against `store`'s committed writes.
  void watch_cache(std::uint32_t cache, std::uint32_t store);
  // Whether there is anything to check (a model with no store has nothing).
  bool active() const { return !readers_.empty(); }

  void on_finished(const Component& c, std::uint32_t instance, const Request& r, SimTime now) override;
  void on_committed(const Component& store, const Request& write, SimTime now) override;
  void on_write_lost(const Component& store, std::uint64_t key, std::uint64_t version, SimTime now) override;

  // One result per store and per watched cache, in component order.
  std::vector<ConsistencyResult> collect();

 private:
  struct Commit {
    std::uint64_t version;
    SimTime at;
  };
  struct SessionKey {
    std::uint32_t store, client, tenant, user;
    std::uint64_t key;
    bool operator==(const SessionKey&) const = default;
  };
  struct SessionKeyHash {
    std::size_t operator()(const SessionKey& k) const;
  };
  struct SessionState {
    std::uint64_t written = 0;   // newest version the session committed
    SimTime written_at = 0;
    std::uint64_t max_read = 0;  // newest version the session read
  };
  struct Reader {
    std::uint32_t store = 0;  // component index of the store
    std::size_t result = 0;   // index into results_
  };
  // One key's committed versions, ascending; those before `first` are forgotten
  // (older than the horizon), and dropped from memory once they are half of it.
  struct KeyHistory {
    std::vector<Commit> commits;
    std::size_t first = 0;
    auto begin() const { return commits.begin() + static_cast<std::ptrdiff_t>(first); }
    auto end() const { return commits.end(); }
  };
  static constexpr SimTime kHistoryHorizon = 60'000'000'000;  // 60 s
  static constexpr std::size_t kHistoryVersions = 1024;         // per key
  // Forgets a key's commits older than `cut`, but the newest of them, and all but its newest kHistoryVersions.
  static void forget_before(KeyHistory& history, SimTime cut);
  // Judges one read reply; true when it is stale.
  bool judge(std::uint32_t store, std::size_t result, const Request& r);
  SessionKey session_of(std::uint32_t store, const Request& r) const {
    return {store, r.client, r.tenant, r.user, r.key};
  }

  const World& world_;
  SimTime warmup_;
  std::uint16_t read_op_ = 0;
  std::vector<ConsistencyResult> results_;
  std::vector<int> reader_of_;  // component index -> index into readers_, -1 when not checked
  std::vector<Reader> readers_;
  // Per store (component index): key -> committed versions, ascending.
  std::vector<std::unordered_map<std::uint64_t, KeyHistory>> history_;
  std::unordered_map<SessionKey, SessionState, SessionKeyHash> sessions_;  // looked up, never iterated
};

}  // namespace archsim
