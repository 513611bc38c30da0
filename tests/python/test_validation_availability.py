"""k-of-n availability with exponential failures and repairs, against the
steady-state formula.

n identical instances fail independently after Exp(MTTF) up times and are
repaired after Exp(MTTR) down times (a repair crew each). One instance is up
with probability a = MTTF / (MTTF + MTTR), and the system needs k of n:

    A = sum_{j=k}^{n} C(n, j) a^j (1 - a)^(n - j)

(Trivedi, Probability and Statistics with Reliability, Queuing, and Computer
Science Applications, 2nd ed., section 8.4; archsim.analytic.k_of_n_availability
solves the same birth-death CTMC.) A request that calls all n instances in
parallel and waits for k replies succeeds exactly when k are up, so by PASTA
(Poisson arrivals see time averages; Wolff 1982) request-level availability
estimates A. The standard error comes from batch means over windows much
longer than the failure process's relaxation time (about MTTR).
"""

import math

import pytest

import archsim as sim

from conftest import Z

MTTF, MTTR = 10.0, 2.0


def k_of_n_model(n: int, k: int) -> sim.Model:
    m = sim.Model(f"{k}-of-{n}")
    db = m.service("db", instances=n, workers=16, service_time=sim.Const("1ms"))
    app = m.service("app", workers=64, calls=[sim.Parallel([sim.Call(db)] * n, wait=k)])
    m.client("web", target=app, workload=sim.Open(rate=5))
    return m


@pytest.mark.parametrize("n,k", [(3, 2), (5, 3)])
def test_k_of_n_request_availability_matches_the_steady_state_formula(n, k):
    batch, batches = 100.0, 300
    r = sim.run(k_of_n_model(n, k), duration=batch * (batches + 1), warmup=batch, window=batch, seed=n * 10 + k,
                progress=False, faults=[sim.RandomCrashes("db", mttf=MTTF, mttr=MTTR)])
    theory = sim.analytic.k_of_n_availability(n=n, k=k, mttf=MTTF, mttr=MTTR)
    a = MTTF / (MTTF + MTTR)
    assert theory == pytest.approx(sum(math.comb(n, j) * a ** j * (1 - a) ** (n - j) for j in range(k, n + 1)))
    ok = r.timeseries("web", "throughput").to_numpy() * batch
    err = r.timeseries("web", "errors").to_numpy()
    per_batch = ok / (ok + err)
    se = per_batch.std(ddof=1) / math.sqrt(len(per_batch))
    measured = r.availability("web")
    assert se < 0.003
    assert abs(measured - theory) < Z * se, f"availability {measured:.5f}, theory {theory:.5f}, se {se:.5f}"
    # Each instance's uptime estimates a. The time average of a two-state Markov process
    # over T has variance 2 a (1 - a) tau / T, tau = 1 / (1/MTTF + 1/MTTR) its relaxation time.
    up = r.uptime("db").uptime.to_numpy()
    tau = 1 / (1 / MTTF + 1 / MTTR)
    assert abs(up.mean() - a) < Z * math.sqrt(2 * a * (1 - a) * tau / r.measured_seconds / n)
