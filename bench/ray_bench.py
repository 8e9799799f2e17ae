"""The Ray bench row: lloyd_ray.fit over NPY shards on a local Ray instance against
`lloyd fit --stream` on the whole file, the same start and iterations; both must agree bit for
bit (centres, inertia, nIter). Data from bench/ray-shards.ts.

usage: LLOYD_BIN="node dist/cli/bin.js" PYTHONPATH=integrations/ray .venv-ray/bin/python \
    bench/ray_bench.py FOLDER [K] [ITERATIONS] [CPUS]
"""

import glob
import json
import os
import subprocess
import sys
import time

import ray
import lloyd_ray
from lloyd_ray import commands


def main(folder, k=64, iterations=5, cpus=2):
    shards = sorted(glob.glob(os.path.join(folder, "shard*.npy")),
                    key=lambda p: int(p.rsplit("shard", 1)[1][:-4]))
    init = os.path.join(folder, "c0.npy")
    lloyd = commands.lloyd_argv()
    started = time.perf_counter()
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    ray_start = time.perf_counter() - started

    started = time.perf_counter()
    fitted = lloyd_ray.fit(shards, k, init=init, max_iter=iterations, dtype="float32",
                           work_dir=os.path.join(folder, "work"))
    ray_fit = time.perf_counter() - started
    ray.shutdown()

    started = time.perf_counter()
    single = json.loads(subprocess.run(
        [*lloyd, "fit", os.path.join(folder, "whole.npy"), "--stream", "-k", str(k), "--init", init,
         "--tol", "0", "--max-iter", str(iterations), "--dtype", "float32",
         "--centroids-out", os.path.join(folder, "single-centres.npy"), "--json",
         "--labels-out", os.path.join(folder, "single-labels.npy")],
        check=True, capture_output=True).stdout)
    stream_fit = time.perf_counter() - started

    with open(fitted.centroids_file, "rb") as a, \
            open(os.path.join(folder, "single-centres.npy"), "rb") as b:
        same_centres = a.read() == b.read()
    # Both run `iterations` passes and one more for the final labels.
    passes = fitted.n_iter + (0 if fitted.converged else 1)
    print(json.dumps({
        "shards": len(shards), "k": k, "cpus": cpus, "rayStartS": round(ray_start, 2),
        "rayFitS": round(ray_fit, 2), "streamFitS": round(stream_fit, 2), "passes": passes,
        "rayOverheadPerPassS": round((ray_fit - stream_fit) / passes, 2),
        "nIter": [fitted.n_iter, single["nIter"]], "inertia": [fitted.inertia, single["inertia"]],
        "sameCentres": same_centres,
    }))


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
