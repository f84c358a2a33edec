"""Starts and stops `tracker server` for the tests, and runs the `tracker` CLI."""
import json
import os
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRACKER = os.environ.get("TRACKER_BIN", os.path.join(ROOT, ".build", "debug", "tracker"))


class Server:
    """A `tracker server` on a temp store (or `db`), on a free port unless `port` is given."""

    def __init__(self, db=None, port=0, args=()):
        self.dir = tempfile.mkdtemp(prefix="tracker-mlflow-")
        self.db = db or os.path.join(self.dir, "t.db")
        self.args = list(args)
        self.port = port
        self.proc = None

    def start(self):
        cmd = [TRACKER, "server", "--db", self.db, "--port", str(self.port)] + self.args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on "):
            err = self.proc.stderr.read()
            raise RuntimeError(f"tracker server did not start: {line!r} {err!r}")
        self.url = line.split("listening on ", 1)[1].strip()
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
            self.proc.stderr.close()

    def kill9(self):
        self.proc.kill()  # SIGKILL
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def tracker(*args, check=True):
    """Runs the tracker CLI; returns stdout."""
    p = subprocess.run([TRACKER, *args], capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"tracker {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


def tracker_json(*args):
    return json.loads(tracker(*args, "--format", "json").stdout)


def wait_port_free(port, timeout=5.0):
    import socket
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = socket.socket()
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            return
        except OSError:
            time.sleep(0.05)
        finally:
            s.close()
