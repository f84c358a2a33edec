"""Per-tensor gradient, weight and activation statistics of a model, logged through the stock MLflow client.

    from tracker_grads import GradientStats
    stats = GradientStats(model, every=50)        # hooks on the module's parameters and activations
    ...
    loss.backward()
    stats.log(step)                               # after backward(), before optimizer.step()
    optimizer.step()
    stats.after_step(step)                        # optional: update/weight ratio

Every `every` steps it logs, in one `log_batch` call per 1000 values:
- for each parameter tensor NAME: `grad/NAME/l2`, `grad/NAME/mean`, `grad/NAME/std`,
  `grad/NAME/max_abs`, `grad/NAME/zero_frac` (and `grad/NAME/update_ratio` after `after_step`);
- for each weight tensor: `layer/NAME/weight_norm` and `layer/NAME/near_zero_fraction`
  (|w| < 1e-3);
- for each activation module (ReLU, LeakyReLU, PReLU, ELU, Sigmoid, Tanh) named MOD, from
  the training forward pass of that step: `layer/MOD/inactive_fraction` (outputs <= 0),
  `layer/MOD/dead_fraction` (units <= 0 for every sample of the batch),
  `layer/MOD/saturation_fraction` (sigmoid outside (0.01, 0.99), tanh |y| > 0.99) and
  `layer/MOD/activation_mean`.
It also sets the run tag `tracker.weight_tensors` (the weight tensors in depth order) once.

`tracker server` stores `grad/…` as tracker's gradient statistics and `layer/…` as its layer
statistics and raises the same alerts a tracker run raises (vanishing and exploding
gradients, dead ReLUs, a non-finite loss, overfitting), so `tracker grads RUN`, the UI's heat
map and the alerts work on the run.

`seconds` holds the time spent in the hooks and statistics (`"hooks"`) and in sending
(`"send"`), so the overhead of the statistics can be told apart from the network's.

Works with torch; without torch, any object whose `.grad` is a flat sequence of floats (or
has `tolist()`) works, and `record_activation` takes plain lists — which is how the tests
run without torch.
"""
import json
import math
import time

__all__ = ["GradientStats", "tensor_stats", "activation_stats", "WEIGHT_TENSORS_TAG"]

WEIGHT_TENSORS_TAG = "tracker.weight_tensors"
NEAR_ZERO = 1e-3
_RELU_FAMILY = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "PReLU": "prelu", "ELU": "elu", "ReLU6": "relu"}
_SATURATING = {"Sigmoid": "sigmoid", "Tanh": "tanh"}


def tensor_stats(values):
    """L2 norm, mean, population std, max |x| and fraction of exact zeros of a flat list."""
    n = len(values)
    if n == 0:
        return {"l2": 0.0, "mean": 0.0, "std": 0.0, "max_abs": 0.0, "zero_frac": 0.0}
    mean = math.fsum(values) / n
    var = max(0.0, math.fsum((v - mean) ** 2 for v in values) / n)
    return {
        "l2": math.sqrt(math.fsum(v * v for v in values)),
        "mean": mean,
        "std": math.sqrt(var),
        "max_abs": max(abs(v) for v in values),
        "zero_frac": sum(1 for v in values if v == 0.0) / n,
    }


def activation_stats(kind, rows):
    """tracker's activation statistics of one batch of outputs, `rows` = [sample][unit]."""
    flat = [v for r in rows for v in r]
    n, width = len(flat), (len(rows[0]) if rows else 0)
    out = {"activation_mean": math.fsum(flat) / n if n else 0.0}
    if kind in ("sigmoid", "tanh"):
        lo, hi = (0.01, 0.99) if kind == "sigmoid" else (-0.99, 0.99)
        out["saturation_fraction"] = sum(1 for v in flat if v < lo or v > hi) / n if n else 0.0
    else:
        out["inactive_fraction"] = sum(1 for v in flat if v <= 0) / n if n else 0.0
        dead = sum(1 for j in range(width) if all(r[j] <= 0 for r in rows))
        out["dead_fraction"] = dead / width if width else 0.0
    return out


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


def _is_weight(name):
    return name.lower().endswith("weight")


class GradientStats:
    """Logs statistics of `model`'s parameters and activations every `every` steps."""

    def __init__(self, model, every=10, client=None, run_id=None, activations=True, weights=None):
        """`weights`: the names of the layers' weight tensors in depth order, when the default
        (Linear/Conv modules' weights in registration order; without torch, names ending in
        `weight`) is not the model's order."""
        if not isinstance(every, int) or every < 1:
            raise ValueError("every must be an integer of at least 1")
        self.model, self.every = model, every
        self._client, self._run_id = client, run_id
        self._before, self._acts, self._hooks = {}, {}, []
        self._armed = True  # the next training forward pass is one of a logged step
        self._tagged = False
        self.seconds = {"hooks": 0.0, "send": 0.0}
        self._weights = list(weights) if weights is not None else self._weight_tensors()
        if activations and hasattr(model, "named_modules"):
            for name, module in model.named_modules():
                kind = _RELU_FAMILY.get(type(module).__name__) or _SATURATING.get(type(module).__name__)
                if kind and hasattr(module, "register_forward_hook"):
                    self._hooks.append(module.register_forward_hook(self._forward_hook(name or kind, kind)))

    def _named(self):
        return list(self.model.named_parameters())

    def _weight_tensors(self):
        """Weights of Linear/Conv modules in registration (depth) order; by name without torch."""
        if hasattr(self.model, "named_modules"):
            names = []
            for mname, module in self.model.named_modules():
                if type(module).__name__ in ("Linear", "Conv1d", "Conv2d", "Conv3d", "Bilinear") and getattr(module, "weight", None) is not None:
                    names.append(f"{mname}.weight" if mname else "weight")
            if names:
                return names
        return [n for n, _ in self._named() if _is_weight(n)]

    def _forward_hook(self, name, kind):
        def hook(module, inputs, output):
            if not self._armed or not getattr(module, "training", True):
                return
            t0 = time.perf_counter()
            self._acts[name] = self._torch_activation(kind, output.detach())
            self.seconds["hooks"] += time.perf_counter() - t0
        return hook

    @staticmethod
    def _torch_activation(kind, y):
        import torch

        y = y.reshape(y.shape[0], -1) if y.dim() > 1 else y.reshape(1, -1)
        f64, n, width = torch.float64, y.numel(), y.shape[1]
        if kind in ("sigmoid", "tanh"):
            lo, hi = (0.01, 0.99) if kind == "sigmoid" else (-0.99, 0.99)
            values = torch.stack([y.sum(dtype=f64) / n, ((y < lo) | (y > hi)).sum().to(f64) / n]).tolist()
            return {"activation_mean": values[0], "saturation_fraction": values[1]}
        inactive = y <= 0
        values = torch.stack([y.sum(dtype=f64) / n, inactive.sum().to(f64) / n, inactive.all(dim=0).sum().to(f64) / width]).tolist()
        return {"activation_mean": values[0], "inactive_fraction": values[1], "dead_fraction": values[2]}

    def record_activation(self, name, kind, rows):
        """Records one batch of an activation's outputs (plain lists); what the forward hooks do with torch."""
        if self._armed:
            self._acts[name] = activation_stats(kind, rows)

    def _target(self):
        import mlflow
        from mlflow import MlflowClient

        client = self._client or MlflowClient()
        run_id = self._run_id or mlflow.active_run().info.run_id
        return client, run_id

    def _send(self, metrics):
        from mlflow.entities import Metric

        t0 = time.perf_counter()
        client, run_id = self._target()
        if not self._tagged and len(self._weights) > 1:
            client.set_tag(run_id, WEIGHT_TENSORS_TAG, json.dumps(self._weights))
            self._tagged = True
        now = int(time.time() * 1000)
        batch = [Metric(k, v, now, s) for k, v, s in metrics]
        for i in range(0, len(batch), 1000):
            client.log_batch(run_id, metrics=batch[i:i + 1000])
        self.seconds["send"] += time.perf_counter() - t0

    def _tensor_rows(self, step):
        """(key, value, step) of every gradient and weight statistic, one tolist() with torch."""
        named = [(n, p) for n, p in self._named() if getattr(p, "grad", None) is not None]
        metrics = []
        if named and hasattr(named[0][1], "detach"):
            import torch

            rows, f64 = [], torch.float64
            for name, p in named:
                # Sums in float64 without float64 copies of the tensors (one op each, no temporaries
                # beyond a boolean mask): the hooks' cost is what --measure-overhead prints.
                g, w = p.grad.detach().flatten(), p.detach().flatten()
                var = torch.var(g, correction=0)
                lo, hi = torch.aminmax(g)
                rows.append(torch.stack([
                    torch.linalg.vector_norm(g, dtype=f64), g.sum(dtype=f64) / g.numel(), var.to(f64).sqrt(),
                    torch.maximum(lo.abs(), hi.abs()).to(f64), (g == 0).sum().to(f64) / g.numel(),
                    torch.linalg.vector_norm(w, dtype=f64), (w.abs() < NEAR_ZERO).sum().to(f64) / w.numel()]))
                self._before[name] = p.detach().clone()
            values = torch.stack(rows).tolist()
            for (name, _), v in zip(named, values):
                metrics += [(f"grad/{name}/{k}", x, step) for k, x in zip(("l2", "mean", "std", "max_abs", "zero_frac"), v[:5])]
                if _is_weight(name):
                    metrics += [(f"layer/{name}/weight_norm", v[5], step), (f"layer/{name}/near_zero_fraction", v[6], step)]
            return metrics
        for name, p in named:
            for stat, value in tensor_stats(_flat(p.grad)).items():
                metrics.append((f"grad/{name}/{stat}", value, step))
            weights = _flat(p)
            self._before[name] = weights
            if _is_weight(name) and weights:
                metrics.append((f"layer/{name}/weight_norm", math.sqrt(math.fsum(w * w for w in weights)), step))
                metrics.append((f"layer/{name}/near_zero_fraction", sum(1 for w in weights if abs(w) < NEAR_ZERO) / len(weights), step))
        return metrics

    def log(self, step):
        """Logs the current statistics (call after backward()); a no-op between every-th steps."""
        logged = step % self.every == 0
        self._armed = (step + 1) % self.every == 0
        if not logged:
            self._acts.clear()
            return
        t0 = time.perf_counter()
        metrics = self._tensor_rows(step)
        for name, stats in sorted(self._acts.items()):
            metrics += [(f"layer/{name}/{k}", v, step) for k, v in stats.items()]
        self._acts.clear()
        self.seconds["hooks"] += time.perf_counter() - t0
        if metrics:
            self._send(metrics)

    def after_step(self, step):
        """Logs ‖update‖ / ‖weight‖ of the optimizer step just taken (call after optimizer.step())."""
        if step % self.every or not self._before:
            return
        t0 = time.perf_counter()
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
        self.seconds["hooks"] += time.perf_counter() - t0
        if metrics:
            self._send(metrics)

    def remove(self):
        """Removes the hooks."""
        for h in self._hooks:
            h.remove()
        self._hooks.clear()

