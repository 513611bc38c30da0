"""Validation: per-tenant quotas and a shared queue against theory.

1. A token bucket of rate r and depth b admits at most r T + b requests in any
   interval T (the (r, b) arrival curve: Cruz, "A calculus for network delay,
   Part I", IEEE Trans. Inf. Theory 37(1), 1991; Le Boudec & Thiran, Network
   Calculus, 2001, section 1.2), and a tenant offered Poisson load lambda is
   admitted at the long-run rate min(lambda, r): above r every token is used
   soon after it appears, well below r (with a deep bucket) nearly nothing is
   refused.

2. A concurrency quota of k requests in flight, with workers to spare, makes
   the tenant an M/G/k/k loss system: the fraction of its arrivals refused is
   Erlang's B formula

       B(k, a) = (a^k / k!) / sum_{j=0}^{k} a^j / j!,   a = lambda E[S],

   insensitive to the service-time distribution beyond its mean (Sevastyanov
   1957; Gross & Harris, Fundamentals of Queueing Theory, 4th ed., section 2.5).

3. Tenants sharing one FIFO M/M/c station see the same mean wait: each
   tenant's Poisson arrivals see the time-average state (PASTA: Wolff,
   "Poisson arrivals see time averages", Oper. Res. 30(2), 1982), so each
   waits Wq = C(c, a) / (c mu - lambda) of the total load lambda (Erlang C;
   Kleinrock, Queueing Systems Vol. 1, section 3.5), the quiet tenant as
   long as the noisy one: why a shared queue gives no isolation.
"""

import pytest

import archsim as sim
from archsim import analytic

SEEDS = (31, 32, 33)


def quota_model(rate, quota, service_time=sim.Exp("1ms"), workers=64):
    m = sim.Model("quota")
    api = m.service("api", workers=workers, service_time=service_time, quotas={"t": quota})
    m.client("web", target=api, workload=sim.Open(rate=rate), tenant="t")
    return m


@pytest.mark.parametrize("offered, r, b", [(300.0, 100.0, 10.0), (1000.0, 250.0, 50.0)])
def test_a_rate_quota_admits_its_rate_under_overload(offered, r, b):
    T = 60.0
    for seed in SEEDS:
        t = sim.run(quota_model(offered, sim.Quota(rate=r, burst=b)), duration=T, seed=seed,
                    progress=False).tenants().iloc[0]
        assert t["completed"] <= r * T + b          # the arrival curve: never more
        assert t["completed"] >= 0.99 * r * T      # and every token is used
        assert t["completed"] + t["refused"] == t["arrivals"]


def test_well_below_its_rate_a_quota_admits_the_offered_load():
    T = 60.0
    for seed in SEEDS:
        t = sim.run(quota_model(50.0, sim.Quota(rate=100, burst=20)), duration=T, seed=seed,
                    progress=False).tenants().iloc[0]
        assert t["completed"] == t["arrivals"]     # min(lambda, r) = lambda: nothing refused
        assert t["throughput"] == pytest.approx(50.0, rel=0.05)


@pytest.mark.parametrize("service_time", [sim.Exp("10ms"), sim.Const("10ms")], ids=["exp", "const"])
def test_a_concurrency_quota_refuses_erlang_b_of_the_tenants_load(service_time):
    k, rate = 4, 300.0  # a = 3 Erlangs on 4 slots: B(4, 3) = 0.2061
    expected = analytic.erlang_b(servers=k, load=rate * 0.010)
    refused = arrivals = 0
    for seed in SEEDS:
        t = sim.run(quota_model(rate, sim.Quota(max_in_flight=k), service_time=service_time), duration=60,
                    warmup=1, seed=seed, progress=False).tenants().iloc[0]
        refused += t["refused"]
        arrivals += t["arrivals"]
    assert refused / arrivals == pytest.approx(expected, abs=0.006)


def test_tenants_sharing_a_fifo_queue_wait_alike_as_pasta_says():
    c, mean_s, quiet, noisy = 2, 0.002, 100.0, 700.0  # rho = 0.8
    wq = analytic.mmc(arrival_rate=quiet + noisy, service_time=mean_s, servers=c)["mean_wait"]
    waits = {"quiet": [], "noisy": []}
    for seed in SEEDS:
        m = sim.Model("fifo")
        api = m.service("api", workers=c, service_time=sim.Exp(mean_s))
        m.client("q", target=api, workload=sim.Open(rate=quiet), tenant="quiet")
        m.client("n", target=api, workload=sim.Open(rate=noisy), tenant="noisy")
        t = sim.run(m, duration=150, warmup=5, seed=seed, progress=False).tenants().set_index("tenant")
        for name in waits:
            waits[name].append(t.loc[name, "mean"] - mean_s)
    for name, w in waits.items():
        assert sum(w) / len(w) == pytest.approx(wq, rel=0.04), name


# 4. Fair queueing (round robin over the tenants with requests waiting; Demers,
#    Keshav & Shenker, SIGCOMM 1989) shares a saturated station max-min fairly
#    (Bertsekas & Gallager, Data Networks, 2nd ed., section 6.5.2): a tenant
#    offered less than its share c mu / n gets all it asks for, and the others
#    split the rest equally; in FIFO order each tenant gets capacity in
#    proportion to what it offers instead (lambda_i / lambda c mu).
@pytest.mark.parametrize("quiet, noisy, quiet_share", [(200.0, 2000.0, 200.0), (800.0, 2000.0, 500.0)])
def test_fair_queueing_shares_a_saturated_service_max_min_fairly(quiet, noisy, quiet_share):
    capacity, T = 1000.0, 30.0
    for seed in SEEDS:
        m = sim.Model("fair")
        api = m.service("api", workers=2, service_time=sim.Exp("2ms"), fair_queueing=True)
        m.client("q", target=api, workload=sim.Open(rate=quiet), tenant="quiet")
        m.client("n", target=api, workload=sim.Open(rate=noisy), tenant="noisy")
        # no warm-up: figures count requests that arrived after it, and the backlog grows
        t = sim.run(m, duration=T, seed=seed, progress=False).tenants().set_index("tenant")
        assert t.loc["quiet", "throughput"] == pytest.approx(quiet_share, rel=0.03)
        assert t.loc["noisy", "throughput"] == pytest.approx(capacity - quiet_share, rel=0.03)


def test_in_fifo_order_a_saturated_service_is_shared_by_offered_load():
    capacity, quiet, noisy = 1000.0, 200.0, 2000.0
    m = sim.Model("fifo-share")
    api = m.service("api", workers=2, service_time=sim.Exp("2ms"))
    m.client("q", target=api, workload=sim.Open(rate=quiet), tenant="quiet")
    m.client("n", target=api, workload=sim.Open(rate=noisy), tenant="noisy")
    t = sim.run(m, duration=30, seed=SEEDS[0], progress=False).tenants().set_index("tenant")
    assert t.loc["quiet", "throughput"] == pytest.approx(capacity * quiet / (quiet + noisy), rel=0.05)
