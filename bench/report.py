"""Turns the hyperfine JSON files of bench/run.sh into docs/benchmarks.md (stdout)."""
import datetime, json, os, platform, re, statistics, subprocess, sys

work, rss_aot, rss_jit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def results(name):
    with open(os.path.join(work, name + ".json")) as f:
        return {r["command"]: statistics.median(r["times"]) for r in json.load(f)["results"]}

def cpu_times(name):
    """Mean user + system time of each command and every process it waited for."""
    with open(os.path.join(work, name + ".json")) as f:
        return {r["command"]: r["user"] + r["system"] for r in json.load(f)["results"]}

def ms(seconds):
    return f"{seconds * 1000:.1f} ms"

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) // (1024 * 1024)
def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
    except Exception:
        return "?"

def commit():
    """The tinydocker commit measured, when the tree is a git checkout."""
    try:
        r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else ""
    except OSError:
        return ""

def installed(cmd):
    return any(os.access(os.path.join(d, cmd), os.X_OK) for d in os.environ.get("PATH", "").split(os.pathsep))

true = results("true")
load_start, load_end = (open(os.path.join(work, f)).read().split()[0] for f in ("load-start", "load-end"))
if max(float(load_start), float(load_end)) > (os.cpu_count() or 1):
    load_note = "above\nthe core count, other work shared the machine and every absolute time here is inflated by it."
else:
    load_note = "not above\nthe core count: the machine was otherwise idle."
build = commit()
if build:
    # With TINYDOCKER_EXE the NativeAOT build was made elsewhere, maybe from another commit.
    build = f"tinydocker commit {build}" + (" (the framework-dependent build; the NativeAOT one was given as `TINYDOCKER_EXE`)" if os.environ.get("TINYDOCKER_EXE") else "")
versions = [version(["bwrap", "--version"]), version(["runc", "--version"])]
versions += [version([c, "--version"]) for c in ("crun", "podman") if installed(c)]
versions += [version(["hyperfine", "--version"]), version(["docker", "--version"])] + ([build] if build else [])
instructions = open(os.path.join(work, "instructions.txt")).read().strip()
rootless = open(os.path.join(work, "rootless.md")).read()
cpu_true = cpu_times("true")
tput = results("throughput")
io = results("io")
aot, jit = true["tinydocker (NativeAOT)"], true["tinydocker (framework-dependent)"]
bwrap, runc = true["bubblewrap"], true["runc"]
trace = open(os.path.join(work, "trace.txt")).read().rstrip()

def verdict(ok):
    return "met" if ok else "**missed**"

def rootless_ratios(text):
    """From bench/rootless.sh's tables: the ordinary user's wall time over rootful's (medians; the
    interleaved table's where there is one, as it comes last) and its CPU ratios to rootful, one
    per perf stat round; None without both rows."""
    medians = {m[1]: float(m[2]) for m in re.finditer(r"^\| `([^`]+)` \| ([\d.]+) ms \|", text, re.M)}
    user = next((n for n in medians if n.startswith("rootless (user")), None)
    header = next((l for l in text.splitlines() if l.startswith("| round |")), None)
    if "rootful" not in medians or user is None or header is None:
        return None
    names = [c.strip() for c in header.strip().strip("|").split("|")][1:-1]
    column = names.index(user) - 1  # the ratios leave rootful out
    rounds = [l for l in text.splitlines() if re.match(r"^\| \d+ \|", l)]
    cpu = [float(l.strip().strip("|").split("|")[-1].split()[column].rstrip("x")) for l in rounds]
    return medians[user] / medians["rootful"], cpu

rootless_wall, rootless_cpu = rootless_ratios(rootless) or (None, [])
if rootless_wall is None:
    rootless_reading, rootless_target = "", ""
else:
    rootless_reading = (f"\nThe ordinary user's run is {rootless_wall:.2f}x rootful's wall time (the last medians above) and "
                        f"{min(rootless_cpu):.2f} to {max(rootless_cpu):.2f}x its CPU (the rounds).\n")
    rootless_target = f"| rootless `run /bin/true` at most 1.2x rootful's | {rootless_wall:.2f}x | {verdict(rootless_wall <= 1.2)} |\n"

print(f"""# Benchmarks

Measured by `sudo bench/run.sh` on {datetime.date.today().isoformat()}: {os.cpu_count()} cores ({cpu}),
{mem} GiB, Linux {platform.release()},
{", ".join(versions)}. Medians; every figure in a table comes from one run of the script,
side by side, on the same busybox root filesystem. The machines are noisy: read the ratios.
Load average (1 minute) at the start of this run {load_start}, at its end {load_end}, on {os.cpu_count()} cores: {load_note}

## Running /bin/true

| command | median | vs bubblewrap | vs runc | CPU (user + system) | CPU vs bubblewrap |
|---|---|---|---|---|---|""")
for name, t in true.items():
    print(f"| {name} | {ms(t)} | {t / bwrap:.2f}x | {t / runc:.2f}x | {ms(cpu_true[name])} | {cpu_true[name] / cpu_true['bubblewrap']:.2f}x |")
print(f"""
tinydocker here is a full container: a tmpfs and an overlay mounted in a new mount namespace,
new PID, UTS, IPC and network namespaces, `/proc`, `/dev` (tmpfs, devpts, shm, mqueue), `/sys`,
`/tmp`, the current directory as a copy-on-write overlay, and `pivot_root`. bubblewrap 0.8 (Debian's)
has no overlay support, so it is given a read-only bind of the root filesystem, `/proc`, `/dev`, a
tmpfs `/tmp` and all namespaces; runc gets a minimal bundle with a read-only root, and crun the same
bundle (entered through `nsenter` into a mount namespace of the script's own where cgroup2 is hidden:
crun 1.8 refuses this hybrid cgroup host otherwise, see bench/README.md); docker (when its daemon
could be started: one of the script's own, no bridge) and podman (no daemon: its own storage and
configuration, runc as its runtime) run the same root filesystem imported as an image with
`--network none`. CPU is the mean user and system time of the command and every process it waited
for (hyperfine): for docker that is the client alone, the daemon's work is not in it; for podman it
is podman's own: conmon detaches (its parent is PID 1), so conmon and the runc it starts are not in it.

## Throughput: 200 containers, 8 at a time

| tool | time for 200 | containers per second |
|---|---|---|""")
for name, t in tput.items():
    print(f"| {name} | {t:.2f} s | {200 / t:.0f} |")
print(f"""
## I/O: unpack and scan a source tree (`/usr/include`)

| where | median | ratio |
|---|---|---|
| on the host (tmpfs) | {io['on the host']:.2f} s | 1.00x |
| in a container (overlay, upper on tmpfs) | {io['in a container']:.2f} s | {io['in a container'] / io['on the host']:.2f}x |

## Peak resident memory of a run (`/usr/bin/time`, the tool and its children)

| build | peak RSS |
|---|---|
| NativeAOT | {rss_aot / 1024:.1f} MB |
| framework-dependent | {rss_jit / 1024:.1f} MB |

## User-space instructions of one run (`bench/instructions.sh`, callgrind, median of 3)

These barely move with the machine's load, where the times above do: `{instructions}`
(`tool` is the CLI, `init` the container's PID 1; the kernel's share is not in them).

## Rootless beside rootful, podman rootless and bubblewrap (`bench/rootless.sh`, same build and image: hyperfine wall times, then CPU per run from perf stat)

{rootless}{rootless_reading}
## Targets

| target | figure | |
|---|---|---|
| `run /bin/true` at most 1.0x bubblewrap | {aot / bwrap:.2f}x | {verdict(aot <= bwrap)} |
| `run /bin/true` at most 0.3x runc | {aot / runc:.2f}x | {verdict(aot <= 0.3 * runc)} |
| CPU per container at most 2x bubblewrap's | {cpu_true['tinydocker (NativeAOT)'] / cpu_true['bubblewrap']:.2f}x | {verdict(cpu_true['tinydocker (NativeAOT)'] <= 2 * cpu_true['bubblewrap'])} |
| throughput at least bubblewrap's | {tput['bubblewrap'] / tput['tinydocker (NativeAOT)']:.2f}x bubblewrap's | {verdict(tput['tinydocker (NativeAOT)'] <= tput['bubblewrap'])} |
| I/O at most 1.10x the host | {io['in a container'] / io['on the host']:.2f}x | {verdict(io['in a container'] <= 1.10 * io['on the host'])} |
| peak RSS at most 25 MB | {rss_aot / 1024:.1f} MB | {verdict(rss_aot / 1024 <= 25)} |
{rootless_target}
## Where the time goes

One NativeAOT run with `--debug` (milliseconds since the tool's `Main` began; process start-up
before `Main` is not in it):

```
{trace}
```
""")
print("Start latency against image size, and import speed, are in the Images section below.\n")
print(open(os.path.join(work, "images.md")).read())
if os.path.exists("bench/notes.md"):
    print(open("bench/notes.md").read())
