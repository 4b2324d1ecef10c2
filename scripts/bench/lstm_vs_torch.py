#!/usr/bin/python3
"""Side-by-side speed of ecoute's lstm package and PyTorch's nn.LSTM (2 threads).

Run from the repository root (Debian python3-torch; Go toolchain on PATH):

    /usr/bin/python3 scripts/bench/lstm_vs_torch.py [--time 3] [--configs infer-128,...]
    /usr/bin/python3 scripts/bench/lstm_vs_torch.py --go-bin /path/to/lstm_bench

For each configuration it runs PyTorch and scripts/bench/lstm_bench (each in
its own process, so the peak resident memory is that configuration's) and prints
frames per second for both, the ratio, effective GFLOP/s (2*multiply-adds of the
matrix products; training counts 3x the forward) and the peak RSS.
Configurations (issue 3):
  infer-128  inference, batch 1, 1000 frames, input 39, hidden 128, 2 bidirectional layers
  infer-256  inference, batch 1, 1000 frames, input 39, hidden 256, 3 bidirectional layers
  train-256  one training step (forward, backward, Adam), batch 16 x 300, input 117, hidden 256, 3 layers
  train-128  the same with hidden 128, 2 layers, input 39

Debian's torch does its matrix products through libblas.so.3: the reference
BLAS unless an optimized one is the system default. --blas openblas runs the
PyTorch side on OpenBLAS (Debian libopenblas0-pthread) whatever the default;
the BLAS actually loaded is printed with the results.
"""
import argparse, json, os, subprocess, sys, time

CONFIGS = {
    "infer-128": dict(train=False, B=1, T=1000, I=39, H=128, L=2),
    "infer-256": dict(train=False, B=1, T=1000, I=39, H=256, L=3),
    "train-256": dict(train=True, B=16, T=300, I=117, H=256, L=3),
    "train-128": dict(train=True, B=16, T=300, I=39, H=128, L=2),
}


def flops(c):
    f = 0
    for l in range(c["L"]):
        i = c["I"] if l == 0 else 2 * c["H"]
        f += 2 * 2 * 4 * c["H"] * (i + c["H"])
    f *= c["B"] * c["T"]
    return f * (3 if c["train"] else 1)


def torch_child(name, min_time):
    import resource
    import torch
    torch.set_num_threads(2)
    c = CONFIGS[name]
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(c["I"], c["H"], c["L"], bidirectional=True)
    x = torch.randn(c["T"], c["B"], c["I"])
    opt = torch.optim.Adam(lstm.parameters(), lr=1e-3)

    def step():
        if not c["train"]:
            with torch.no_grad():
                lstm(x)
            return
        opt.zero_grad()
        y, _ = lstm(x)
        (y.sum() * 1e-3).backward()
        opt.step()

    step()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < min_time or n < 2:
        step()
        n += 1
    el = (time.perf_counter() - t0) / n
    maps = open("/proc/self/maps").read()
    blas = "openblas" if "openblas" in maps else "reference BLAS" if "/blas/libblas" in maps else "other BLAS"
    print(json.dumps({"impl": "torch-" + torch.__version__ + " (" + blas + ")", "config": name, "threads": torch.get_num_threads(),
                      "frames_per_s": c["T"] * c["B"] / el, "seconds_per_step": el,
                      "gflops": flops(c) / el / 1e9,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--time", type=float, default=3.0)
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--go-bin", default="")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--child", default="")
    ap.add_argument("--blas", default="system", choices=["system", "openblas"])
    a = ap.parse_args()
    if a.child:
        torch_child(a.child, a.time)
        return
    gobin = a.go_bin
    if not gobin:
        gobin = "/tmp/lstm_bench_%d" % os.getpid()
        subprocess.run(["go", "build", "-o", gobin, "./scripts/bench/lstm_bench"], check=True)
    env = dict(os.environ, OMP_NUM_THREADS="2", MKL_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2")
    if a.blas == "openblas":
        d = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
        if not os.path.exists(d + "/libblas.so.3"):
            sys.exit("--blas openblas: install Debian libopenblas0-pthread")
        env["LD_LIBRARY_PATH"] = d
    rows = []
    for name in a.configs.split(","):
        t = json.loads(subprocess.run([sys.executable, __file__, "--child", name, "--time", str(a.time)],
                                      check=True, capture_output=True, text=True, env=env).stdout.splitlines()[-1])
        g = json.loads(subprocess.run([gobin, "-config", name, "-threads", str(a.threads), "-time", "%gs" % a.time],
                                      check=True, capture_output=True, text=True).stdout.splitlines()[-1])
        rows.append((name, t, g))
        print(json.dumps(t))
        print(json.dumps(g))
    print()
    print("%-10s %12s %12s %7s %9s %9s %10s %10s   (%s vs %s)" % (
        "config", "torch fr/s", "ecoute fr/s", "ratio", "torch GF", "ecoute GF", "torch MB", "ecoute MB",
        rows[0][2]["impl"] if rows else "", rows[0][1]["impl"] if rows else ""))
    for name, t, g in rows:
        print("%-10s %12.0f %12.0f %6.1fx %9.1f %9.1f %10.0f %10.0f" % (
            name, t["frames_per_s"], g["frames_per_s"], g["frames_per_s"] / t["frames_per_s"],
            t["gflops"], g["gflops"], t["peak_rss_mb"], g["peak_rss_mb"]))


if __name__ == "__main__":
    main()
