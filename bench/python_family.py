"""scikit-learn's MiniBatchKMeans or BisectingKMeans on a family case, for every seed.

    python3 bench/python_family.py X.npy K METHOD SEEDS
prints one JSON line {msPerFit, inertia (mean), inertias, maxRssMB}. Run by bench/family.ts.
Defaults are scikit-learn 1.2.1's (MiniBatchKMeans: n_init=3, batch_size=1024).
"""
import json
import sys
import time
import warnings

import numpy as np


def main():
    x_path, k, method, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    X = np.load(x_path)
    from sklearn.cluster import BisectingKMeans, MiniBatchKMeans

    inertias, total = [], 0.0
    for seed in (int(s) for s in seeds.split(",")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 1.2.1 warns that n_init's default will change
            model = (
                MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3)
                if method == "minibatch"
                else BisectingKMeans(n_clusters=k, random_state=seed)
            )
            started = time.perf_counter()
            model.fit(X)
            total += time.perf_counter() - started
        inertias.append(float(model.inertia_))
    rss = 0.0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1]) / 1024
    print(json.dumps({
        "msPerFit": total * 1000 / len(inertias),
        "inertia": sum(inertias) / len(inertias),
        "inertias": inertias,
        "maxRssMB": rss,
    }))


if __name__ == "__main__":
    main()
