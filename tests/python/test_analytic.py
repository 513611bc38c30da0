"""archsim.analytic against textbook numbers, independent closed forms and
brute force, and one simulation-vs-analysis agreement test.

Sources, cited again at each test:
  Kleinrock, Queueing Systems Vol. 1 (1975): 3.2 M/M/1, 3.5 M/M/m (Erlang C),
      3.7 M/M/m/m (Erlang B), 3.8 and 3.10 finite-source queues, 4.8 Jackson
      networks, chapter 5 M/G/1 (Pollaczek-Khinchine).
  Gross & Harris, Fundamentals of Queueing Theory (4th ed.): 2.3 M/M/c,
      4.1-4.2 Jackson networks, 5.1 M/G/1.
  Reiser & Lavenberg, Mean-value analysis of closed multichain queuing
      networks, JACM 1980; Lazowska, Zahorjan, Graham & Sevcik, Quantitative
      System Performance (1984), chapters 5-7; Bolch, Greiner, de Meer &
      Trivedi, Queueing Networks and Markov Chains (2nd ed., 2006), 8.2.
  Trivedi, Probability and Statistics with Reliability, Queuing, and Computer
      Science Applications (2nd ed., 2002), chapter 8 (CTMC availability models).
"""

import itertools
import math

import numpy as np
import pytest

import archsim as sim
from archsim import analytic as an
from conftest import figure, mean_latency, simulate


# -- Erlang B and C, M/M/c ------------------------------------------------------------------
def test_erlang_c_four_servers_at_3_2_erlangs():
    # Erlang C, Kleinrock Vol. 1 section 3.5; Gross & Harris section 2.3:
    # C(c, A) = (A^c / c! * c / (c - A)) / (sum_{k<c} A^k / k! + A^c / c! * c / (c - A)).
    # For c = 4, A = 3.2 the sum gives 0.596432...
    c, a = 4, 3.2
    last = a**c / math.factorial(c) * c / (c - a)
    by_sum = last / (sum(a**k / math.factorial(k) for k in range(c)) + last)
    assert by_sum == pytest.approx(0.5964, abs=5e-5)
    assert an.erlang_c(servers=4, load=3.2) == pytest.approx(by_sum, rel=1e-12)
    assert sim.analytic.erlang_c(servers=2, load=1.0) == pytest.approx(1 / 3, rel=1e-14)  # 2 rho^2 / (1 + rho)


def test_erlang_b_classic_table_values():
    # Erlang B, Kleinrock Vol. 1 section 3.7: B(c, A) = (A^c / c!) / sum_{k<=c} A^k / k!.
    # Erlang B tables: 5 trunks at 2 Erlangs block 3.67 %, 10 trunks at 5 Erlangs 1.84 %.
    assert an.erlang_b(servers=5, load=2.0) == pytest.approx(0.0367, abs=5e-5)
    assert an.erlang_b(servers=10, load=5.0) == pytest.approx(0.0184, abs=5e-5)
    for c, a in [(1, 0.5), (7, 3.3), (30, 25.0)]:
        exact = (a**c / math.factorial(c)) / sum(a**k / math.factorial(k) for k in range(c + 1))
        assert an.erlang_b(c, a) == pytest.approx(exact, rel=1e-12)
    # Thousands of servers: no overflow (factorials would).
    assert 0 < an.erlang_b(servers=5000, load=4900.0) < 1


def test_mmc_matches_mm1_and_mm2_closed_forms():
    # M/M/1 (Kleinrock 3.2): W = 1 / (mu - lambda). M/M/2 (Kleinrock 3.5): L = 2 rho / (1 - rho^2).
    r = an.mmc(arrival_rate=700, service_time="1ms", servers=1)
    assert r["mean_response"] == pytest.approx(1 / 300, rel=1e-12)
    assert r["utilisation"] == pytest.approx(0.7) and r["p_wait"] == pytest.approx(0.7)
    r2 = an.mmc(arrival_rate=80, service_time=0.01, servers=2)  # rho = 0.4
    assert r2["mean_number"] == pytest.approx(0.8 / (1 - 0.16), rel=1e-12)
    assert r2["mean_queue"] == pytest.approx(r2["mean_number"] - 0.8, rel=1e-12)
    assert set(r2) == {"utilisation", "p_wait", "mean_wait", "mean_response", "mean_queue", "mean_number"}


def test_mg1_pollaczek_khinchine():
    # P-K mean value (Kleinrock Vol. 1 chapter 5; Gross & Harris 5.1):
    # Wq = lambda E[S^2] / (2 (1 - rho)). M/D/1 waits half as long as M/M/1.
    lam, s = 200, 0.004  # rho = 0.8
    md1 = an.mg1(arrival_rate=lam, service_mean="4ms", service_variance=0.0)
    assert md1["mean_wait"] == pytest.approx(0.8 * s / (2 * 0.2), rel=1e-12)
    assert md1["mean_number"] == pytest.approx(0.8 + 0.64 / 0.4, rel=1e-12)  # L = rho + rho^2 / (2 (1 - rho))
    mm1 = an.mg1(lam, sim.Exp("4ms"))  # a Distribution: its mean and variance
    assert mm1["mean_wait"] == pytest.approx(0.8 * s / 0.2, rel=1e-12)
    assert an.mg1(lam, s, service_scv=1.0)["mean_wait"] == pytest.approx(mm1["mean_wait"], rel=1e-12)
    # Erlang-4 service: SCV = 1/4, so Wq = (1 + 1/4) / 2 of M/M/1's.
    e4 = an.mg1(lam, sim.Erlang(4, "4ms"))
    assert e4["service_scv"] == pytest.approx(0.25)
    assert e4["mean_wait"] == pytest.approx(1.25 / 2 * mm1["mean_wait"], rel=1e-9)
    assert an.mg1(lam, sim.Const("4ms"))["mean_wait"] == pytest.approx(md1["mean_wait"], rel=1e-9)


@pytest.mark.parametrize("call, message", [
    (lambda: an.erlang_c(servers=4, load=4.0), "load must be < servers"),
    (lambda: an.erlang_c(servers=0, load=1.0), "erlang_c: servers must be an integer >= 1"),
    (lambda: an.erlang_c(servers=2.5, load=1.0), "servers must be an integer"),
    (lambda: an.erlang_b(servers=3, load=-1), "erlang_b: load (Erlangs) must be a finite number >= 0"),
    (lambda: an.mmc(arrival_rate=1000, service_time="1ms"), "utilisation"),
    (lambda: an.mmc(arrival_rate=10, service_time="5 parsecs"), "mmc: service_time"),
    (lambda: an.mmc(arrival_rate=10, service_time=0), "mmc: service_time (seconds) must be a finite number > 0"),
    (lambda: an.mg1(10, "1ms"), "exactly one of service_variance"),
    (lambda: an.mg1(10, sim.Pareto(shape=1.5, scale="1ms")), "infinite mean or variance"),
    (lambda: an.mg1(2000, "1ms", service_scv=1), "unstable"),
    (lambda: an.mg1(10, "1ms", service_variance=-1), "service_variance (seconds^2) must be a finite number >= 0"),
])
def test_bad_arguments_name_the_parameter_and_range(call, message):
    with pytest.raises(ValueError) as e:
        call()
    assert message in str(e.value)


# -- open Jackson networks ----------------------------------------------------------------
def test_jackson_tandem_is_the_hand_computed_sum():
    # Jackson's theorem with Burke's theorem (Kleinrock Vol. 1, 4.8): Poisson
    # 700/s through M/M/1 stations with mu = 1000, 1400, 2000 takes
    # W = 1/300 + 1/700 + 1/1300 s; each station has rho = 700 / mu.
    net = an.jackson(stations=[an.Station("A", "1ms"), {"name": "B", "service_time": 1 / 1400},
                               an.Station("C", 0.0005)],
                     routing=[[0, 1, 0], [0, 0, 1], [0, 0, 0]], arrivals=[700, 0, 0])
    df = net.stations.set_index("station")
    assert list(df.index) == ["A", "B", "C"]
    assert df["arrival_rate"].tolist() == pytest.approx([700] * 3, rel=1e-12)
    assert df["utilisation"].tolist() == pytest.approx([0.7, 0.5, 0.35], rel=1e-12)
    assert df["mean_response"].tolist() == pytest.approx([1 / 300, 1 / 700, 1 / 1300], rel=1e-12)
    assert net.mean_response == pytest.approx(1 / 300 + 1 / 700 + 1 / 1300, rel=1e-12)
    assert net.throughput == 700
    assert net.mean_number == pytest.approx(700 * net.mean_response, rel=1e-12)  # Little


def test_jackson_feedback_and_dict_routing():
    # The CPU-with-feedback network (Kleinrock Vol. 1, 4.8; Gross & Harris 4.1):
    # a request leaving the CPU returns with probability 0.6 (via a disk), so
    # lambda_cpu = gamma / 0.4 and visits = 2.5; the disk sees 0.6 lambda_cpu.
    net = an.jackson(stations=[an.Station("cpu", "2ms"), an.Station("disk", "10ms", servers=4)],
                     routing={"cpu": {"disk": 0.6}, "disk": {"cpu": 1.0}}, arrivals={"cpu": 100})
    df = net.stations.set_index("station")
    assert df.loc["cpu", "arrival_rate"] == pytest.approx(250, rel=1e-12)
    assert df.loc["cpu", "visits"] == pytest.approx(2.5, rel=1e-12)
    assert df.loc["disk", "arrival_rate"] == pytest.approx(150, rel=1e-12)
    disk = an.mmc(150, "10ms", servers=4)  # a 4-server station is M/M/4 at its total rate
    assert df.loc["disk", "mean_response"] == pytest.approx(disk["mean_response"], rel=1e-12)
    assert df.loc["disk", "p_wait"] == pytest.approx(an.erlang_c(4, 1.5), rel=1e-12)
    w = 2.5 * 0.002 / (1 - 0.5) + 1.5 * disk["mean_response"]
    assert net.mean_response == pytest.approx(w, rel=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(routing={"A": {"B": 1.0}}, arrivals={"A": 600}), "station 'B' is unstable"),
    (dict(routing={"A": {"B": 1.0}, "B": {"A": 1.0}}, arrivals={"A": 1}), "can never leave the network"),
    (dict(routing={"A": {"X": 1.0}}, arrivals={"A": 1}), "unknown station 'X'"),
    (dict(routing=[[0, 1]], arrivals={"A": 1}), "routing must be a 2 x 2 matrix"),
    (dict(routing={"A": {"B": 0.7, "A": 0.5}}, arrivals={"A": 1}), "from 'A' sum to 1.2"),
    (dict(arrivals=[1]), "arrivals must be a list of 2 numbers"),
    (dict(arrivals={"A": -1}), "arrivals['A']"),
    (dict(), "jackson: arrivals is required"),
])
def test_jackson_errors_name_what_is_wrong(kwargs, message):
    stations = [an.Station("A", "1ms"), an.Station("B", "2ms")]
    with pytest.raises(ValueError) as e:
        an.jackson(stations=stations, **kwargs)
    assert message in str(e.value)


def test_jackson_station_errors():
    with pytest.raises(ValueError, match="station 'A' servers must be an integer"):
        an.jackson(stations=[an.Station("A", "1ms", servers=0)], arrivals=[1])
    with pytest.raises(ValueError, match="unknown keys"):
        an.jackson(stations=[{"name": "A", "service": "1ms"}], arrivals=[1])
    with pytest.raises(ValueError, match="'A' appears twice"):
        an.jackson(stations=[an.Station("A", "1ms"), an.Station("A", "1ms")], arrivals=[1, 1])


# -- closed networks: exact MVA -----------------------------------------------------------
def finite_source_throughput(users, servers, demand, think):
    """M/M/c//N (Kleinrock Vol. 1, 3.8 and 3.10): p_n ~ N!/(N-n)! (D/Z)^n / b(n),
    b(n) = n! for n <= c, c! c^(n-c) beyond; X = sum_n min(n, c) p_n / D."""
    w = [1.0]
    for n in range(1, users + 1):
        w.append(w[-1] * (users - n + 1) * demand / think / min(n, servers))
    return sum(min(n, servers) * p for n, p in enumerate(w)) / sum(w) / demand


@pytest.mark.parametrize("servers", [1, 3, 16])
def test_mva_single_queue_is_the_machine_repairman(servers):
    # Exact MVA (Reiser & Lavenberg 1980; Lazowska et al. ch. 6; multi-server:
    # Bolch et al. 8.2) against the finite-source formula, up to saturation:
    # 16 servers and 100 users is where the textbook p(0) = 1 - sum is off by 68 %.
    for users in (1, 2, 5, 20, 100):
        r = an.mva(stations=[an.Station("repair", "40ms", servers=servers)], users=users, think_time="100ms")
        assert r.throughput == pytest.approx(finite_source_throughput(users, servers, 0.04, 0.1), rel=1e-10)
        assert r.response_time == pytest.approx(users / r.throughput - 0.1, rel=1e-9)  # response time law
        assert r.by_users["throughput"].iloc[-1] == r.throughput


def closed_network_by_ctmc(demands, servers, users, think):
    """Brute force: the CTMC of a closed network of exponential stations plus
    a think (delay) station, state = users at each station; solved with
    ctmc_steady_state. Returns (throughput, mean number per station)."""
    k = len(demands)
    states = [s for s in itertools.product(range(users + 1), repeat=k) if sum(s) <= users]
    index = {s: i for i, s in enumerate(states)}
    Q = np.zeros((len(states), len(states)))
    for s, i in index.items():
        thinking = users - sum(s)
        # Route: think -> station 0 -> station 1 -> ... -> think.
        if thinking:
            t = list(s); t[0] += 1
            Q[i, index[tuple(t)]] += thinking / think
        for j in range(k):
            if s[j]:
                rate = min(s[j], servers[j]) / demands[j]
                t = list(s); t[j] -= 1
                if j + 1 < k:
                    t[j + 1] += 1
                Q[i, index[tuple(t)]] += rate
        Q[i, i] = -Q[i].sum()
    pi = an.ctmc_steady_state(Q)
    x = sum(p * min(s[-1], servers[-1]) / demands[-1] for s, p in zip(states, pi))
    return x, [sum(p * s[j] for s, p in zip(states, pi)) for j in range(k)]


def test_mva_with_two_multi_server_stations_matches_the_ctmc():
    # Load-dependent exact MVA (Lazowska et al. ch. 7; Bolch et al. 8.2)
    # against the brute-force CTMC of the same product-form network.
    demands, servers, users, think = [0.030, 0.012, 0.020], [3, 2, 1], 9, 0.05
    r = an.mva(stations=[an.Station(f"s{j}", d, servers=c) for j, (d, c) in enumerate(zip(demands, servers))],
               users=users, think_time=think)
    x, numbers = closed_network_by_ctmc(demands, servers, users, think)
    assert r.throughput == pytest.approx(x, rel=1e-9)
    assert r.stations["mean_number"].tolist() == pytest.approx(numbers, rel=1e-9)
    assert r.stations["utilisation"].tolist() == pytest.approx([x * d / c for d, c in zip(demands, servers)])


def test_mva_visits_delay_stations_and_bounds():
    # N = 1: R = sum D; large N: X -> 1 / D_max (Lazowska et al., chapter 5
    # asymptotic bounds). A delay station adds its demand and never queues.
    st = [an.Station("cpu", "5ms"), an.Station("disk", "3ms"), an.Station("lan", "1ms", delay=True)]
    one = an.mva(stations=st, visits={"cpu": 1, "disk": 2, "lan": 4}, users=1, think_time=0.05)
    assert one.response_time == pytest.approx(0.005 + 0.006 + 0.004, rel=1e-12)
    many = an.mva(stations=st, visits=[1, 2, 4], users=3000, think_time=0.05)
    assert many.throughput == pytest.approx(1 / 0.006, rel=1e-6)
    df = many.stations.set_index("station")
    assert df.loc["lan", "residence_time"] == pytest.approx(0.004, rel=1e-12)
    assert df.loc["lan", "mean_response"] == pytest.approx(0.001, rel=1e-12)
    assert df.loc["disk", "throughput"] == pytest.approx(2 * many.throughput, rel=1e-12)
    assert len(many.by_users) == 3000 and many.by_users.index[0] == 1
    with pytest.raises(ValueError, match="mva: users must be an integer in"):
        an.mva(stations=st, users=0)
    with pytest.raises(ValueError, match="mva: visits"):
        an.mva(stations=st, visits={"gpu": 1}, users=3)


# -- CTMC and availability ------------------------------------------------------------------
def test_ctmc_two_state_closed_form():
    # Two states, 0 -> 1 at a, 1 -> 0 at b: pi = (b, a) / (a + b) (Trivedi ch. 8).
    a, b = 0.25, 7.0
    pi = an.ctmc_steady_state(np.array([[-a, a], [b, -b]]))
    assert isinstance(pi, np.ndarray)
    assert pi.tolist() == pytest.approx([b / (a + b), a / (a + b)], rel=1e-14)


@pytest.mark.parametrize("Q, message", [
    ([[-1, 1], [2, -1]], "row 1 of Q sums to 1"),
    ([[1, -1], [1, -1]], "Q[0][1] = -1 is a transition rate and must be >= 0"),
    ([[-1, 1, 0], [1, -1, 0]], "Q must be a square matrix"),
    ([[0, 0], [0, 0]], "not unique"),
    ([[-1, float("nan")], [1, -1]], "must be finite"),
    ("Q", "square matrix"),
])
def test_ctmc_rejects_a_malformed_generator(Q, message):
    with pytest.raises(ValueError) as e:
        an.ctmc_steady_state(Q)
    assert message in str(e.value)


def test_k_of_n_availability_textbook_cases():
    # Trivedi (2nd ed.) ch. 8: two units in parallel (1 of 2) with a single
    # repair facility, failure rate l, repair rate m:
    #   A = (m^2 + 2 l m) / (m^2 + 2 l m + 2 l^2).
    mttf, mttr = 1000.0, 10.0
    l, m = 1 / mttf, 1 / mttr
    assert an.k_of_n_availability(n=2, k=1, mttf=mttf, mttr=mttr, repair_crews=1) == pytest.approx(
        (m * m + 2 * l * m) / (m * m + 2 * l * m + 2 * l * l), rel=1e-12)
    # Independent repair (a crew per component): binomial in a = MTTF / (MTTF + MTTR).
    a = mttf / (mttf + mttr)
    assert an.k_of_n_availability_independent(3, 2, "1000s", "10s") == pytest.approx(a**3 + 3 * a**2 * (1 - a))
    for n in (1, 2, 5, 8):
        for k in range(1, n + 1):
            assert an.k_of_n_availability(n, k, "720h", "4h") == pytest.approx(
                an.k_of_n_availability_independent(n, k, "720h", "4h"), rel=1e-11)
    # Shared crews lower availability; the generator is the documented birth-death chain.
    assert an.k_of_n_availability(5, 3, "50h", "10h", repair_crews=1) < an.k_of_n_availability(5, 3, "50h", "10h")
    Q = an.k_of_n_generator(3, mttf=100, mttr=5, repair_crews=2)
    assert Q[0, 1] == pytest.approx(0.03) and Q[3, 2] == pytest.approx(0.4) and Q[1, 0] == pytest.approx(0.2)
    with pytest.raises(ValueError, match=r"k \(components needed up\) must be an integer in \[1, 3\]"):
        an.k_of_n_availability(3, 4, "1h", "1h")
    with pytest.raises(ValueError, match=r"repair_crews must be an integer in \[1, 3\]"):
        an.k_of_n_availability(3, 2, "1h", "1h", repair_crews=4)
    with pytest.raises(ValueError, match="mttr must be a duration > 0"):
        an.k_of_n_availability(3, 2, "1h", "0s")


# -- Che's approximation for caches (against simulation: test_validation_cache.py) ----------
def test_che_hit_ratio_of_uniform_popularity_is_capacity_over_items():
    # Alike items are each cached with probability C / n, whatever the characteristic time.
    for policy in ("lru", "fifo"):
        assert an.che_hit_ratio([3.0] * 400, 100, policy=policy) == pytest.approx(0.25, rel=1e-10)
    assert an.che_hit_ratio([1.0, 2.0], 5) == 1.0


def test_che_hit_ratio_rejects_bad_arguments_by_name():
    with pytest.raises(ValueError, match='policy must be "lru" or "fifo"'):
        an.che_hit_ratio([1, 2], 1, policy="lfu")
    with pytest.raises(ValueError, match="one-dimensional"):
        an.che_hit_ratio([[1, 2]], 1)
    with pytest.raises(ValueError, match="popularity must be a sequence of numbers"):
        an.che_hit_ratio(["a"], 1)
    with pytest.raises(ValueError, match=r"popularity\[1\]"):
        an.che_hit_ratio([1, -1], 1)
    with pytest.raises(ValueError, match="capacity"):
        an.che_hit_ratio([1, 2], "10")


# -- simulation and analysis agree --------------------------------------------------------
# A 3-station open network built with the archsim API (the product-form
# construction of test_validation_jackson.py: a "front" service with zero
# service time and more workers than can ever be busy visits the stations as
# a sequence of call steps), against archsim.analytic.jackson. Station B has
# two workers, an M/M/2 station.
RATE = 600.0
STATIONS = [an.Station("A", 1 / 1000), an.Station("B", 1 / 700, servers=2), an.Station("C", 1 / 900)]


def three_station_model() -> sim.Model:
    m = sim.Model("analytic-vs-sim-jackson")
    refs = [m.service(s.name, workers=s.servers, service_time=sim.Exp(s.service_time)) for s in STATIONS]
    front = m.service("front", workers=1_000_000, calls=[sim.Call(r) for r in refs])
    m.client("load", target=front, workload=sim.Open(rate=RATE))
    return m


def test_simulation_agrees_with_the_jackson_solution():
    net = an.jackson(stations=STATIONS, routing={"A": {"B": 1.0}, "B": {"C": 1.0}}, arrivals={"A": RATE})
    r = simulate(three_station_model, seeds=(91, 92), batch=10.0)
    for row in net.stations.itertuples():
        mean_latency(r, row.station).check(row.mean_response, f"analytic jackson station {row.station} W (s)",
                                           max_rel_se=0.015)
        assert figure(r, row.station, "utilisation") == pytest.approx(row.utilisation, rel=0.02)
    mean_latency(r, "front").check(net.mean_response, "analytic jackson end-to-end W (s)", max_rel_se=0.01)
