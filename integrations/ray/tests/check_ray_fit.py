"""Fits on a real local Ray instance, as test/ray.test.ts asks, and writes what it found as JSON.

usage: check_ray_fit.py CONFIG.json OUT.json

CONFIG: {"shards": [...], "k": K, "fits": [{"name", "init", "maxIter", "kill"}...],
"misaligned": [...]} (paths). For each fit: its centres file, labels files, nIter, inertia,
converged, whether predict() gives the fit's labels, and, for "kill", what the killed task's
marker says. "misaligned": shards that break the block rule. For it and other bad input, the error fit()
raises.
"""

import json
import os
import sys
import tempfile

from lloyd_ray import commands


def main(config_path: str, out_path: str) -> None:
    with open(config_path) as f:
        config = json.load(f)
    marker_dir = tempfile.mkdtemp(prefix="lloyd-ray-kill-")
    marker = os.path.join(marker_dir, "kill-once")
    # Armed only while the marker is absent; workers inherit this environment from ray.init.
    open(marker, "w").close()
    os.environ[commands.KILL_ONCE_ENV] = marker

    import ray
    import lloyd_ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    results = {"fits": {}}
    try:
        for spec in config["fits"]:
            if spec.get("kill"):
                os.remove(marker)
            fitted = lloyd_ray.fit(config["shards"], config["k"], init=spec["init"], dtype="float64",
                                   max_iter=spec["maxIter"],
                                   work_dir=tempfile.mkdtemp(prefix="lloyd-ray-work-"))
            predicted = lloyd_ray.predict(config["shards"], fitted)
            with open(marker) as f:
                killed = f.read().strip()
            open(marker, "w").close()
            results["fits"][spec["name"]] = {
                "centroidsFile": fitted.centroids_file,
                "labelsFiles": fitted.labels_files,
                "nIter": fitted.n_iter,
                "converged": fitted.converged,
                "inertia": fitted.inertia,
                "relocations": sum(len(r["relocations"]) for r in fitted.history),
                "predictEqualsLabels": predicted == fitted.labels(),
                "killed": killed,
            }
        # Bad input: refused before any task runs, naming the parameter.
        init = config["fits"][0]["init"]
        bad = {
            "misaligned": lambda: lloyd_ray.fit(config["misaligned"], config["k"], init=init),
            "initShape": lambda: lloyd_ray.fit(config["shards"], config["k"] + 1, init=init),
            "dtype": lambda: lloyd_ray.fit(config["shards"], config["k"], init=init,
                                           dtype="int8"),
            "notNpy": lambda: lloyd_ray.fit(["rows.csv"], config["k"], init=init),
            "maxIter": lambda: lloyd_ray.fit(config["shards"], config["k"], init=init,
                                             max_iter=0),
        }
        for name, call in bad.items():
            try:
                call()
                results[name] = "no error"
            except ValueError as error:
                results[name] = str(error)
    finally:
        ray.shutdown()
    with open(out_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
