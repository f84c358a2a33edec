"""Fashion-MNIST in PyTorch, logged through the stock MLflow client to `tracker server`.

    tracker server --db tracker.db &                                   # the store, on 127.0.0.1:5000
    pip install mlflow-skinny torch ./clients/python                   # once
    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python examples/pytorch/train.py --model A

Models (as tracker's examples and the PyTorch peer in benchmarks/ have them):
  A        784-256-128-10 ReLU, batch 128, Adam 1e-3
  sigmoid  20 hidden layers of 64 sigmoid units, batch 64, Adam 1e-3 (PyTorch's default
           init): the vanishing-gradient net; tracker raises `vanishing_gradients` on it.

Each epoch logs train_loss (the epoch's mean), val_loss and val_acc (the last 10,000
training images held out), and test_acc at the end; `tracker_grads.GradientStats` logs
per-tensor gradient, weight and activation statistics every --grads-every steps, which
tracker stores as its own statistics: `tracker grads RUN`, `tracker show RUN` (alerts) and
the UI's heat map read the run as they read a tracker run.

--measure-overhead trains model A with the statistics on in odd epochs and off in even
ones (in one process, after a warm-up epoch) and prints the median epoch times, the time
spent in the hooks and in sending: the overhead of the statistics, told apart from the
network's.
"""
import argparse
import gzip
import os
import statistics
import struct
import time

import mlflow
import torch
import torch.nn as nn

from tracker_grads import GradientStats

DATA = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    """A gzip'd IDX file of unsigned bytes as a uint8 tensor of its shape."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, kind, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise SystemExit(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


def load(kind):
    x = read_idx(os.path.join(DATA, f"{kind}-images-idx3-ubyte.gz")).reshape(-1, 784).float() / 255.0
    y = read_idx(os.path.join(DATA, f"{kind}-labels-idx1-ubyte.gz")).long()
    return x, y


def mlp(sizes, act):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def evaluate(model, x, y, loss_fn):
    model.eval()
    with torch.no_grad():
        out = model(x)
        loss, acc = loss_fn(out, y).item(), (out.argmax(1) == y).float().mean().item()
    model.train()
    return loss, acc


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=["A", "sigmoid"], default="A")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--samples", type=int, default=50000, help="training images a epoch (at most 50,000)")
    p.add_argument("--grads-every", type=int, default=50, help="steps between gradient statistics (0: none)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--experiment", default="pytorch-fashion")
    p.add_argument("--measure-overhead", action="store_true")
    args = p.parse_args()
    if not 1 <= args.epochs <= 1000 or not 1 <= args.samples <= 50000 or args.grads_every < 0:
        raise SystemExit("--epochs must be 1..1000, --samples 1..50000, --grads-every >= 0")
    if args.measure_overhead and (args.model != "A" or args.grads_every == 0 or args.epochs < 5):
        raise SystemExit("--measure-overhead needs --model A, --grads-every > 0 and at least 5 epochs")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y = load("train")
    x_val, y_val = x[50000:], y[50000:]
    x, y = x[:args.samples], y[:args.samples]
    x_test, y_test = load("t10k")
    if args.model == "A":
        model, batch = mlp([784, 256, 128, 10], nn.ReLU), 128
    else:
        model, batch = mlp([784] + [64] * 20 + [10], nn.Sigmoid), 64
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    mlflow.set_experiment(args.experiment)
    with mlflow.start_run(run_name=f"torch-{args.model}") as run:
        mlflow.log_params({"model": args.model, "batch": batch, "lr": 1e-3, "optimizer": "adam", "epochs": args.epochs,
                           "samples": args.samples, "seed": args.seed, "threads": args.threads,
                           "grads_every": args.grads_every, "torch": torch.__version__})
        stats = GradientStats(model, every=args.grads_every) if args.grads_every else None
        step, times = 0, {"on": [], "off": []}
        for epoch in range(1, args.epochs + 1):
            on = stats is not None and (not args.measure_overhead or epoch == 1 or epoch % 2 == 1)
            hooks_before = dict(stats.seconds) if stats else None
            perm = torch.randperm(len(x))
            t0, total, batches = time.perf_counter(), torch.zeros(()), 0
            for i in range(0, len(x), batch):
                idx = perm[i:i + batch]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(x[idx]), y[idx])
                loss.backward()
                if on:
                    stats.log(step)
                opt.step()
                if on:
                    stats.after_step(step)
                total += loss.detach()
                batches += 1
                step += 1
            seconds = time.perf_counter() - t0
            if args.measure_overhead and epoch > 1:
                times["on" if on else "off"].append((seconds, stats.seconds["hooks"] - hooks_before["hooks"], stats.seconds["send"] - hooks_before["send"]))
            train_loss = (total / batches).item()
            val_loss, val_acc = evaluate(model, x_val, y_val, loss_fn)
            mlflow.log_metrics({"train_loss": train_loss, "val_loss": val_loss, "val_acc": val_acc}, step=step)
            print(f"epoch {epoch}: {seconds:.2f}s train_loss {train_loss:.4f} val_loss {val_loss:.4f} val_acc {val_acc:.4f}", flush=True)
        _, test_acc = evaluate(model, x_test, y_test, loss_fn)
        mlflow.log_metric("test_acc", test_acc, step=step)
        print(f"run {run.info.run_id[:8]}: test_acc {test_acc:.4f}")
        if args.measure_overhead:
            report_overhead(times, len(x))
            paired_overhead(model, opt, loss_fn, x, y, batch, stats)


def report_overhead(times, samples):
    off = statistics.median(t for t, _, _ in times["off"])
    on = statistics.median(t for t, _, _ in times["on"])
    hooks = statistics.median(h for _, h, _ in times["on"])
    send = statistics.median(s for _, _, s in times["on"])
    print(f"epochs without statistics: median {off:.2f}s ({samples / off:,.0f} samples/s), n={len(times['off'])}, "
          f"range {min(t for t, _, _ in times['off']):.2f}-{max(t for t, _, _ in times['off']):.2f}s")
    print(f"epochs with statistics:    median {on:.2f}s, n={len(times['on'])}: hooks and statistics {hooks:.3f}s "
          f"({100 * hooks / off:.2f}% of an epoch), sending {send:.3f}s ({100 * send / off:.2f}%), "
          f"whole difference {100 * (on - off) / off:+.2f}%")


def paired_overhead(model, opt, loss_fn, x, y, batch, stats, pairs=100):
    """The statistics' cost per logged step, without the network: training steps with the
    hooks armed and the statistics computed (not sent) interleaved with plain ones, so the
    load of a shared machine hits both alike; medians of `pairs` each."""
    plain, logged = [], []
    for i in range(2 * pairs):
        idx = torch.randint(0, len(x), (batch,))
        armed = i % 2 == 1
        stats._armed = armed
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        if armed:
            stats._tensor_rows(0)
        opt.step()
        (logged if armed else plain).append(time.perf_counter() - t0)
        stats._acts.clear()
    step, extra = statistics.median(plain), statistics.median(logged) - statistics.median(plain)
    print(f"paired steps ({pairs} each): a training step {1e3 * step:.2f} ms, a logged step {1e3 * (step + extra):.2f} ms: "
          f"the statistics cost {1e3 * extra:.2f} ms a logged step = {100 * extra / step:.1f}% of a step; "
          f"every {stats.every} steps that is {100 * extra / step / stats.every:.2f}% of training time")


if __name__ == "__main__":
    main()
