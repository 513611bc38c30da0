"""Multi-tenancy: named tenants with their own workloads and key spaces,
per-tenant results, per-tenant quotas at a service, tenant-aware shards,
their YAML form and their errors. The figures are checked against theory in
test_validation_tenancy.py."""

import json

import pytest

import archsim as sim
from conftest import check_fingerprint


def two_tenants(quotas=None, noisy_rate=400.0, quiet_rate=100.0, workers=4):
    m = sim.Model("tenants")
    api = m.service("api", workers=workers, service_time=sim.Exp("2ms"), quotas=quotas)
    m.client("quiet-web", target=api, workload=sim.Open(rate=quiet_rate), tenant="quiet",
             keys=sim.UniformKeys(100))
    m.client("noisy-web", target=api, workload=sim.Open(rate=noisy_rate), tenant="noisy",
             keys=sim.UniformKeys(100), mix={"read": 0.5, "write": 0.5})
    return m


def test_per_tenant_results_add_up_to_the_clients_figures():
    r = sim.run(two_tenants(), duration="20s", warmup="2s", seed=1, progress=False)
    t = r.tenants().set_index("tenant")
    assert list(t.index) == ["quiet", "noisy"]  # declaration order; no untenanted row
    for tenant, client in (("quiet", "quiet-web"), ("noisy", "noisy-web")):
        c = r.component(client)
        assert t.loc[tenant, "arrivals"] == c["arrivals"]
        assert t.loc[tenant, "completed"] == c["completed"]
        assert t.loc[tenant, "p99"] == pytest.approx(c["p99"])
        assert r.tenant_latency(tenant).count == c["completed"]
    assert t.loc["noisy", "throughput"] == pytest.approx(400, rel=0.05)
    assert r.summary(by="tenant").equals(r.tenants())


def test_a_single_tenant_model_has_no_tenant_rows_and_keeps_its_figures():
    m = sim.Model("plain")
    api = m.service("api", workers=2, service_time=sim.Exp("2ms"))
    m.client("web", target=api, workload=sim.Open(rate=300), tenants=4)
    r = sim.run(m, duration="5s", seed=2, progress=False)
    assert r.tenants().empty and list(r.tenants().columns)[:3] == ["tenant", "arrivals", "completed"]
    assert "tenants" not in r.to_dict()
    assert "tenant" not in r.report().split("\n")[-3]


def test_untenanted_clients_of_a_tenanted_model_are_reported_as_none():
    m = two_tenants()
    m.client("ops", target="api", workload=sim.Open(rate=10))
    r = sim.run(m, duration="5s", seed=3, progress=False)
    t = r.tenants().set_index("tenant")
    assert list(t.index) == ["(none)", "quiet", "noisy"]
    assert t.loc["(none)", "arrivals"] == r.component("ops")["arrivals"]


def test_tenants_have_their_own_key_spaces():
    # Two tenants reading keys 0..9 through one cache: with shared keys the second
    # tenant would hit the first one's entries; with their own key spaces each
    # tenant misses once per key of its own, so the misses double.
    def cached(tenants):
        m = sim.Model("keys")
        db = m.service("db", workers=4, service_time=sim.Exp("1ms"))
        cache = m.cache("cache", backend=db, capacity=1000)
        for name, tenant in tenants:
            m.client(name, target=cache, workload=sim.Open(rate=200), keys=sim.UniformKeys(10), tenant=tenant)
        return sim.run(m, duration="10s", seed=4, progress=False).component("cache")["misses"]

    assert cached([("a", None), ("b", None)]) == 10
    assert cached([("a", "t1"), ("b", "t2")]) == 20
    assert cached([("a", "t1"), ("b", "t1")]) == 10  # two workloads of one tenant share its keys


def test_a_quota_rate_admits_its_tenant_at_that_rate_and_counts_refusals():
    r = sim.run(two_tenants(quotas={"noisy": sim.Quota(rate=150, burst=10)}), duration="20s", seed=5,
                progress=False)
    t = r.tenants().set_index("tenant")
    assert t.loc["noisy", "completed"] == pytest.approx(150 * 20, rel=0.02)
    assert t.loc["noisy", "refused"] == t.loc["noisy", "errors_rejected"] > 0
    assert t.loc["noisy", "refused"] == t.loc["noisy", "arrivals"] - t.loc["noisy", "completed"]
    assert t.loc["quiet", "refused"] == 0 and t.loc["quiet", "errors"] == 0


def test_a_max_in_flight_quota_caps_the_tenants_requests_in_the_service():
    # max_in_flight 1 with workers to spare: a request of the tenant is refused
    # exactly while another of its requests is in service, never otherwise.
    m = sim.Model("cap")
    api = m.service("api", workers=8, service_time=sim.Const("10ms"), quotas={"a": sim.Quota(max_in_flight=1)})
    m.client("w", target=api, workload=sim.Open(rate=50), tenant="a")
    r = sim.run(m, duration="30s", seed=6, progress=False)
    t = r.tenants().set_index("tenant")
    assert t.loc["a", "refused"] > 0
    assert r.component("api")["mean_in_flight"] <= 1.0  # never two of its requests at once
    assert t.loc["a", "max"] == pytest.approx(0.010, rel=0.01)


def test_tenant_results_are_in_the_report_and_json():
    r = sim.run(two_tenants(quotas={"noisy": sim.Quota(rate=150)}), duration="5s", seed=7, progress=False)
    report = r.report()
    assert "tenant" in report and "refused" in report and "noisy" in report
    data = json.loads(r.to_json())
    tenants = {row["tenant"]: row for row in data["tenants"]}
    assert tenants["noisy"]["refused"] == int(r.tenants().set_index("tenant").loc["noisy", "refused"])
    assert set(tenants) == {"quiet", "noisy"}


def test_tenant_aware_shards_put_each_tenant_on_its_own_block():
    m = sim.Model("shards")
    db = m.service("db", instances=8, workers=2, service_time=sim.Exp("1ms"))
    router = m.shards("router", backend=db, tenant_shards=2)
    for i, rate in enumerate((50, 50, 50, 400)):
        m.client(f"c{i}", target=router, workload=sim.Open(rate=rate), keys=sim.UniformKeys(10_000),
                 tenant=f"t{i}")
    r = sim.run(m, duration="10s", seed=8, progress=False)
    load = r.component("router")["shard_load"] if "shard_load" in r.component("router") else None
    inst = r.instances("db").set_index("instance")["completed"]
    # tenant i (id i+1) owns shards 2(i+1) mod 8 and the next: t3 (the busy one) owns 0 and 1
    busy = inst["db[0]"] + inst["db[1]"]
    assert busy == pytest.approx(r.tenants().set_index("tenant").loc["t3", "arrivals"], rel=0.001)
    for s in range(2, 8):
        assert inst[f"db[{s}]"] < 0.2 * inst["db[0]"]
    assert load is None or len(load) == 8


@pytest.mark.parametrize("build, words", [
    (lambda: two_tenants(quotas={"nosy": sim.Quota(rate=10)}), ["api", "quotas", "'nosy'", "noisy", "tenants"]),
    (lambda: two_tenants(quotas={"noisy": sim.Quota(rate=10), "quiet": sim.Quota(rate=1e11)}), ["rate", "1e10"]),
])
def test_bad_quotas_are_named_at_run(build, words):
    with pytest.raises(ValueError) as e:
        sim.run(build(), duration="1s", progress=False)
    for w in words:
        assert w in str(e.value)


@pytest.mark.parametrize("make, words", [
    (lambda: sim.Quota(), ["rate", "max_in_flight"]),
    (lambda: sim.Quota(rate=-1), ["Quota.rate"]),
    (lambda: sim.Quota(max_in_flight=0), ["Quota.max_in_flight", "[1, 2^31]"]),
    (lambda: sim.Model().service("s", quotas={"a": 5}), ["'s'", "quotas['a']", "Quota"]),
    (lambda: sim.Model().service("s", quotas=[1]), ["'s'", "quotas", "tenant names"]),
    (lambda: sim.Model().client("c", target="s", tenant=""), ["'c'", "tenant", "non-empty"]),
    (lambda: sim.Model().client("c", target="s", tenant="a", tenants=3), ["'c'", "tenant", "tenants", "not both"]),
    (lambda: sim.Model().shards("r", backend="s", tenant_shards=0), ["'r'", "tenant_shards"]),
    (lambda: sim.Model().service("s", fair_queueing="yes"), ["'s'", "fair_queueing", "True or False"]),
])
def test_bad_tenancy_arguments_are_named(make, words):
    with pytest.raises(ValueError) as e:
        make()
    for w in words:
        assert w in str(e.value)


def test_anonymous_and_named_tenants_do_not_mix():
    m = two_tenants()
    m.client("bulk", target="api", workload=sim.Open(rate=10), tenants=3)
    with pytest.raises(ValueError, match="'bulk'.*anonymous tenants.*named tenants"):
        sim.run(m, duration="1s", progress=False)


def test_tenant_shards_beyond_the_shards_are_refused():
    m = sim.Model("s")
    db = m.service("db", instances=4)
    m.shards("r", backend=db, tenant_shards=5)
    m.client("c", target="r", tenant="a")
    with pytest.raises(ValueError, match="tenant_shards \\(5\\) must be <= the shards \\(4\\)"):
        sim.run(m, duration="1s", progress=False)


def test_tenancy_round_trips_through_yaml():
    m = two_tenants(quotas={"noisy": sim.Quota(rate=150, burst=10, max_in_flight=6)})
    db = m.service("db", instances=4)
    m.shards("router", backend=db, tenant_shards=2)
    m.run_options(duration="3s")
    text = m.to_yaml()
    assert "tenant: noisy" in text and "max_in_flight: 6" in text and "tenant_shards: 2" in text
    back = sim.loads(text)
    assert back == m
    assert sim.run(back, duration="3s", seed=9, progress=False).fingerprint() == \
        sim.run(m, duration="3s", seed=9, progress=False).fingerprint()


def test_a_misspelt_quota_field_is_reported_with_its_position():
    text = """
name: t
duration: 1s
components:
  api: {kind: service, quotas: {a: {rate: 10, max_inflight: 3}}}
  web: {kind: client, target: api, tenant: a}
"""
    with pytest.raises(sim.ScenarioError) as e:
        sim.loads(text)
    message = str(e.value)
    assert "max_inflight" in message and "max_in_flight" in message and ":5:" in message


def test_fingerprint_of_a_tenanted_model():
    check_fingerprint("tenancy_two_tenants_quota",
                      two_tenants(quotas={"noisy": sim.Quota(rate=150, burst=10, max_in_flight=6)}), seed=10)


def test_fair_queueing_and_lifo_are_refused_together():
    m = sim.Model("fq")
    m.service("api", fair_queueing=True, lifo_above=10)
    m.client("c", target="api", tenant="a")
    with pytest.raises(ValueError, match="'api'.*fair_queueing and lifo_above"):
        sim.run(m, duration="1s", progress=False)


def test_fair_queueing_changes_nothing_for_a_single_tenant():
    def one(fair):
        m = sim.Model("one")
        m.service("api", workers=2, service_time=sim.Exp("2ms"), fair_queueing=fair)
        m.client("c", target="api", workload=sim.Open(rate=800))
        return sim.run(m, duration="10s", seed=11, progress=False).fingerprint()

    assert one(True) == one(False)  # one tenant: round robin over one FIFO is FIFO
