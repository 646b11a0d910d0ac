#!/usr/bin/env python3
"""Runs commands interleaved, one run of each in turn, and prints each one's median against the first's.

    bench/interleaved.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]

hyperfine runs all of one command's runs before the next command's, so on a machine whose speed
drifts (these do) the drift lands on whichever command runs later; here every round runs each
command once, so drift weighs on all alike. Each COMMAND is split on spaces (no shell); the first
three rounds are warm-up. A command that fails stops the run.
"""
import statistics
import subprocess
import sys
import time

rounds = int(sys.argv[1])
commands = [arg.split("=", 1) for arg in sys.argv[2:]]
times = {name: [] for name, _ in commands}
for i in range(rounds + 3):
    for name, command in commands:
        start = time.perf_counter()
        result = subprocess.run(command.split(), stdout=subprocess.DEVNULL)
        elapsed = (time.perf_counter() - start) * 1000
        if result.returncode != 0:
            sys.exit(f"{name}: exit status {result.returncode}: {command}")
        if i >= 3:
            times[name].append(elapsed)
medians = {name: statistics.median(t) for name, t in times.items()}
first = commands[0][0]
print(f"| command ({rounds} rounds, interleaved) | median | vs {first} |")
print("|---|---|---|")
for name, m in medians.items():
    print(f"| `{name}` | {m:.1f} ms | {m / medians[first]:.2f}x |")
