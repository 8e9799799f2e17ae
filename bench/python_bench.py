"""scikit-learn and faiss on a benchmark case, from the same data and initial centres as lloyd.

    python3 bench/python_bench.py X.npy init.npy ITERATIONS SYSTEM [TOL]
prints one JSON line {msPerIter, inertia, nIter, maxRssMB}. Run by bench/run.ts.
"""
import json
import os
import resource
import sys
import time

import numpy as np


def peak_rss_mb():
    """This process's own peak resident memory: Linux's VmHWM (ru_maxrss also carries the parent's size at fork)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    x_path, init_path, iterations, system = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    tol = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    # BENCH_WARM=1: a first fit of the same work, untimed, then the timed one (a warm process).
    warm = os.environ.get("BENCH_WARM") == "1"
    X = np.load(x_path)
    init = np.load(init_path).astype(X.dtype)
    if system == "sklearn":
        from sklearn.cluster import KMeans

        km = KMeans(n_clusters=init.shape[0], init=init, n_init=1, max_iter=iterations, tol=tol, algorithm="lloyd")
        if warm:
            km.fit(X)
        started = time.perf_counter()
        km.fit(X)
        elapsed = time.perf_counter() - started
        n_iter, inertia = int(km.n_iter_), float(km.inertia_)
    else:
        import faiss

        d = X.shape[1]
        Xf = np.ascontiguousarray(X, dtype=np.float32)
        def new_kmeans():
            return faiss.Kmeans(d, init.shape[0], niter=iterations, verbose=False, min_points_per_centroid=1, max_points_per_centroid=10**9)

        if warm:
            new_kmeans().train(Xf, init_centroids=np.ascontiguousarray(init, dtype=np.float32))
        km = new_kmeans()
        started = time.perf_counter()
        km.train(Xf, init_centroids=np.ascontiguousarray(init, dtype=np.float32))
        elapsed = time.perf_counter() - started
        n_iter = iterations
        distances, _ = km.index.search(Xf, 1)
        inertia = float(distances.sum())
    rss = peak_rss_mb()
    print(json.dumps({"msPerIter": elapsed * 1000 / n_iter, "inertia": inertia, "nIter": n_iter, "maxRssMB": rss}))


if __name__ == "__main__":
    main()
