"""`tracker server` against the stock MLflow client (mlflow-skinny, pinned in
scripts/python-env.sh): every endpoint it serves, the refusals, tokens, 8 clients at once,
and kill -9 during ingest. Run by scripts/test.sh after `swift test`."""
import csv
import io
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import unittest

import requests

os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ["MLFLOW_ENABLE_ASYNC_LOGGING"] = "false"
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag, ViewType  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import Server, tracker, tracker_json, wait_port_free  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def bits(x):
    return struct.pack("<d", x)


def error_code(exc):
    return getattr(exc, "error_code", None)


class ServerTestCase(unittest.TestCase):
    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(args=cls.server_args).start()
        os.environ["MLFLOW_TRACKING_URI"] = cls.server.url
        cls.client = MlflowClient(tracking_uri=cls.server.url)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assertMlflowError(self, code, fn, *args, **kwargs):
        with self.assertRaises(MlflowException) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(error_code(ctx.exception), code, str(ctx.exception))
        return ctx.exception


class ExperimentTests(ServerTestCase):
    def test_create_get_search_rename_delete_restore(self):
        c = self.client
        ids = [c.create_experiment(f"exp-{i}", tags={"team": "a" if i % 2 else "b"}) for i in range(5)]
        e = c.get_experiment(ids[0])
        self.assertEqual((e.name, e.lifecycle_stage, e.tags), ("exp-0", "active", {"team": "b"}))
        self.assertEqual(c.get_experiment_by_name("exp-3").experiment_id, ids[3])
        self.assertIsNone(c.get_experiment_by_name("no-such-experiment"))
        self.assertMlflowError("RESOURCE_ALREADY_EXISTS", c.create_experiment, "exp-1")
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", c.get_experiment, "987654")
        # Filter and pagination.
        found = c.search_experiments(filter_string="name LIKE 'exp-%' AND tags.team = 'a'")
        self.assertEqual(sorted(x.name for x in found), ["exp-1", "exp-3"])
        pages, token = [], None
        while True:
            page = c.search_experiments(filter_string="name LIKE 'exp-%'", max_results=2, page_token=token)
            pages.append([x.name for x in page])
            token = page.token
            if not token:
                break
        self.assertEqual(len(pages), 3)
        self.assertEqual(sorted(sum(pages, [])), [f"exp-{i}" for i in range(5)])
        self.assertMlflowError("INVALID_PARAMETER_VALUE", c.search_experiments, filter_string="name ~~ 'x'")
        # Rename, delete, restore.
        c.rename_experiment(ids[4], "exp-renamed")
        self.assertEqual(c.get_experiment(ids[4]).name, "exp-renamed")
        c.delete_experiment(ids[2])
        self.assertEqual(c.get_experiment(ids[2]).lifecycle_stage, "deleted")
        self.assertNotIn("exp-2", [x.name for x in c.search_experiments()])
        self.assertIn("exp-2", [x.name for x in c.search_experiments(view_type=ViewType.DELETED_ONLY)])
        c.restore_experiment(ids[2])
        self.assertEqual(c.get_experiment(ids[2]).lifecycle_stage, "active")
        c.set_experiment_tag(ids[2], "k", "v")
        self.assertEqual(c.get_experiment(ids[2]).tags["k"], "v")

    def test_default_experiment_is_id_0(self):
        run = self.client.create_run("0")
        self.assertEqual(run.info.experiment_id, "0")
        self.assertEqual(self.client.get_experiment("0").name, "Default")


class RunTests(ServerTestCase):
    def test_lifecycle_and_statuses(self):
        c = self.client
        eid = c.create_experiment("lifecycle")
        runs = {s: c.create_run(eid, run_name=f"r-{s}") for s in ["FINISHED", "FAILED", "KILLED", "RUNNING"]}
        for status, run in runs.items():
            self.assertEqual(len(run.info.run_id), 32)
            self.assertEqual(run.info.status, "RUNNING")
            if status != "RUNNING":
                c.set_terminated(run.info.run_id, status)
            got = c.get_run(run.info.run_id)
            self.assertEqual(got.info.status, status)
            self.assertEqual(got.info.run_name, f"r-{status}")
            if status != "RUNNING":
                self.assertIsNotNone(got.info.end_time)
        self.assertEqual([r.info.run_name for r in c.search_runs([eid], "attributes.status = 'KILLED'")], ["r-KILLED"])
        self.assertEqual(sorted(r.info.run_name for r in c.search_runs([eid], "status IN ('KILLED', 'RUNNING')")), ["r-KILLED", "r-RUNNING"])
        c.update_run(runs["RUNNING"].info.run_id, name="renamed")
        self.assertEqual(c.get_run(runs["RUNNING"].info.run_id).info.run_name, "renamed")
        # The tracker CLI sees ordinary runs with tracker's statuses and origin.
        listed = {r["uuid"]: r for r in tracker_json("runs", "--db", self.server.db)}
        want = {"FINISHED": "finished", "FAILED": "failed", "KILLED": "interrupted", "RUNNING": "running"}
        for status, run in runs.items():
            r = listed[run.info.run_id]
            self.assertEqual(r["status"], want[status])
            self.assertEqual(r["origin"], "mlflow-client")
            self.assertEqual(r["id"], run.info.run_id[:8])
        # Both ids name the run.
        self.assertEqual(c.get_run(runs["FAILED"].info.run_id[:8]).info.run_id, runs["FAILED"].info.run_id)
        # Delete and restore.
        rid = runs["FINISHED"].info.run_id
        c.delete_run(rid)
        self.assertEqual(c.get_run(rid).info.lifecycle_stage, "deleted")
        self.assertNotIn(rid, [r.info.run_id for r in c.search_runs([eid])])
        self.assertIn(rid, [r.info.run_id for r in c.search_runs([eid], run_view_type=ViewType.DELETED_ONLY)])
        self.assertMlflowError("INVALID_PARAMETER_VALUE", c.log_metric, rid, "x", 1.0)
        c.restore_run(rid)
        self.assertEqual(c.get_run(rid).info.lifecycle_stage, "active")

    def test_unknown_ids(self):
        c = self.client
        for rid in ["0" * 32, "deadbeef", "not-a-run"]:
            self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", c.get_run, rid)
        # The client refuses odd ids itself; sent raw, the server answers 404 too.
        for rid in ["'; DROP TABLE runs; --", "%", "a" * 10000, "\u0000"]:
            r = requests.get(f"{self.server.url}/api/2.0/mlflow/runs/get", params={"run_id": rid}, timeout=10)
            self.assertEqual((r.status_code, r.json()["error_code"]), (404, "RESOURCE_DOES_NOT_EXIST"), rid[:40])
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", c.log_metric, "f" * 32, "x", 1.0)
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", c.create_run, "424242")

    def test_fluent_api(self):
        mlflow.set_tracking_uri(self.server.url)
        mlflow.set_experiment("fluent")
        with mlflow.start_run(run_name="fluent-run") as run:
            mlflow.log_params({"lr": 0.01, "layers": 3, "opt": "adam"})
            mlflow.log_metrics({"loss": 0.25, "acc": 0.75}, step=3)
            mlflow.set_tags({"stage": "dev"})
        got = self.client.get_run(run.info.run_id)
        self.assertEqual(got.data.params, {"lr": "0.01", "layers": "3", "opt": "adam"})
        self.assertEqual(got.data.metrics, {"loss": 0.25, "acc": 0.75})
        self.assertEqual(got.data.tags["stage"], "dev")
        self.assertEqual(got.info.status, "FINISHED")


class LoggingTests(ServerTestCase):
    def setUp(self):
        self.eid = self.client.get_experiment_by_name("logging")
        self.eid = self.eid.experiment_id if self.eid else self.client.create_experiment("logging")
        self.run = self.client.create_run(self.eid)
        self.rid = self.run.info.run_id

    def test_params_immutable(self):
        c = self.client
        c.log_param(self.rid, "lr", "0.001")
        c.log_param(self.rid, "lr", "0.001")  # the same value again is fine
        e = self.assertMlflowError("INVALID_PARAMETER_VALUE", c.log_param, self.rid, "lr", "0.01")
        self.assertIn("immutable", str(e))
        self.assertMlflowError("INVALID_PARAMETER_VALUE", c.log_batch, self.rid,
                               metrics=[Metric("m", 1.0, 1, 0)], params=[Param("lr", "0.5")])
        # Nothing of the refused batch was written.
        self.assertEqual(c.get_metric_history(self.rid, "m"), [])
        self.assertEqual(c.get_run(self.rid).data.params, {"lr": "0.001"})
        # Text kept exactly, even where it looks like a number.
        c.log_batch(self.rid, params=[Param("a", "1.50"), Param("b", "007"), Param("c", " x ")])
        self.assertEqual({k: v for k, v in c.get_run(self.rid).data.params.items() if k in "abc"}, {"a": "1.50", "b": "007", "c": " x "})

    def test_tags_set_delete(self):
        c = self.client
        c.set_tag(self.rid, "k", "v1")
        c.set_tag(self.rid, "k", "v2")
        self.assertEqual(c.get_run(self.rid).data.tags["k"], "v2")
        c.delete_tag(self.rid, "k")
        self.assertNotIn("k", c.get_run(self.rid).data.tags)
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", c.delete_tag, self.rid, "k")

    def test_log_batch_limits(self):
        c = self.client
        metrics = [Metric("m", float(i), 1_700_000_000_000 + i, i) for i in range(1000)]
        params = [Param(f"p{i}", str(i)) for i in range(100)]
        tags = [RunTag(f"t{i}", str(i)) for i in range(100)]
        c.log_batch(self.rid, metrics=metrics, params=params, tags=tags)
        run = c.get_run(self.rid)
        self.assertEqual(len(run.data.params), 100)
        self.assertEqual(len([k for k in run.data.tags if k.startswith("t")]), 100)
        self.assertEqual(len(c.get_metric_history(self.rid, "m")), 1000)
        # Past the limits: refused by the server as MLflow does (the client would split
        # big batches itself, so the requests are sent raw).
        url = f"{self.server.url}/api/2.0/mlflow/runs/log-batch"
        for body in [
            {"metrics": [{"key": "x", "value": 1.0, "timestamp": 1, "step": i} for i in range(1001)]},
            {"params": [{"key": f"q{i}", "value": "1"} for i in range(101)]},
            {"tags": [{"key": f"u{i}", "value": "1"} for i in range(101)]},
        ]:
            r = requests.post(url, json={"run_id": self.rid, **body}, timeout=10)
            self.assertEqual(r.status_code, 400, r.text)
            self.assertEqual(r.json()["error_code"], "INVALID_PARAMETER_VALUE")
        self.assertEqual(c.get_metric_history(self.rid, "x"), [])

    def test_nan_inf_and_history_pagination(self):
        c = self.client
        values = [0.5, float("nan"), float("inf"), float("-inf"), 1e-310, 1.7976931348623157e308, -2.5]
        c.log_batch(self.rid, metrics=[Metric("v", v, 1_700_000_000_000 + i * 1000, i) for i, v in enumerate(values)])
        hist = c.get_metric_history(self.rid, "v")
        self.assertEqual([bits(m.value) for m in hist], [bits(v) for v in values])
        self.assertEqual([m.step for m in hist], list(range(len(values))))
        self.assertEqual([m.timestamp for m in hist], [1_700_000_000_000 + i * 1000 for i in range(len(values))])
        # NaN as MLflow's JSON writes it (a string) and as Python's json writes it (a bare token).
        url = f"{self.server.url}/api/2.0/mlflow/runs/log-metric"
        r = requests.post(url, data='{"run_id": "%s", "key": "w", "value": NaN, "timestamp": 5, "step": 1}' % self.rid, timeout=10)
        self.assertEqual(r.status_code, 200, r.text)
        r = requests.post(url, json={"run_id": self.rid, "key": "w", "value": "-Infinity", "timestamp": "6", "step": "2"}, timeout=10)
        self.assertEqual(r.status_code, 200, r.text)
        w = c.get_metric_history(self.rid, "w")
        self.assertTrue(math.isnan(w[0].value) and w[1].value == float("-inf"))
        # Server-side pages.
        c.log_batch(self.rid, metrics=[Metric("long", float(i), 1, i) for i in range(250)])
        got, token = [], None
        hist_url = f"{self.server.url}/api/2.0/mlflow/metrics/get-history"
        while True:
            params = {"run_id": self.rid, "metric_key": "long", "max_results": 100}
            if token:
                params["page_token"] = token
            page = requests.get(hist_url, params=params, timeout=10).json()
            got += [m["step"] for m in page["metrics"]]
            token = page.get("next_page_token")
            if not token:
                break
        self.assertEqual(got, list(range(250)))
        bad = requests.get(hist_url, params={"run_id": self.rid, "metric_key": "long", "page_token": "zzz"}, timeout=10)
        self.assertEqual(bad.status_code, 400)

    def test_hostile_bodies(self):
        url = f"{self.server.url}/api/2.0/mlflow/runs/log-metric"
        rng = random.Random(14)
        for _ in range(40):
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
            r = requests.post(url, data=body, timeout=10)
            self.assertIn(r.status_code, (400, 404), r.text)
            self.assertIn("error_code", r.json())
        for body in ['[' * 10000, '{"run_id": "%s", "key": "k", "value": 1e999999}' % self.rid,
                     '{"run_id": "%s", "key": "k", "value": 1, "step": 99999999999999999999999}' % self.rid,
                     '{"run_id": "%s", "key": "", "value": 1}' % self.rid, '{"run_id": 5}']:
            r = requests.post(url, data=body, timeout=10)
            self.assertEqual(r.status_code // 100, 4, (body[:60], r.text))
        big = b'{"run_id": "x", "key": "' + b"a" * (5 * 1024 * 1024) + b'"}'
        r = requests.post(url, data=big, timeout=30)
        self.assertEqual(r.status_code, 400)


class SearchTests(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.client
        cls.eid = c.create_experiment("search")
        cls.ids = []
        for i in range(7):
            r = c.create_run(cls.eid, run_name=f"s{i}", start_time=1_700_000_000_000 + i * 1000)
            c.log_batch(r.info.run_id, metrics=[Metric("acc", i / 10, 1, 0)], params=[Param("lr", str(10 ** -i)), Param("opt", "sgd" if i % 2 else "adam")],
                        tags=[RunTag("group", "odd" if i % 2 else "even")])
            c.set_terminated(r.info.run_id, "FINISHED" if i < 5 else "FAILED")
            cls.ids.append(r.info.run_id)

    def names(self, runs):
        return [r.info.run_name for r in runs]

    def test_filters(self):
        c = self.client
        self.assertEqual(sorted(self.names(c.search_runs([self.eid], "metrics.acc > 0.35"))), ["s4", "s5", "s6"])
        self.assertEqual(sorted(self.names(c.search_runs([self.eid], "params.opt = 'sgd' and tags.group = 'odd'"))), ["s1", "s3", "s5"])
        self.assertEqual(sorted(self.names(c.search_runs([self.eid], "attributes.status = 'FAILED'"))), ["s5", "s6"])
        self.assertEqual(sorted(self.names(c.search_runs([self.eid], "run_name LIKE 's1%'"))), ["s1"])
        self.assertEqual(sorted(self.names(c.search_runs([self.eid], f"attributes.run_id = '{self.ids[2]}'"))), ["s2"])
        self.assertEqual(sorted(self.names(c.search_runs([self.eid], "attributes.start_time >= 1700000005000"))), ["s5", "s6"])
        # tracker's extensions: OR, parentheses, IN.
        self.assertEqual(sorted(self.names(c.search_runs([self.eid], "(metrics.acc < 0.15 or metrics.acc > 0.55) and params.opt IN ('adam')"))), ["s0", "s6"])
        for bad in ["metrics.acc >", "nonsense.field = 1", "metrics.acc = 'text'", "attributes.status = 'DONE'"]:
            self.assertMlflowError("INVALID_PARAMETER_VALUE", c.search_runs, [self.eid], bad)

    def test_order_and_pages(self):
        c = self.client
        self.assertEqual(self.names(c.search_runs([self.eid], order_by=["metrics.acc DESC"])), [f"s{i}" for i in reversed(range(7))])
        self.assertEqual(self.names(c.search_runs([self.eid], order_by=["params.lr ASC"])), [f"s{i}" for i in reversed(range(7))])
        self.assertEqual(self.names(c.search_runs([self.eid])), [f"s{i}" for i in reversed(range(7))])  # start_time DESC
        got, token = [], None
        while True:
            page = c.search_runs([self.eid], order_by=["attributes.start_time ASC"], max_results=3, page_token=token)
            got.append(self.names(page))
            token = page.token
            if not token:
                break
        self.assertEqual(got, [["s0", "s1", "s2"], ["s3", "s4", "s5"], ["s6"]])
        self.assertMlflowError("INVALID_PARAMETER_VALUE", c.search_runs, [self.eid], order_by=["nonsense DESC"])


class ArtifactTests(ServerTestCase):
    def test_up_list_down(self):
        c = self.client
        rid = c.create_run(c.create_experiment("artifacts")).info.run_id
        src = tempfile.mkdtemp()
        rng = random.Random(7)
        blob = bytes(rng.randrange(256) for _ in range(300_000))
        with open(os.path.join(src, "model.bin"), "wb") as f:
            f.write(blob)
        os.makedirs(os.path.join(src, "tree", "deep"))
        for name, text in [("tree/a.txt", "a"), ("tree/deep/b.txt", "bb")]:
            with open(os.path.join(src, name), "w") as f:
                f.write(text)
        c.log_artifact(rid, os.path.join(src, "model.bin"))
        c.log_artifacts(rid, os.path.join(src, "tree"), artifact_path="tree")
        self.assertEqual([(f.path, f.is_dir, f.file_size) for f in c.list_artifacts(rid)], [("model.bin", False, 300_000), ("tree", True, None)])
        self.assertEqual([(f.path, f.is_dir) for f in c.list_artifacts(rid, "tree")], [("tree/a.txt", False), ("tree/deep", True)])
        dst = tempfile.mkdtemp()
        with open(c.download_artifacts(rid, "model.bin", dst), "rb") as f:
            self.assertEqual(f.read(), blob)
        tree = c.download_artifacts(rid, "tree", tempfile.mkdtemp())
        with open(os.path.join(tree, "deep", "b.txt")) as f:
            self.assertEqual(f.read(), "bb")
        # Hostile paths and unknown files.
        base = f"{self.server.url}/api/2.0/mlflow-artifacts/artifacts/1/{rid}/artifacts"
        self.assertEqual(requests.get(f"{base}/nope.txt", timeout=10).status_code, 404)
        for bad in ["%2E%2E/%2E%2E/etc/passwd", "a/%2E%2E/b", "a%5Cb"]:
            r = requests.put(f"{base}/{bad}", data=b"x", timeout=10)
            self.assertEqual(r.status_code, 400, (bad, r.text))
        r = requests.put(f"{base}/huge.bin", data=b"\0" * (17 * 1024 * 1024), timeout=30)
        self.assertEqual(r.status_code, 413)


class RefusalTests(ServerTestCase):
    def test_other_endpoints_are_json_404(self):
        for method, path in [("POST", "/api/2.0/mlflow/registered-models/create"), ("GET", "/api/2.0/mlflow/traces"),
                             ("POST", "/api/2.0/mlflow/logged-models"), ("GET", "/api/2.0/anything/else"),
                             ("DELETE", "/api/2.0/mlflow/runs/get"), ("GET", "/api/2.0/mlflow/runs/log-batch")]:
            t = time.time()
            r = requests.request(method, self.server.url + path, json={}, timeout=5)
            self.assertLess(time.time() - t, 2)
            self.assertEqual(r.status_code, 404, path)
            self.assertEqual(r.json()["error_code"], "ENDPOINT_NOT_FOUND")

    def test_host_header_checked(self):
        r = requests.get(self.server.url + "/api/2.0/mlflow/experiments/search", headers={"Host": "evil.example"}, timeout=5)
        self.assertEqual(r.status_code, 421)

    def test_web_ui_still_served(self):
        r = requests.get(self.server.url + "/", timeout=5)
        self.assertEqual(r.status_code, 200)
        self.assertIn("text/html", r.headers["content-type"])


TOKENS_DIR = tempfile.mkdtemp()
READ_TOKEN, WRITE_TOKEN = "r" * 20 + "-read", "w" * 20 + "-write"
with open(os.path.join(TOKENS_DIR, "tokens"), "w") as _f:
    _f.write(f"# tokens\nread {READ_TOKEN}\nwrite {WRITE_TOKEN}\n")


class TokenTests(ServerTestCase):
    server_args = ("--token-file", os.path.join(TOKENS_DIR, "tokens"))

    def tearDown(self):
        os.environ.pop("MLFLOW_TRACKING_TOKEN", None)

    def test_tokens(self):
        c = self.client
        os.environ.pop("MLFLOW_TRACKING_TOKEN", None)
        self.assertMlflowError("UNAUTHENTICATED", c.search_experiments)
        os.environ["MLFLOW_TRACKING_TOKEN"] = "x" * 20
        self.assertMlflowError("UNAUTHENTICATED", c.search_experiments)
        os.environ["MLFLOW_TRACKING_TOKEN"] = WRITE_TOKEN
        eid = c.create_experiment("tokens")
        rid = c.create_run(eid).info.run_id
        c.log_metric(rid, "m", 1.0)
        os.environ["MLFLOW_TRACKING_TOKEN"] = READ_TOKEN
        self.assertEqual(c.get_run(rid).data.metrics, {"m": 1.0})
        self.assertMlflowError("PERMISSION_DENIED", c.log_metric, rid, "m", 2.0)
        self.assertEqual(requests.post(self.server.url + "/api/2.0/mlflow/runs/log-metric", timeout=5).status_code, 401)
        r = requests.post(self.server.url + "/api/2.0/mlflow/runs/log-metric", headers={"Authorization": f"Bearer {READ_TOKEN}"}, timeout=5)
        self.assertEqual(r.status_code, 403)
        self.assertEqual(requests.get(self.server.url + "/", timeout=5).status_code, 401)

    def test_remote_bind_needs_token_file(self):
        p = subprocess.run([Server().args and "" or os.environ.get("TRACKER_BIN", os.path.join(HERE, "..", "..", ".build", "debug", "tracker")),
                            "server", "--host", "0.0.0.0", "--allow-remote", "tracker.lan", "--db", os.path.join(TOKENS_DIR, "x.db")],
                           capture_output=True, text=True, timeout=20)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--token-file", p.stderr)
        with open(os.path.join(TOKENS_DIR, "bad"), "w") as f:
            f.write("admin short\n")
        p = subprocess.run([os.environ.get("TRACKER_BIN", os.path.join(HERE, "..", "..", ".build", "debug", "tracker")),
                            "server", "--token-file", os.path.join(TOKENS_DIR, "bad"), "--db", os.path.join(TOKENS_DIR, "x.db")],
                           capture_output=True, text=True, timeout=20)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("bad:1", p.stderr)


class CLIReadsTheSameTests(ServerTestCase):
    def test_bit_exact_floats(self):
        c = self.client
        rid = c.create_run(c.create_experiment("bit-exact")).info.run_id
        rng = random.Random(1234)
        values = []
        while len(values) < 500:
            x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
            if x == 0 and math.copysign(1, x) < 0:
                continue  # -0.0 reads back as 0.0 (SQLite; documented in the schema)
            values.append(x)
        values[:4] = [float("nan"), float("inf"), float("-inf"), 5e-324]
        c.log_batch(rid, metrics=[Metric("k", v, 1_700_000_000_000 + i, i) for i, v in enumerate(values)])
        c.log_param(rid, "lr", "0.00031")
        out = tracker("metrics", "--db", self.server.db, rid[:8], "--key", "k", "--format", "csv").stdout
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 500)
        for row, v in zip(rows, values):
            got = float(row["value"])
            self.assertEqual(bits(got) if not math.isnan(v) else math.isnan(got), bits(v) if not math.isnan(v) else True, row)
        listed = [r for r in tracker_json("runs", "--db", self.server.db) if r["uuid"] == rid][0]
        self.assertEqual(listed["params"]["lr"], 0.00031)
        self.assertEqual(listed["metrics"]["k"]["count"], 500)
        self.assertEqual(bits(float(listed["metrics"]["k"]["last"])), bits(values[-1]))
        # rerun/resume explain that tracker did not train it.
        for verb in ["rerun", "resume"]:
            p = tracker(verb, "--db", self.server.db, rid[:8], check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("not trained by tracker", p.stderr)
        # show and the filters work on it.
        self.assertIn("mlflow-client", tracker("show", "--db", self.server.db, rid[:8]).stdout)
        found = tracker_json("runs", "--db", self.server.db, "--where", "origin = 'mlflow-client' and params.lr < 0.001")
        self.assertIn(rid, [r["uuid"] for r in found])


sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python"))


class FakeParam:
    """A parameter without torch: a flat list of weights and one of gradients."""

    def __init__(self, weights, grads):
        self.data, self.grad = weights, grads

    def tolist(self):
        return self.data


class FakeModule:
    def __init__(self, params):
        self.params = params

    def named_parameters(self):
        return list(self.params.items())


class GradientHelperTests(ServerTestCase):
    def test_helper_logs_tracker_gradient_stats(self):
        from tracker_grads import GradientStats, tensor_stats

        c = self.client
        rid = c.create_run(c.create_experiment("grads")).info.run_id
        rng = random.Random(3)
        # A vanishing pattern: each layer's gradients 1000x smaller than the next one's.
        names = [f"layers.{i}.weight" for i in range(4)]
        model = FakeModule({n: FakeParam([rng.gauss(0, 1) for _ in range(50)], []) for n in names})
        stats = GradientStats(model, every=2, client=c, run_id=rid)
        expected = {}
        for step in range(6):
            for i, n in enumerate(names):
                p = model.params[n]
                p.grad = [rng.gauss(0, 1) * 10.0 ** (3 * (i - 3)) if j % 5 else 0.0 for j in range(50)]
                if step % 2 == 0:
                    expected[(n, step)] = tensor_stats(p.grad)
            stats.log(step)
            for n in names:
                model.params[n].data = [w - 0.1 * g for w, g in zip(model.params[n].data, model.params[n].grad)]
            stats.after_step(step)
        report = json.loads(tracker("grads", "--db", self.server.db, rid[:8], "--format", "json").stdout)
        text = json.dumps(report)
        for n in names:
            self.assertIn(n, text)
        stored = tracker("grads", "--db", self.server.db, rid[:8]).stdout
        self.assertIn("VANISHING", stored)
        # The values are the helper's, bit-exact, in grad_stats (the report's l2 matrix), not metric series.
        for i, n in enumerate(names):
            self.assertEqual([bits(v) for v in report["l2"][i]], [bits(expected[(n, s)]["l2"]) for s in (0, 2, 4)])
        self.assertEqual(c.get_metric_history(rid, "grad/layers.0.weight/l2"), [])
        self.assertEqual(expected[("layers.0.weight", 0)]["zero_frac"], 10 / 50)

    def test_helper_statistics_raise_tracker_alerts(self):
        """Layer statistics and the alerts a tracker run raises, on a run an MLflow client logs."""
        from mlflow.entities import Metric
        from tracker_grads import GradientStats, activation_stats

        c = self.client
        rid = c.create_run(c.create_experiment("alerts")).info.run_id
        rng = random.Random(11)
        names = ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight"]
        model = FakeModule({n: FakeParam([rng.gauss(0, 1) for _ in range(40)], []) for n in names})
        stats = GradientStats(model, every=1, client=c, run_id=rid)
        # 30 samples x 10 units: units 0-6 never positive (70% dead), the rest always positive.
        rows = [[-rng.random() if j < 7 else rng.random() + 0.1 for j in range(10)] for _ in range(30)]
        for step in range(2):
            for i, n in enumerate(names):  # first layer's gradients 10^-6 of the last one's: vanishing
                model.params[n].grad = [rng.gauss(0, 1) * (1e-6 if n.startswith("0.") else 1.0) for _ in range(40)]
            stats.record_activation("1", "relu", rows)
            stats.log(step)
        # Epochs: validation loss rises twice while training loss falls (overfitting, patience 2),
        # then a NaN training loss.
        for epoch, (tl, vl) in enumerate([(1.0, 0.9), (0.8, 0.7), (0.6, 0.75), (0.5, 0.8)], start=1):
            c.log_batch(rid, metrics=[Metric("train_loss", tl, 0, epoch * 10), Metric("val_loss", vl, 0, epoch * 10)])
        c.log_metric(rid, "train_loss", float("nan"), step=50)
        c.log_metric(rid, "train_loss", float("nan"), step=60)  # a second NaN: still one alert

        show = tracker_json("show", "--db", self.server.db, rid[:8])
        events = {e["kind"]: e for e in show["events"]}
        self.assertEqual(sorted(events), ["dead_relu", "non_finite_loss", "overfitting", "vanishing_gradients"])
        self.assertEqual([e["kind"] for e in show["events"]].count("vanishing_gradients"), 1)  # once per run
        self.assertEqual(events["dead_relu"]["message"], "1: 70% of its units were inactive for every sample of the batch at step 0")
        self.assertRegex(events["vanishing_gradients"]["message"],
                         r"^first/last layer gradient-norm ratio [0-9.e-]+ at step 0 \(0\.weight [0-9.e-]+ vs 4\.weight [0-9.e-]+\), below 0\.001$")
        self.assertEqual(events["overfitting"]["message"],
                         "validation loss has risen for 2 epochs while training loss fell; onset after epoch 2, best epoch 2")
        self.assertEqual(events["overfitting"]["step"], 40)
        self.assertEqual(events["non_finite_loss"]["message"], "loss became NaN at step 50")
        self.assertEqual(events["non_finite_loss"]["level"], "error")
        # The ratio is a metric series, as on a tracker run; the layer statistics are layer_stats.
        ratio = c.get_metric_history(rid, "grad_ratio_first_last")
        self.assertEqual([m.step for m in ratio], [0, 1])
        self.assertLess(ratio[0].value, 1e-3)
        out = tempfile.mkdtemp(prefix="tracker-export-")
        tracker("export", "--db", self.server.db, rid[:8], "--out", out)
        with open(os.path.join(out, "layer_stats.csv")) as f:
            layer = {(r["layer"], r["stat"], r["step"]): float(r["value"]) for r in csv.DictReader(f)}
        want = activation_stats("relu", rows)
        self.assertEqual(layer[("1", "dead_fraction", "0")], want["dead_fraction"])
        self.assertEqual(layer[("1", "inactive_fraction", "0")], want["inactive_fraction"])
        w = model.params["0.weight"].data
        self.assertAlmostEqual(layer[("0.weight", "weight_norm", "1")], math.sqrt(math.fsum(v * v for v in w)), places=12)
        self.assertNotIn(("0.bias", "weight_norm", "0"), layer)

    def test_exploding_and_declared_weight_order(self):
        """A declared weight order (the helper's tag) decides first and last; a huge norm is exploding."""
        from tracker_grads import GradientStats

        c = self.client
        rid = c.create_run(c.create_experiment("exploding")).info.run_id
        # Names that sort the wrong way by name: the tag gives depth order (fc_in first, fc_out last).
        names = ["fc_out.weight", "fc_in.weight", "norm.weight"]
        model = FakeModule({n: FakeParam([1.0] * 10, [0.0] * 10) for n in names})
        stats = GradientStats(model, every=1, client=c, run_id=rid, weights=["fc_in.weight", "fc_out.weight"])
        model.params["fc_in.weight"].grad = [1e4] * 10   # norm 3.2e4 > 1e3: exploding
        model.params["fc_out.weight"].grad = [1.0] * 10
        model.params["norm.weight"].grad = [1e-9] * 10   # would be 'last' by name: not a layer weight
        stats.log(0)
        show = tracker_json("show", "--db", self.server.db, rid[:8])
        kinds = [e["kind"] for e in show["events"]]
        self.assertEqual(kinds, ["exploding_gradients"])
        self.assertEqual(show["events"][0]["message"], "fc_in.weight gradient norm 3.16e+04 at step 0, above 1e+03")
        ratio = c.get_metric_history(rid, "grad_ratio_first_last")
        self.assertEqual(len(ratio), 1)
        self.assertAlmostEqual(ratio[0].value, 1e4, places=6)


def client_process(url, name, batches, per_batch, log_path, retries):
    """The command of one logging client (a separate Python process)."""
    code = f"""
import os, sys
os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "{retries}"
os.environ["MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"] = "1"
os.environ["MLFLOW_HTTP_REQUEST_BACKOFF_JITTER"] = "0.1"
from mlflow import MlflowClient
from mlflow.entities import Metric
c = MlflowClient(tracking_uri={url!r})
exp = c.get_experiment_by_name("ingest")
eid = exp.experiment_id if exp else None
if eid is None:
    try: eid = c.create_experiment("ingest")
    except Exception: eid = c.get_experiment_by_name("ingest").experiment_id
rid = c.create_run(eid, run_name={name!r}).info.run_id
log = open({log_path!r}, "w", buffering=1)
log.write("run " + rid + "\\n")
for b in range({batches}):
    c.log_batch(rid, metrics=[Metric("loss", (b * {per_batch} + i) * 0.5, 1700000000000 + b, b * {per_batch} + i) for i in range({per_batch})])
    log.write("ack " + str(b) + "\\n")
c.set_terminated(rid)
log.write("done\\n")
"""
    return [sys.executable, "-c", code]


def read_log(path):
    run, acked, done = None, [], False
    if not os.path.exists(path):
        return run, acked, done  # the client has not created its run yet
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts[:1] == ["run"]:
                run = parts[1]
            elif parts[:1] == ["ack"]:
                acked.append(int(parts[1]))
            elif parts[:1] == ["done"]:
                done = True
    return run, acked, done


def stored_steps(db, run):
    p = tracker("metrics", "--db", db, run[:8], "--key", "loss", "--format", "csv", check=False)
    if p.returncode != 0 and "has no metric 'loss'" in p.stderr:
        return []  # created, nothing acknowledged yet
    assert p.returncode == 0, p.stderr
    out = p.stdout
    return [int(r["step"]) for r in csv.DictReader(io.StringIO(out))]


class ConcurrencyTests(unittest.TestCase):
    def test_eight_clients_at_once(self):
        server = Server().start()
        try:
            d = tempfile.mkdtemp()
            batches, per = 10, 500
            procs = [subprocess.Popen(client_process(server.url, f"c{i}", batches, per, os.path.join(d, f"{i}.log"), 0),
                                      stderr=subprocess.PIPE, text=True) for i in range(8)]
            errors = [p.communicate(timeout=90)[1] for p in procs]
            for p, err in zip(procs, errors):
                self.assertEqual(p.returncode, 0, err[-2000:])
            for i in range(8):
                run, acked, done = read_log(os.path.join(d, f"{i}.log"))
                self.assertTrue(done)
                self.assertEqual(stored_steps(server.db, run), list(range(batches * per)))
        finally:
            server.stop()

    def test_kill_9_during_ingest(self):
        server = Server().start()
        port, db = server.port, server.db
        d = tempfile.mkdtemp()
        batches, per = 60, 200
        procs = [subprocess.Popen(client_process(server.url, f"k{i}", batches, per, os.path.join(d, f"{i}.log"), 10),
                                  stderr=subprocess.PIPE, text=True) for i in range(4)]
        restarted = None
        try:
            # Kill once some batches are acknowledged and before everything is.
            deadline = time.time() + 60
            while time.time() < deadline:
                logs = [read_log(os.path.join(d, f"{i}.log")) for i in range(4)]
                # Every client has a run and, together, some batches are acknowledged.
                if all(run for run, _, _ in logs) and sum(len(a) for _, a, _ in logs) >= 20:
                    break
                time.sleep(0.02)
            server.kill9()
            snapshot = {}
            for i in range(4):
                run, acked, _ = read_log(os.path.join(d, f"{i}.log"))
                snapshot[i] = (run, acked)
            self.assertLess(sum(len(a) for _, a in snapshot.values()), 4 * batches, "the kill came too late to test anything")
            self.assertEqual(tracker("check", "--db", db).stdout.strip(), "ok")
            for run, acked in snapshot.values():
                if run is None:
                    continue
                have = set(stored_steps(db, run))
                for b in acked:
                    self.assertTrue(set(range(b * per, (b + 1) * per)) <= have, f"acknowledged batch {b} of {run} lost")
            time.sleep(0.3)
            wait_port_free(port)
            restarted = Server(db=db, port=port).start()
            errors = [p.communicate(timeout=90)[1] for p in procs]
            for p, err in zip(procs, errors):
                self.assertEqual(p.returncode, 0, err[-2000:])
            for i in range(4):
                run, acked, done = read_log(os.path.join(d, f"{i}.log"))
                self.assertTrue(done)
                self.assertEqual(stored_steps(db, run), list(range(batches * per)))
            self.assertEqual(tracker("check", "--db", db).stdout.strip(), "ok")
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
            if restarted:
                restarted.stop()
            if server.proc.poll() is None:
                server.stop()


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    ran = result.testsRun
    sys.exit(0 if ran > 0 and result.wasSuccessful() else 1)
