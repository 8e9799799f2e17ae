"""Golden fixtures for lloyd's clustering scores, computed by scikit-learn.

Run with a Python that has scikit-learn (Debian's python3-sklearn is enough):
    python3 scripts/make-metrics-fixtures.py
Writes test/fixtures/metrics-golden.json. Tests only read the JSON; they never need Python.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.datasets import load_iris, make_blobs
from sklearn.metrics.cluster import contingency_matrix

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "metrics-golden.json"

EXTERNAL = {
    "randScore": metrics.rand_score,
    "adjustedRandScore": metrics.adjusted_rand_score,
    "mutualInfoScore": metrics.mutual_info_score,
    "normalizedMutualInfoScore": metrics.normalized_mutual_info_score,
    "adjustedMutualInfoScore": metrics.adjusted_mutual_info_score,
    "homogeneityScore": metrics.homogeneity_score,
    "completenessScore": metrics.completeness_score,
    "vMeasureScore": metrics.v_measure_score,
    "fowlkesMallowsScore": metrics.fowlkes_mallows_score,
}


def purity(truth, pred):
    c = contingency_matrix(truth, pred)
    return float(c.max(axis=0).sum() / c.sum()), (c.max(axis=0) / c.sum(axis=0)).tolist()


def external_case(name, truth, pred):
    truth = list(truth)
    pred = list(pred)
    overall, per_cluster = purity(truth, pred)
    return {
        "name": name,
        "truth": [t if isinstance(t, str) else int(t) for t in truth],
        "pred": [p if isinstance(p, str) else int(p) for p in pred],
        "scores": {key: float(fn(truth, pred)) for key, fn in EXTERNAL.items()},
        "contingency": contingency_matrix(truth, pred).tolist(),
        "purity": overall,
        "purityPerCluster": per_cluster,
    }


def internal_case(name, X, labels):
    return {
        "name": name,
        "X": np.asarray(X, dtype=np.float64).tolist(),
        "labels": [int(v) for v in labels],
        "silhouetteScore": float(metrics.silhouette_score(X, labels)),
        "silhouetteScoreManhattan": float(metrics.silhouette_score(X, labels, metric="manhattan")),
        "silhouetteScoreCosine": float(metrics.silhouette_score(X, labels, metric="cosine")),
        "silhouetteSamples": metrics.silhouette_samples(X, labels).tolist(),
        "daviesBouldinScore": float(metrics.davies_bouldin_score(X, labels)),
        "calinskiHarabaszScore": float(metrics.calinski_harabasz_score(X, labels)),
    }


def main():
    rng = np.random.RandomState(0)
    t1 = rng.randint(0, 3, 50)
    p1 = rng.randint(0, 4, 50)
    t2 = rng.randint(0, 10, 200)
    p2 = rng.randint(0, 7, 200)
    t3 = rng.randint(0, 20, 1000)
    p3 = np.where(rng.rand(1000) < 0.6, t3 % 15, rng.randint(0, 15, 1000))
    perm = rng.permutation(6)
    t4 = rng.randint(0, 6, 120)
    names = np.array(["setosa", "versicolor", "virginica"])
    t5 = rng.randint(0, 3, 60)
    p5 = np.where(rng.rand(60) < 0.7, t5, rng.randint(0, 3, 60))
    external = [
        external_case("random, 3 classes x 4 clusters, n=50", t1, p1),
        external_case("random, 10 classes x 7 clusters, n=200", t2, p2),
        external_case("correlated, 20 classes x 15 clusters, n=1000", t3, p3),
        external_case("a perfect match up to a permutation of labels", t4, perm[t4]),
        external_case("every sample its own cluster", t4, np.arange(120)),
        external_case("one cluster for all", t4, np.zeros(120, dtype=int)),
        external_case("one class and one cluster", np.zeros(10, dtype=int), np.full(10, 3)),
        external_case("string labels", names[t5].tolist(), names[p5][::-1][::-1].tolist()),
        external_case("strings against numbers, non-contiguous", names[t5].tolist(), (p5 * 7 + 3).tolist()),
        external_case("two samples", [0, 1], [1, 1]),
    ]
    blobs, blob_labels = make_blobs(n_samples=300, centers=4, n_features=4, cluster_std=1.2, random_state=2)
    iris = load_iris()
    internal = [
        internal_case("blobs 300x4, true labels", blobs, blob_labels),
        internal_case("blobs 300x4, random labels", blobs, np.random.RandomState(1).randint(0, 5, 300)),
        internal_case("iris, species", iris.data, iris.target),
        internal_case("tiny with a singleton cluster", [[0, 0], [0, 1], [5, 5], [9, 9], [9, 8]], [0, 0, 1, 2, 2]),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "external": external, "internal": internal}))
    print(f"wrote {OUT} ({len(external)} external, {len(internal)} internal cases)")


if __name__ == "__main__":
    main()
