"""PyTorch peer for examples/fashion.yaml: the same MLP, optimizer, schedule, augmentation,
split, batch, epochs and thread count; prints wall time and test accuracy.

    /tmp/peers-venv/bin/python benchmarks/fashion_torch.py [--epochs 20] [--threads 2]

Model: 784-1024-512-256-10, BatchNorm before each ReLU, Dropout(0.3) after; AdamW lr 0.002,
weight decay 1e-4, linear warm-up over 500 steps then cosine to 2e-5 over 8,600 steps;
random 1-pixel shift with p = 0.5; 55,000 train / 5,000 validation; batch 128.
"""
import argparse, json, math, os, sys, time
import torch, torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "peers"))
import fmnist  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=20)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=6)
p.add_argument("--evaluate-like-tracker", action="store_true",
               help="also evaluate, every epoch, the evenly strided 10,000-sample training subset tracker evaluates")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
t_start = time.perf_counter()
Xtr, ytr, Xte, yte = (torch.from_numpy(x) for x in fmnist.load_all())
perm = torch.randperm(len(Xtr))
val_idx, tr_idx = perm[:5000], perm[5000:]
Xv, yv, X, y = Xtr[val_idx], ytr[val_idx], Xtr[tr_idx], ytr[tr_idx]

layers, widths = [], [784, 1024, 512, 256]
for fi, fo in zip(widths[:-1], widths[1:]):
    layers += [nn.Linear(fi, fo), nn.BatchNorm1d(fo), nn.ReLU(), nn.Dropout(0.3)]
model = nn.Sequential(*layers, nn.Linear(256, 10))
opt = torch.optim.AdamW(model.parameters(), lr=0.002, weight_decay=1e-4)
def lr_at(t):
    if t < 500: return 0.002 * (t + 1) / 500
    u = min(1.0, (t - 500) / 8600)
    return 2e-5 + 0.5 * (0.002 - 2e-5) * (1 + math.cos(math.pi * u))
loss_fn, step, batch = nn.CrossEntropyLoss(), 0, 128

def shift(xb):
    img = xb.view(-1, 28, 28)
    out = img.clone()
    apply = torch.rand(len(img)) < 0.5
    dx = torch.randint(-1, 2, (len(img),)); dy = torch.randint(-1, 2, (len(img),))
    for sy in (-1, 0, 1):  # vectorised: one roll per shift group
        for sx in (-1, 0, 1):
            sel = apply & (dy == sy) & (dx == sx)
            if (sy or sx) and sel.any():
                out[sel] = torch.roll(img[sel], shifts=(sy, sx), dims=(1, 2))
    return out.view(-1, 784)

def loss_and_accuracy(Xs, ys):
    model.eval()
    with torch.no_grad():
        out = model(Xs); loss = loss_fn(out, ys).item(); acc = (out.argmax(1) == ys).float().mean().item()
    model.train(); return loss, acc

train_sample = torch.arange(10000) * len(X) // 10000 if len(X) > 10000 else torch.arange(len(X))

def accuracy(Xs, ys):
    model.eval()
    with torch.no_grad(): acc = (model(Xs).argmax(1) == ys).float().mean().item()
    model.train(); return acc

for ep in range(a.epochs):
    order = torch.randperm(len(X))
    t0 = time.perf_counter()
    for i in range(0, len(X), batch):
        idx = order[i:i + batch]
        for g in opt.param_groups: g["lr"] = lr_at(step)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(shift(X[idx])), y[idx]); loss.backward(); opt.step(); step += 1
    extra = ""
    if a.evaluate_like_tracker:
        tl, ta = loss_and_accuracy(X[train_sample], y[train_sample]); extra = f" train_loss {tl:.4f} train_acc {ta:.4f}"
    print(f"epoch {ep + 1}: {time.perf_counter() - t0:.1f}s val_acc {accuracy(Xv, yv):.4f}{extra}", flush=True)
wall = time.perf_counter() - t_start
print("RESULT", json.dumps({"wall_s": round(wall, 1), "test_acc": round(accuracy(Xte, yte), 4), "epochs": a.epochs, "threads": a.threads, "torch": torch.__version__}))
