"""Golden fixtures for lloyd's KMeans, computed by scikit-learn with explicit initial centres.

Run with a Python that has scikit-learn (Debian's python3-sklearn is enough):
    python3 scripts/make-kmeans-fixtures.py
Writes test/fixtures/kmeans-golden.json. Tests only read the JSON; they never need Python.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits, load_iris, make_blobs

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "kmeans-golden.json"


def rows_init(X, k, seed):
    """k distinct rows, each moved by a little noise.

    Data rows as centres put many points exactly halfway between two centres on grid-valued
    data (iris, digits). scikit-learn settles such exact ties by the rounding of its BLAS
    distance form, which no other implementation reproduces; lloyd gives them to the lowest
    index. The noise removes exact ties so the fixtures test the algorithm, not the rounding.
    """
    rng = np.random.RandomState(seed)
    rows = X[rng.choice(X.shape[0], k, replace=False)]
    return rows + rng.normal(scale=1e-3 * X.std(), size=rows.shape)


DATASETS = {}


def case(name, data, k, init, sample_weight=None, max_iter=300, tol=1e-4):
    X = np.ascontiguousarray(DATASETS[data], dtype=np.float64)
    km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=max_iter, tol=tol, algorithm="lloyd")
    km.fit(X, sample_weight=sample_weight)
    return {
        "name": name,
        "data": data,
        "k": k,
        "init": np.asarray(init, dtype=np.float64).tolist(),
        "sampleWeight": None if sample_weight is None else np.asarray(sample_weight).tolist(),
        "maxIter": max_iter,
        "tol": tol,
        "labels": km.labels_.tolist(),
        "centroids": km.cluster_centers_.tolist(),
        "inertia": float(km.inertia_),
        "nIter": int(km.n_iter_),
    }


def main():
    iris = load_iris().data
    digits = load_digits().data
    blobs, _ = make_blobs(n_samples=600, centers=5, n_features=3, cluster_std=1.5, random_state=7)
    weighted, _ = make_blobs(n_samples=300, centers=4, n_features=2, cluster_std=2.0, random_state=3)
    weights = np.random.RandomState(11).uniform(0.2, 3.0, size=weighted.shape[0])
    small, _ = make_blobs(n_samples=40, centers=2, n_features=2, random_state=5)
    empty_init = np.vstack([small[0], small[1], [1000.0, 1000.0]])

    DATASETS.update(iris=iris, iris2=iris[:, :2], digits=digits, blobs=blobs, weighted=weighted, small=small)
    cases = [
        case("iris, 4 features, k=3", "iris", 3, rows_init(iris, 3, 0)),
        case("iris, first 2 features, k=3", "iris2", 3, rows_init(iris[:, :2], 3, 1)),
        case("iris, first 2 features, k=8", "iris2", 8, rows_init(iris[:, :2], 8, 2)),
        case("digits, k=10", "digits", 10, rows_init(digits, 10, 3)),
        case("digits, k=10, maxIter=4 (not converged)", "digits", 10, rows_init(digits, 10, 4), max_iter=4),
        case("blobs 600x3, k=5", "blobs", 5, rows_init(blobs, 5, 5)),
        case("blobs 600x3, k=5, tol=0", "blobs", 5, rows_init(blobs, 5, 6), tol=0.0),
        case("weighted blobs 300x2, k=4", "weighted", 4, rows_init(weighted, 4, 7), sample_weight=weights),
        case("empty cluster: one initial centre far from every point", "small", 3, empty_init),
    ]
    datasets = {name: np.asarray(X, dtype=np.float64).tolist() for name, X in DATASETS.items()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "datasets": datasets, "cases": cases}))
    print(f"wrote {OUT} ({len(cases)} cases, scikit-learn {sklearn.__version__})")


if __name__ == "__main__":
    main()
