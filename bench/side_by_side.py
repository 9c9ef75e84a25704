"""Two checkouts' checkout benchmarks at the same time, for ratios the host's pace does not skew.

    .venv/bin/python bench/side_by_side.py OTHER_CHECKOUT [--rounds 3] [-- BENCH_ARGS...]
    e.g. bench/side_by_side.py /work/base --rounds 3 -- --shoppers 10 --duration 30

On a shared machine the CPU time an order takes moves by ±10 % from one minute to the next, so
one run after another compares the host's phases as much as the code. Here this checkout and
OTHER_CHECKOUT (another clone, with its own `make install`) each run bench/bench_checkout.py
with `--cpu` on a stack of their own (instances `sbs-this` and `sbs-other`), started together:
both share the cores and whatever else the host does. Each round prints both runs' orders/s and
CPU per order in all, and this checkout's ratios to the other's; then the median ratios. The
absolute figures are those of two stacks sharing the machine (each gets about half of it), not
those of one stack alone.
"""

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

THIS = Path(__file__).resolve().parent.parent
RATE = re.compile(r"([\d.]+) orders/s")
P50 = re.compile(r"p50 ([\d.]+) ms")
CPU = re.compile(r"CPU time per order, by program \(ms; ([\d.]+) in all\)")


def command(checkout: Path, instance: str, bench_args: list[str]) -> list[str]:
    return [str(checkout / ".venv/bin/python"), str(checkout / "bench/bench_checkout.py"),
            "--instance", instance, "--cpu", *bench_args]


def figures(output: str) -> tuple[float, float]:
    """orders/s and CPU ms per order in all, as bench_checkout.py printed them; orders placed one
    after another print no rate: one order per p50 stands for it."""
    rate, p50, cpu = RATE.search(output), P50.search(output), CPU.search(output)
    if (rate is None and p50 is None) or cpu is None:
        raise SystemExit(f"no figures in the benchmark's output:\n{output}")
    per_second = float(rate.group(1)) if rate else 1000 / float(p50.group(1))
    return per_second, float(cpu.group(1))


def one_round(other: Path, bench_args: list[str]) -> tuple[tuple[float, float], ...]:
    runs = {name: subprocess.Popen(command(checkout, f"sbs-{name}", bench_args), cwd=checkout,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for name, checkout in (("this", THIS), ("other", other))}
    outputs = {name: run.communicate()[0] for name, run in runs.items()}
    for name, run in runs.items():
        if run.returncode != 0:
            raise SystemExit(f"{name}'s benchmark failed ({run.returncode}):\n{outputs[name]}")
    return figures(outputs["this"]), figures(outputs["other"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="another checkout, installed (make install)")
    parser.add_argument("--rounds", type=int, default=3)
    argv = sys.argv[1:]
    bench_args = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    args.bench_args = bench_args
    other = args.other.resolve()
    if not (other / ".venv/bin/python").exists():
        raise SystemExit(f"{other} has no .venv: run `make install` there first")
    print(f"$ bench/side_by_side.py {other} --rounds {args.rounds} -- "
          f"{' '.join(args.bench_args)}")
    rate_ratios, cpu_ratios = [], []
    for number in range(1, args.rounds + 1):
        (rate, cpu), (other_rate, other_cpu) = one_round(other, args.bench_args)
        rate_ratios.append(rate / other_rate)
        cpu_ratios.append(cpu / other_cpu)
        print(f"round {number}: this {rate:.1f} orders/s, {cpu:.1f} ms of CPU per order; "
              f"other {other_rate:.1f} orders/s, {other_cpu:.1f} ms; ratios this/other: "
              f"orders/s {rate_ratios[-1]:.3f}, CPU per order {cpu_ratios[-1]:.3f}", flush=True)
    print(f"median ratios this/other over {args.rounds} rounds: orders/s "
          f"{statistics.median(rate_ratios):.3f}, CPU per order "
          f"{statistics.median(cpu_ratios):.3f}")


if __name__ == "__main__":
    sys.exit(main())
