"""lloyd's distributed fit driven by Ray: one Ray task per shard per pass, lloyd for the rest.

Ray schedules the passes and retries a task whose process died; lloyd computes everything: the
pass over a shard (`lloyd pass`), the merge (`lloyd merge`, in shard order), the empty-cluster
plan (`lloyd plan`), the relocation pass, the update and the convergence test (`lloyd update`).
The driver only moves bytes and loops, so the fit equals a single `lloyd fit` over the
concatenated shards (docs/distributed.md, "Ray").
"""

import json
import os
import tempfile
from dataclasses import dataclass, field
from array import array

import ray

from . import commands, npy

# Ray retries a task whose worker died (system failures) and, of the exceptions a task raises,
# only LloydProcessKilled: a command lloyd refused fails the same way on every try.
TASK_OPTIONS = {"max_retries": 3, "retry_exceptions": [commands.LloydProcessKilled]}

_shard_pass = ray.remote(**TASK_OPTIONS)(commands.shard_pass)
_relocation_pass = ray.remote(**TASK_OPTIONS)(commands.relocation_pass)
_label_shard = ray.remote(**TASK_OPTIONS)(commands.label_shard)
_inertia_step = ray.remote(**TASK_OPTIONS)(commands.inertia_step)


@dataclass
class Shard:
    """A shard and where it lies in the whole matrix."""

    path: str
    first_row: int
    rows: int


@dataclass
class FitResult:
    """A fit over shards: the same centres, labels and iterations as a single `lloyd fit`."""

    centroids: list
    """k rows of d float64 values."""
    n_iter: int
    converged: bool
    inertia: float
    """The final labels' inertia: `lloyd fit`'s, bit for bit (a `lloyd inertia` chain)."""
    labels_files: list
    """Per shard, in order, the NPY file (int32) of its rows' labels."""
    centroids_file: str
    """The final centres as NPY (float64), in the work directory."""
    history: list = field(default_factory=list)
    """`lloyd update`'s report of each iteration."""

    def labels(self) -> array:
        """Every row's label, shard after shard (int32): reads the labels files."""
        out = array("i")
        for path in self.labels_files:
            with open(path, "rb") as f:
                out.extend(npy.read_int32(f.read(), path))
        return out


def place_shards(paths: list, lloyd: list) -> tuple:
    """The shards in order, each with its first row, and the whole matrix's rows: checked
    against lloyd's block rule (every shard but the last holds whole blocks)."""
    if not paths:
        raise ValueError("shards: give at least one NPY file")
    shards = []
    first = 0
    cols = None
    for path in paths:
        if not isinstance(path, str) or not path.endswith(".npy"):
            raise ValueError(f"shards: {path!r} is not an .npy file (lloyd's passes read NPY)")
        rows, width = npy.shape_of(path)
        if cols is not None and width != cols:
            raise ValueError(f"shards: {path} has {width} columns; {paths[0]} has {cols}")
        cols = width
        shards.append(Shard(path, first, rows))
        first += rows
    blocks = json.loads(commands.run_lloyd(lloyd, ["blocks", "--total-rows", str(first)]))
    block_rows = blocks["blockRows"]
    for shard in shards[:-1]:
        if shard.rows % block_rows:
            raise ValueError(
                f"shards: {shard.path} holds {shard.rows} rows; every shard but the last must hold "
                f"a multiple of {block_rows} (the rows per block of {first} rows); "
                f"see `lloyd blocks --total-rows {first} --shards {len(shards)}`"
            )
    return shards, first, cols


def _pass_options(dtype, threads) -> tuple:
    """The flags every pass takes, and the task functions asking for a CPU per thread."""
    if dtype not in ("float64", "float32"):
        raise ValueError(f"dtype: must be one of float64, float32; got {dtype!r}")
    if not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads: must be a whole number >= 1; got {threads!r}")
    flags = ["--dtype", dtype, "--threads", str(threads)]
    return flags, lambda task: task.options(num_cpus=threads)


def _centres_bytes(init, k: int, cols: int) -> bytes:
    if isinstance(init, str):
        with open(init, "rb") as f:
            data = f.read()
        rows, width, _ = npy.read_float64(data, init)
    else:
        data = npy.encode_float64([list(row) for row in init])
        rows, width, _ = npy.read_float64(data, "init")
    if (rows, width) != (k, cols):
        raise ValueError(f"init: must be k x d = {k} x {cols} centres; got {rows} x {width}")
    return data


def fit(shards: list, k: int, init, max_iter: int = 300, tol_abs: float = 0.0,
        dtype: str = "float64", threads: int = 1, work_dir: str = None,
        lloyd: list = None) -> FitResult:
    """k-means over NPY shards (consecutive rows of one matrix, in order), on the Ray cluster
    `ray.init` connected to.

    init: the k x d starting centres, rows of numbers or an NPY file (float64).
    max_iter: the most iterations (default 300, as `lloyd fit`).
    tol_abs: stop when the centres moved by at most this much (sum of squared shifts); 0 (the
        default) runs to strict convergence, and equals `lloyd fit --tol 0` bit for bit.
    dtype: "float64" (the default) or "float32", the precision rows are computed in, as
        `lloyd fit --dtype`; a float32 shard read as float32 takes half the memory.
    threads: the threads each pass runs, and the CPUs its Ray task asks for (default 1).
    work_dir: where each iteration's centres and labels files go; every task must read and write
        it (a shared file system on a multi-node cluster). Default: a new temporary directory.
    lloyd: the command line that runs lloyd on the driver and in tasks (default: $LLOYD_BIN,
        else `lloyd`).
    """
    lloyd = lloyd or commands.lloyd_argv()
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k: must be a whole number >= 1; got {k!r}")
    if not isinstance(max_iter, int) or max_iter < 1:
        raise ValueError(f"max_iter: must be a whole number >= 1; got {max_iter!r}")
    if not tol_abs >= 0:
        raise ValueError(f"tol_abs: must be >= 0; got {tol_abs!r}")
    flags, tasks = _pass_options(dtype, threads)
    placed, total_rows, cols = place_shards(shards, lloyd)
    centres = _centres_bytes(init, k, cols)
    work = work_dir or tempfile.mkdtemp(prefix="lloyd-ray-fit-")
    os.makedirs(work, exist_ok=True)

    def local(name):
        return os.path.join(work, name)

    def labels_file(s, it):
        return local(f"labels-{s}-{it}.npy")

    def distances_file(s, it):
        return local(f"distances-{s}-{it}.npy")

    def merged_pass(part_refs, name):
        # ray.get returns the partials in shard order; lloyd merge takes them in that order.
        parts = ray.get(part_refs)
        files = []
        for s, part in enumerate(parts):
            files.append(local(f"{name}-{s}.bin"))
            with open(files[-1], "wb") as f:
                f.write(part)
        commands.run_lloyd(lloyd, ["merge", *files, "--out", local(f"{name}.bin")])
        return local(f"{name}.bin")

    def assignment(centres_bytes, it, labels_in_it):
        refs = [
            tasks(_shard_pass).remote(
                lloyd, s.path, flags, s.first_row, total_rows, centres_bytes,
                None if labels_in_it is None else labels_file(i, labels_in_it),
                (labels_file(i, it), distances_file(i, it)))
            for i, s in enumerate(placed)
        ]
        return merged_pass(refs, f"pass-{it}")

    def update(merged, it, relocated):
        args = ["update", merged, "--centroids", local(f"centres-{it}.npy"),
                "--out", local(f"centres-{it + 1}.npy"), "--tol-abs", repr(float(tol_abs))]
        if relocated:
            args += ["--relocated", relocated]
        return json.loads(commands.run_lloyd(lloyd, args))

    with open(local("centres-0.npy"), "wb") as f:
        f.write(centres)
    centres_ref = ray.put(centres)
    history = []
    converged = False
    it = 0
    while it < max_iter:
        merged = assignment(centres_ref, it, it - 1 if it > 0 else None)
        plan = commands.run_lloyd(lloyd, ["plan", merged])
        relocated = None
        if json.loads(plan)["relocations"]:
            plan_ref = ray.put(plan)
            refs = [tasks(_relocation_pass).remote(lloyd, s.path, flags, s.first_row,
                                                   total_rows, plan_ref, labels_file(i, it))
                    for i, s in enumerate(placed)]
            relocated = merged_pass(refs, f"moved-{it}")
        report = update(merged, it, relocated)
        history.append(report)
        it += 1
        with open(local(f"centres-{it}.npy"), "rb") as f:
            centres_ref = ray.put(f.read())
        converged = report["converged"]
        if converged:
            break
    if converged == "strict":
        # No label changed: the last pass's labels are the fit's, its centres equal the next.
        labels_it = it - 1
    else:
        # As a single fit: one more pass gives the labels of the final centres.
        labels_it = it
        assignment(centres_ref, it, None)
    # A single fit's inertia is one sum over the rows in order: a chain of tasks, shard after
    # shard, each continuing the sum where the previous left it.
    carry = None
    for i in range(len(placed)):
        carry = _inertia_step.remote(lloyd, distances_file(i, labels_it), carry)
    inertia = ray.get(carry)["inertia"]
    final_file = local(f"centres-{it}.npy")
    with open(final_file, "rb") as f:
        rows, width, values = npy.read_float64(f.read(), final_file)
    centroids = [list(values[j * width:(j + 1) * width]) for j in range(rows)]
    return FitResult(
        centroids=centroids,
        n_iter=it,
        converged=bool(converged),
        inertia=inertia,
        labels_files=[labels_file(i, labels_it) for i in range(len(placed))],
        centroids_file=final_file,
        history=history,
    )


def predict(shards: list, model, dtype: str = "float64", threads: int = 1,
            lloyd: list = None) -> array:
    """Every row's label (int32, shard after shard) against `model`: a FitResult, k x d rows of
    numbers, or an NPY file of centres. One Ray task per shard; shards need no block alignment."""
    lloyd = lloyd or commands.lloyd_argv()
    flags, tasks = _pass_options(dtype, threads)
    if isinstance(model, FitResult):
        model = model.centroids_file
    if isinstance(model, str):
        with open(model, "rb") as f:
            centres = f.read()
        npy.read_float64(centres, model)
    else:
        centres = npy.encode_float64([list(row) for row in model])
    centres_ref = ray.put(centres)
    refs = []
    for path in shards:
        rows, _ = npy.shape_of(path)
        refs.append(tasks(_label_shard).remote(lloyd, path, flags, rows, centres_ref))
    labels = array("i")
    for path, data in zip(shards, ray.get(refs)):
        labels.extend(npy.read_int32(data, path))
    return labels
