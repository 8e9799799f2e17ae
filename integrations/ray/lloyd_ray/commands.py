"""Running `lloyd` commands, on the driver and inside Ray tasks.

A command that lloyd refuses (exit status 1 or 2) fails the same way on every try, so it fails
the fit at once. A command whose process was killed (a signal: out of memory, a preempted or
lost worker) raised LloydProcessKilled, the one exception the Ray tasks retry: every lloyd
command is deterministic and writes its outputs whole or not at all, so a retry gives the same
bytes.
"""

import json
import os
import shlex
import signal
import subprocess
import tempfile
import time


class LloydError(RuntimeError):
    """lloyd refused a command; its message is lloyd's own."""


class LloydProcessKilled(RuntimeError):
    """lloyd's process died of a signal mid-command; the task that ran it may be retried."""


# Test hook: a path. The first `lloyd pass` to create this file (exclusively, so once per fit
# across every worker) is killed with SIGKILL shortly after it starts, to test Ray's retry.
KILL_ONCE_ENV = "LLOYD_RAY_TEST_KILL_ONCE"


def lloyd_argv() -> list:
    """How to run lloyd: $LLOYD_BIN, a command line (e.g. "node /opt/lloyd/dist/cli/bin.js"),
    else `lloyd`."""
    return shlex.split(os.environ.get("LLOYD_BIN", "lloyd"))


def run_lloyd(lloyd: list, args: list) -> bytes:
    """Runs lloyd with `args`; returns its standard output."""
    process = subprocess.Popen(
        [*lloyd, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _kill_once_for_test(process, args)
    stdout, stderr = process.communicate()
    command = " ".join(shlex.quote(a) for a in ["lloyd", *args])
    if process.returncode < 0:
        name = signal.Signals(-process.returncode).name
        raise LloydProcessKilled(f"{command}: killed by {name}")
    if process.returncode != 0:
        raise LloydError(f"{command}: {stderr.decode(errors='replace').strip()}")
    return stdout


def _kill_once_for_test(process: subprocess.Popen, args: list) -> None:
    marker = os.environ.get(KILL_ONCE_ENV)
    if not marker or args[:1] != ["pass"]:
        return
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    time.sleep(0.1)
    alive = process.poll() is None
    if alive:
        process.kill()
    with open(marker, "w") as f:
        f.write(f"killed {' '.join(args)}\n" if alive else "finished before the kill\n")


def with_files(contents: dict, run):
    """Runs `run(paths)` with each {name: bytes} written to a temporary file, `paths[name]`."""
    with tempfile.TemporaryDirectory(prefix="lloyd-ray-") as folder:
        paths = {}
        for name, data in contents.items():
            paths[name] = os.path.join(folder, name)
            with open(paths[name], "wb") as f:
                f.write(data)
        return run(paths)


# Each task function takes `flags`: the flags every pass of a fit shares (--dtype, --threads).


def shard_pass(lloyd, shard, flags, first_row, total_rows, centres, labels_in, outputs):
    """The map: `lloyd pass` over one shard to `centres` (NPY bytes), writing its labels and
    distances to `outputs` (two paths); returns the partial."""
    labels_out, distances_out = outputs

    def run(paths):
        args = ["pass", shard, *flags, "--centroids", paths["centres.npy"],
                "--first-row", str(first_row), "--total-rows", str(total_rows),
                "--labels-out", labels_out, "--distances-out", distances_out, "--out", "-"]
        if labels_in is not None:
            args[-2:-2] = ["--labels-in", labels_in]
        return run_lloyd(lloyd, args)
    return with_files({"centres.npy": centres}, run)


def relocation_pass(lloyd, shard, flags, first_row, total_rows, plan, labels_in):
    """`lloyd pass --relocate` over one shard for a plan (JSON bytes); returns the partial."""
    def run(paths):
        return run_lloyd(lloyd, ["pass", shard, *flags, "--relocate", paths["plan.json"],
                                 "--labels-in", labels_in, "--first-row", str(first_row),
                                 "--total-rows", str(total_rows), "--out", "-"])
    return with_files({"plan.json": plan}, run)


def label_shard(lloyd, shard, flags, rows, centres):
    """A shard's labels (int32 NPY bytes) against `centres`: a pass over the shard as a whole."""
    def run(paths):
        folder = os.path.dirname(paths["centres.npy"])
        labels = os.path.join(folder, "labels.npy")
        run_lloyd(lloyd, ["pass", shard, *flags, "--centroids", paths["centres.npy"],
                          "--first-row", "0",
                          "--total-rows", str(rows), "--labels-out", labels,
                          "--out", os.path.join(folder, "part.bin")])
        with open(labels, "rb") as f:
            return f.read()
    return with_files({"centres.npy": centres}, run)


def inertia_step(lloyd, distances, carry):
    """`lloyd inertia` over one shard's distances, continuing the previous shard's `carry` (its
    printed state; None for the first shard); returns this shard's state."""
    more = [] if carry is None else ["--carry", f"{carry['sum']!r},{carry['compensation']!r}"]
    return json.loads(run_lloyd(lloyd, ["inertia", distances, *more]))
