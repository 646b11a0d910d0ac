#!/usr/bin/env python3
"""Runs commands interleaved, one run of each in turn, and prints each one's median wall time and
median CPU time (user + system, of the command and every process it waited for) against the first's.

    bench/interleaved.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]

hyperfine runs all of one command's runs before the next command's, so on a machine whose speed
drifts (these do) the drift lands on whichever command runs later; here every round runs each
command once, so drift weighs on all alike. Each COMMAND is split on spaces (no shell); the first
three rounds are warm-up. A command that fails stops the run.
"""
import os
import statistics
import subprocess
import sys
import time

rounds = int(sys.argv[1])
commands = [arg.split("=", 1) for arg in sys.argv[2:]]
times = {name: [] for name, _ in commands}
cpus = {name: [] for name, _ in commands}
for i in range(rounds + 3):
    for name, command in commands:
        start = time.perf_counter()
        child = subprocess.Popen(command.split(), stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = (time.perf_counter() - start) * 1000
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            sys.exit(f"{name}: exit status {child.returncode}: {command}")
        if i >= 3:
            times[name].append(elapsed)
            cpus[name].append((usage.ru_utime + usage.ru_stime) * 1000)
medians = {name: statistics.median(t) for name, t in times.items()}
cpu_medians = {name: statistics.median(t) for name, t in cpus.items()}
first = commands[0][0]
print(f"| command ({rounds} rounds, interleaved) | median | vs {first} | CPU median | CPU vs {first} |")
print("|---|---|---|---|---|")
for name, m in medians.items():
    c = cpu_medians[name]
    print(f"| `{name}` | {m:.1f} ms | {m / medians[first]:.2f}x | {c:.1f} ms | {c / cpu_medians[first]:.2f}x |")
