"""`tracker server` against `mlflow server` (SQLite backend), both driven by the stock MLflow client.

    python3 ../shared/peers/quiet.py -- /tmp/peers-venv/bin/python benchmarks/mlflow_server.py \
        --tracker .build/release/tracker

Needs a venv with the full `mlflow` (its server; see ../shared/peers/README.md) — the client
used is the same `mlflow` package for both servers. Each server gets a fresh store in a
temporary folder and its default settings. What is measured, in one process, alternating the
two servers so slow drift of a shared machine hits both:

1. ingest: one run, --points metric points by `MlflowClient.log_batch` at 1000 a call, in
   --rounds rounds per server; points/s (median, range), and the client's own share: the
   client process's CPU time over the wall time (serialising Metric objects, HTTP).
2. population: --runs runs, each `create_run` + one `log_batch` (5 params, 3 metrics x 10
   steps) + `set_terminated`, by --populate-threads clients at once; runs/s.
3. search over those runs: `search_runs` with a filter and an order (the first 100 hits),
   and without a filter (the first 1000 runs by start time), --queries times each per server,
   interleaved; median and range in ms.
Prints a table with tracker/mlflow ratios and a RESULT line of JSON.
"""
import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from mlflow import MlflowClient
from mlflow.entities import Metric, Param


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(url, proc, log, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            with open(log, errors="replace") as f:
                raise SystemExit(f"server exited with {proc.returncode}: {f.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default", timeout=2):
                return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} not ready after {timeout}s")


def tree_cpu_seconds(pid):
    """CPU seconds used so far by a process and all its descendants (from /proc)."""
    total, todo, ticks = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return total


def settle(proc, quiet=0.05, timeout=180):
    """Waits until a server's processes are idle: mlflow server answers while its other
    workers are still starting, and their start-up must not be measured as the peer's load."""
    deadline, last = time.time() + timeout, tree_cpu_seconds(proc.pid)
    while time.time() < deadline:
        time.sleep(1.0)
        now = tree_cpu_seconds(proc.pid)
        if now - last < quiet:
            return
        last = now


class Server:
    def __init__(self, kind, args, root):
        self.kind, self.dir = kind, os.path.join(root, kind)
        os.makedirs(self.dir)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        if kind == "tracker":
            cmd = [os.path.abspath(args.tracker), "server", "--db", os.path.join(self.dir, "tracker.db"), "--port", str(port)]
        else:
            mlflow_bin = os.path.join(os.path.dirname(sys.executable), "mlflow")
            cmd = [mlflow_bin, "server", "--backend-store-uri", f"sqlite:///{self.dir}/mlflow.db",
                   "--default-artifact-root", os.path.join(self.dir, "artifacts"), "--host", "127.0.0.1", "--port", str(port)]
        # The server's output goes to a file (a pipe nobody reads would stall a chatty server).
        self.log = open(os.path.join(self.dir, "server.log"), "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)
        wait_ready(self.url, self.proc, os.path.join(self.dir, "server.log"))
        settle(self.proc)
        self.client = MlflowClient(tracking_uri=self.url)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def ingest(server, points):
    c = server.client
    rid = c.create_run(c.create_experiment(f"ingest-{time.time_ns()}")).info.run_id
    ts = int(time.time() * 1000)
    batches = [[Metric(f"m{j % 10}", float(j) * 0.5, ts, b * 100 + j // 10) for j in range(1000)] for b in range(points // 1000)]
    cpu0, t0 = time.process_time(), time.perf_counter()
    for b in batches:
        c.log_batch(rid, metrics=b)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    c.set_terminated(rid)
    return points / wall, cpu / wall


def populate(server, runs, seed, threads):
    """--runs runs in one experiment, created by `threads` clients at once (as a sweep's
    workers would); the same runs (same seed) on both servers."""
    from concurrent.futures import ThreadPoolExecutor

    eid = server.client.create_experiment("search")
    rnd = random.Random(seed)
    ts = int(time.time() * 1000)
    specs = []
    for r in range(runs):
        final = rnd.uniform(0.6, 0.92)
        params = [Param("lr", rnd.choice(["0.001", "0.0003", "0.0001"])), Param("batch_size", rnd.choice(["64", "128", "256"])),
                  Param("dropout", rnd.choice(["0.0", "0.25", "0.5"])), Param("hidden", rnd.choice(["256,128", "512,256", "64x20"])),
                  Param("optimizer", rnd.choice(["adam", "sgd"]))]
        ms = []
        for s in range(10):
            f = (s + 1) / 10
            ms += [Metric("train_loss", 2.3 * (1 - f) + 0.2, ts + s, s), Metric("val_loss", 2.3 * (1 - f) + 0.3, ts + s, s),
                   Metric("val_acc", 0.1 + (final - 0.1) * f, ts + s, s)]
        specs.append((params, ms))

    def work(part):
        c = MlflowClient(tracking_uri=server.url)
        for params, ms in part:
            rid = c.create_run(eid).info.run_id
            c.log_batch(rid, metrics=ms, params=params)
            c.set_terminated(rid)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, [specs[i::threads] for i in range(threads)]))
    return runs / (time.perf_counter() - t0), eid


QUERIES = {
    "filter+order, first 100": dict(filter_string="params.dropout = '0.5' and metrics.val_acc > 0.8", order_by=["metrics.val_acc DESC"], max_results=100),
    "no filter, first 1000": dict(max_results=1000),
}


def spread(v):
    return f"{statistics.median(v):,.1f} ({min(v):,.1f}–{max(v):,.1f})"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tracker", required=True, help="the tracker binary (a release build)")
    p.add_argument("--points", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--runs", type=int, default=10_000)
    p.add_argument("--queries", type=int, default=15)
    p.add_argument("--populate-threads", type=int, default=4, help="clients creating the runs at once")
    a = p.parse_args()
    if a.points < 1000 or a.points % 1000 or not 1 <= a.rounds <= 20 or not 1 <= a.runs <= 100_000 or not 1 <= a.queries <= 1000 or not 1 <= a.populate_threads <= 32:
        raise SystemExit("--points: a multiple of 1000; --rounds 1..20; --runs 1..100000; --queries 1..1000; --populate-threads 1..32")
    root = tempfile.mkdtemp(prefix="bench-mlflow-server-")
    servers = {}
    try:
        for kind in ("tracker", "mlflow"):
            servers[kind] = Server(kind, a, root)
        out = {k: {"ingest": [], "client_share": [], "search": {q: [] for q in QUERIES}, "raw": {q: [] for q in QUERIES}} for k in servers}
        for r in range(a.rounds):
            for kind, s in servers.items():
                rate, share = ingest(s, a.points)
                out[kind]["ingest"].append(rate)
                out[kind]["client_share"].append(share)
                print(f"ingest round {r + 1} {kind}: {rate:,.0f} points/s (client CPU {100 * share:.0f}% of the wall time)", flush=True)
        exps = {}
        for kind, s in servers.items():
            rate, exps[kind] = populate(s, a.runs, seed=7, threads=a.populate_threads)
            out[kind]["populate_runs_per_s"] = rate
            print(f"populated {a.runs} runs into {kind}: {rate:,.0f} runs/s", flush=True)
        counts = {}
        for i in range(a.queries + 1):
            for name, q in QUERIES.items():
                for kind, s in servers.items():
                    t0 = time.perf_counter()
                    found = s.client.search_runs([exps[kind]], **q)
                    ms = (time.perf_counter() - t0) * 1e3
                    counts[(kind, name)] = len(found)
                    if i > 0:  # the first query of each kind warms caches; not counted
                        out[kind]["search"][name].append(ms)
                    # The same request without the client's parsing: server + transfer only.
                    body = json.dumps({"experiment_ids": [exps[kind]], "filter": q.get("filter_string", ""),
                                       "order_by": q.get("order_by", []), "max_results": q["max_results"]}).encode()
                    req = urllib.request.Request(s.url + "/api/2.0/mlflow/runs/search", data=body, headers={"Content-Type": "application/json"})
                    t0 = time.perf_counter()
                    with urllib.request.urlopen(req, timeout=120) as resp:
                        resp.read()
                    if i > 0:
                        out[kind]["raw"][name].append((time.perf_counter() - t0) * 1e3)
        for name in QUERIES:
            if counts[("tracker", name)] != counts[("mlflow", name)]:
                raise SystemExit(f"the servers disagree on '{name}': tracker {counts[('tracker', name)]} runs, mlflow {counts[('mlflow', name)]}")
        t, m = out["tracker"], out["mlflow"]
        print()
        print(f"| measure | tracker server | mlflow server | ratio |")
        print(f"|---|---|---|---|")
        ti, mi = statistics.median(t["ingest"]), statistics.median(m["ingest"])
        print(f"| log_batch points/s, median (range) of {a.rounds} x {a.points:,} | {spread(t['ingest'])} | {spread(m['ingest'])} | {ti / mi:.1f}x |")
        print(f"| client CPU share of ingest wall time | {100 * statistics.median(t['client_share']):.0f}% | {100 * statistics.median(m['client_share']):.0f}% | |")
        # What the server costs a batch: the wall time the client did not spend on its own CPU
        # (the server's work plus the loopback round trip), per 1000-point call.
        tb, mb = (1e6 * (1 - statistics.median(d["client_share"])) / statistics.median(d["ingest"]) for d in (t, m))
        cb = 1e6 * statistics.median(t["client_share"]) / ti
        print(f"| ms per log_batch call outside the client (server + round trip) | {tb:.1f} | {mb:.1f} | {mb / tb:.1f}x less |")
        print(f"| ms per log_batch call in the client itself (the same client) | {cb:.1f} | {1e6 * statistics.median(m['client_share']) / mi:.1f} | |")
        print(f"| points/s if the server and round trip cost nothing (the client's bound) | {1e6 / cb:,.0f} | | {1e6 / cb / mi:.1f}x |")
        print(f"| runs created/s (create + log_batch + terminate) | {t['populate_runs_per_s']:,.0f} | {m['populate_runs_per_s']:,.0f} | "
              f"{t['populate_runs_per_s'] / m['populate_runs_per_s']:.1f}x |")
        for name in QUERIES:
            ts_, ms_ = statistics.median(t["search"][name]), statistics.median(m["search"][name])
            print(f"| search_runs over {a.runs:,} runs, {name} ({counts[('tracker', name)]} runs), ms | {spread(t['search'][name])} | "
                  f"{spread(m['search'][name])} | {ms_ / ts_:.1f}x faster |")
            tr, mr = statistics.median(t["raw"][name]), statistics.median(m["raw"][name])
            print(f"| the same request over raw HTTP (server + transfer, no client parsing), ms | {spread(t['raw'][name])} | "
                  f"{spread(m['raw'][name])} | {mr / tr:.1f}x faster |")
        print("RESULT", json.dumps({"points": a.points, "runs": a.runs, **{
            f"{k}_{f}": round(v, 2) for k, d in out.items() for f, v in (
                ("ingest_points_per_s", statistics.median(d["ingest"])), ("client_share", statistics.median(d["client_share"])),
                ("populate_runs_per_s", d["populate_runs_per_s"]),
                *((f"search_ms_{i}", statistics.median(d["search"][q])) for i, q in enumerate(QUERIES)))}}))
    finally:
        for s in servers.values():
            s.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
