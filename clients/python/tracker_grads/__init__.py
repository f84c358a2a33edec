"""Per-tensor gradient statistics of a model, logged through the stock MLflow client.

    from tracker_grads import GradientStats
    stats = GradientStats(model, every=50)        # hooks on every parameter of the module
    ...
    loss.backward()
    stats.log(step)                               # after backward(), before optimizer.step()
    optimizer.step()
    stats.after_step(step)                        # optional: update/weight ratio

Every `every` steps it logs, for each parameter tensor NAME, the metrics
`grad/NAME/l2`, `grad/NAME/mean`, `grad/NAME/std`, `grad/NAME/max_abs`,
`grad/NAME/zero_frac` (and `grad/NAME/update_ratio` after `after_step`) in one
`log_batch` call per 1000 values. `tracker server` stores those keys as tracker's gradient
statistics, so `tracker grads RUN`, the UI's heat map and the alerts (vanishing or
exploding gradients) work on the run.

Works with torch tensors; any object whose `.grad` is a flat sequence of floats (or has
`tolist()`) works too, which is how the tests run without torch.
"""
import math
import time

__all__ = ["GradientStats", "tensor_stats"]


def tensor_stats(values):
    """L2 norm, mean, population std, max |x| and fraction of exact zeros of a flat list."""
    n = len(values)
    if n == 0:
        return {"l2": 0.0, "mean": 0.0, "std": 0.0, "max_abs": 0.0, "zero_frac": 0.0}
    total = math.fsum(values)
    mean = total / n
    sq = math.fsum(v * v for v in values)
    var = max(0.0, math.fsum((v - mean) ** 2 for v in values) / n)
    return {
        "l2": math.sqrt(sq),
        "mean": mean,
        "std": math.sqrt(var),
        "max_abs": max(abs(v) for v in values),
        "zero_frac": sum(1 for v in values if v == 0.0) / n,
    }


def _flat(x):
    if hasattr(x, "detach"):
        return x.detach().double().flatten()
    if hasattr(x, "tolist"):
        x = x.tolist()
    out = []

    def walk(v):
        if isinstance(v, (list, tuple)):
            for item in v:
                walk(item)
        else:
            out.append(float(v))

    walk(x)
    return out


def _stats(x):
    flat = _flat(x)
    if isinstance(flat, list):
        return tensor_stats(flat)
    import torch  # a torch tensor: the same statistics with torch ops

    n = flat.numel()
    if n == 0:
        return tensor_stats([])
    return {
        "l2": float(torch.linalg.vector_norm(flat)),
        "mean": float(flat.mean()),
        "std": float(flat.std(unbiased=False)),
        "max_abs": float(flat.abs().max()),
        "zero_frac": float((flat == 0).sum()) / n,
    }


class GradientStats:
    """Logs gradient statistics of `model`'s parameters every `every` steps."""

    def __init__(self, model, every=10, client=None, run_id=None):
        if every < 1:
            raise ValueError("every must be at least 1")
        self.model, self.every = model, every
        self._client, self._run_id = client, run_id
        self._before = {}
        self._hooks = []
        # A hook per parameter marks which tensors received a gradient in this backward pass.
        self._seen = set()
        for name, p in self._named():
            if hasattr(p, "register_hook") and getattr(p, "requires_grad", False):
                self._hooks.append(p.register_hook(lambda g, name=name: self._seen.add(name)))

    def _named(self):
        return list(self.model.named_parameters())

    def _target(self):
        import mlflow
        from mlflow import MlflowClient

        client = self._client or MlflowClient()
        run_id = self._run_id or mlflow.active_run().info.run_id
        return client, run_id

    def _send(self, metrics):
        from mlflow.entities import Metric

        client, run_id = self._target()
        now = int(time.time() * 1000)
        batch = [Metric(k, v, now, s) for k, v, s in metrics]
        for i in range(0, len(batch), 1000):
            client.log_batch(run_id, metrics=batch[i:i + 1000])

    def log(self, step):
        """Logs the current gradients (call after backward()); a no-op between every-th steps."""
        if step % self.every:
            self._seen.clear()
            return
        metrics = []
        for name, p in self._named():
            if getattr(p, "grad", None) is None:
                continue
            for stat, value in _stats(p.grad).items():
                metrics.append((f"grad/{name}/{stat}", value, step))
            self._before[name] = _flat(p) if not hasattr(p, "detach") else p.detach().clone()
        self._seen.clear()
        if metrics:
            self._send(metrics)

    def after_step(self, step):
        """Logs ‖update‖ / ‖weight‖ of the optimizer step just taken (call after optimizer.step())."""
        if step % self.every or not self._before:
            return
        metrics = []
        for name, p in self._named():
            before = self._before.get(name)
            if before is None:
                continue
            now = _flat(p)
            if isinstance(now, list):
                update = math.sqrt(math.fsum((a - b) ** 2 for a, b in zip(now, before)))
                weight = math.sqrt(math.fsum(a * a for a in before))
            else:
                update = float((now - before.double().flatten()).norm())
                weight = float(before.double().norm())
            metrics.append((f"grad/{name}/update_ratio", update / weight if weight > 0 else float("nan"), step))
        self._before.clear()
        if metrics:
            self._send(metrics)

    def remove(self):
        """Removes the hooks."""
        for h in self._hooks:
            h.remove()
        self._hooks.clear()
