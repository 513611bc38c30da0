#include "archsim/models/consistency_checker.hpp"

#include <algorithm>
#include <stdexcept>

namespace archsim {

ConsistencyChecker::ConsistencyChecker(const World& world, SimTime warmup)
    : world_(world), warmup_(warmup), reader_of_(world.components.size(), -1), history_(world.components.size()) {
  const auto read = std::find(world.operations.begin(), world.operations.end(), "read");
  read_op_ = static_cast<std::uint16_t>(read - world.operations.begin());
  for (const Component* c : world.components)
    if (c->kind() == "store") {
      reader_of_[c->index()] = static_cast<int>(readers_.size());
      readers_.push_back({c->index(), results_.size()});
      results_.emplace_back();
      results_.back().name = results_.back().store = c->name();
    }
}

void ConsistencyChecker::watch_cache(std::uint32_t cache, std::uint32_t store) {
  if (world_.components[store]->kind() != "store")
    throw std::invalid_argument("ConsistencyChecker::watch_cache: '" + world_.components[store]->name() +
                                "' is not a store");
  reader_of_[cache] = static_cast<int>(readers_.size());
  readers_.push_back({store, results_.size()});
  results_.emplace_back();
  results_.back().name = world_.components[cache]->name();
  results_.back().store = world_.components[store]->name();
}

std::size_t ConsistencyChecker::SessionKeyHash::operator()(const SessionKey& k) const {
  // SplitMix64 finaliser over the fields: cheap and well mixed.
  std::uint64_t h = k.key;
  for (std::uint64_t v : {std::uint64_t{k.store}, std::uint64_t{k.client}, std::uint64_t{k.tenant}, std::uint64_t{k.user}}) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    h ^= h >> 31;
  }
  return static_cast<std::size_t>(h);
}

void ConsistencyChecker::on_committed(const Component& store, const Request& w, SimTime now) {
  KeyHistory& history = history_[store.index()][w.key];
  // Versions usually commit in order; a quorum write can overtake an older one.
  const auto at = std::upper_bound(history.begin(), history.end(), w.version,
                                   [](std::uint64_t v, const Commit& c) { return v < c.version; });
  history.commits.insert(at, {w.version, now});
  forget_before(history, now - kHistoryHorizon);
  if (now >= warmup_) ++results_[readers_[reader_of_[store.index()]].result].committed_writes;
  SessionState& s = sessions_[session_of(store.index(), w)];
  if (w.version > s.written) {
    s.written = w.version;
    s.written_at = now;
  }
}

void ConsistencyChecker::forget_before(KeyHistory& history, SimTime cut) {
  // Keep the newest commit before the cut (later reads had to see it) and at
  // most kHistoryVersions, so a key written fast stays small too. Commit
  // times rise with the versions but for overtaking quorum writes, which only
  // stop the walk early. Each commit is walked past once: O(1) amortised, and
  // the vector holds at most twice what is remembered.
  auto& commits = history.commits;
  while (history.first + 1 < commits.size() &&
         (commits[history.first + 1].at < cut || commits.size() - history.first > kHistoryVersions))
    ++history.first;
  if (2 * history.first >= commits.size() && history.first > 0) {
    commits.erase(commits.begin(), commits.begin() + static_cast<std::ptrdiff_t>(history.first));
    history.first = 0;
  }
}

void ConsistencyChecker::on_write_lost(const Component& store, std::uint64_t key, std::uint64_t version, SimTime) {
  ++results_[readers_[reader_of_[store.index()]].result].lost_writes;
  KeyHistory& history = history_[store.index()][key];
  const auto it = std::find_if(history.begin(), history.end(), [&](const Commit& c) { return c.version == version; });
  if (it != history.end()) history.commits.erase(it);
}

void ConsistencyChecker::on_finished(const Component& c, std::uint32_t, const Request& r, SimTime) {
  const int reader = reader_of_[c.index()];
  if (reader < 0 || r.op != read_op_ || r.error != ErrorKind::kNone || r.arrived < warmup_) return;
  const bool is_store = c.kind() == "store";
  if (!is_store && !r.from_cache) return;  // a cache's miss was judged at the store that answered it
  const Reader& rd = readers_[static_cast<std::size_t>(reader)];
  const bool stale = judge(rd.store, rd.result, r);
  if (!is_store) {
    ConsistencyResult& store_result = results_[readers_[reader_of_[rd.store]].result];
    ++store_result.cache_reads;
    if (stale) ++store_result.cache_stale_reads;
  }
}

bool ConsistencyChecker::judge(std::uint32_t store, std::size_t result, const Request& r) {
  ConsistencyResult& out = results_[result];
  ++out.reads;
  const SimTime t = r.arrived;
  // Walk down from the newest version: the first committed before t is the
  // one the read had to see; those above the returned version make it stale.
  const Commit* latest = nullptr;
  std::uint64_t newer = 0;
  SimTime first_newer = kTimeMax;
  const auto found = history_[store].find(r.key);
  if (found != history_[store].end()) {
    const KeyHistory& versions = found->second;
    for (auto it = std::make_reverse_iterator(versions.end()); it != std::make_reverse_iterator(versions.begin()); ++it) {
      if (it->at >= t) continue;  // committed while the read was under way
      if (latest == nullptr) latest = &*it;
      if (it->version <= r.version) break;
      ++newer;
      first_newer = std::min(first_newer, it->at);
    }
  }
  const bool stale = newer > 0;
  if (latest != nullptr) {
    out.read_age.record(t - latest->at);
    if (stale) out.stale_read_age.record(t - latest->at);
  }
  if (stale) {
    ++out.stale_reads;
    out.staleness_time.record(t - first_newer);
    out.staleness_versions.record(static_cast<std::int64_t>(newer));
  }
  // A session that never wrote or read a version of this key has nothing to
  // violate, and a read of version 0 (never written) teaches it nothing: no
  // entry, so reads spread over a huge key space do not grow the map.
  const SessionKey session = session_of(store, r);
  if (r.version == 0) {
    const auto known = sessions_.find(session);
    if (known == sessions_.end()) return stale;
  }
  SessionState& s = sessions_[session];
  if (s.written > r.version && s.written_at < t) ++out.ryw_violations;
  if (s.max_read > r.version) ++out.monotonic_violations;
  s.max_read = std::max(s.max_read, r.version);
  return stale;
}

std::vector<ConsistencyResult> ConsistencyChecker::collect() {
  // Results were created stores first, then watched caches: put them in component order.
  std::vector<ConsistencyResult> out;
  for (const int reader : reader_of_)
    if (reader >= 0) out.push_back(std::move(results_[readers_[static_cast<std::size_t>(reader)].result]));
  return out;
}

}  // namespace archsim
