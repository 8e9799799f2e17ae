"""scikit-learn's numbers for the report (npm start / lloyd report), on the same data and splits.

    python3 scripts/make-report-fixture.py   ->  data/report-sklearn.json

The report shows them beside lloyd's; it reads this file and never needs Python.
"""
import gzip
import json
import pathlib
import struct

import numpy as np
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.datasets import load_iris
from sklearn.metrics.cluster import contingency_matrix
from sklearn.model_selection import train_test_split

ROOT = pathlib.Path(__file__).resolve().parent.parent


def read_idx(path):
    raw = gzip.decompress(path.read_bytes())
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw[4 + 4 * ndim :], dtype=np.uint8).reshape(dims)


def purity(truth, pred):
    c = contingency_matrix(truth, pred)
    return float(c.max(axis=0).sum() / c.sum()), (c.max(axis=0) / c.sum(axis=0)).tolist()


def main():
    toy = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]], dtype=float)
    km = KMeans(n_clusters=2, init="random", n_init=10, random_state=1992).fit(toy)
    toy_out = {
        "centroids": km.cluster_centers_.tolist(),
        "labels": km.labels_.tolist(),
        "inertia": float(km.inertia_),
        "predictions": km.predict(np.array([[0.0, 0.0], [12.0, 3.0]])).tolist(),
    }

    iris = load_iris()
    X2 = iris.data[:, :2]
    train_idx, test_idx = train_test_split(np.arange(150), test_size=0.2, random_state=42)
    iris_out = {"trainIndex": train_idx.tolist(), "testIndex": test_idx.tolist(), "runs": {}}
    for init in ["random", "k-means++"]:
        km = KMeans(n_clusters=3, init=init, n_init=10 if init == "random" else 1, random_state=42).fit(X2[train_idx])
        pred = km.predict(X2[test_idx])
        overall, per = purity(iris.target[test_idx], pred)
        iris_out["runs"][init] = {
            "centroids": km.cluster_centers_.tolist(),
            "inertia": float(km.inertia_),
            "nIter": int(km.n_iter_),
            "testPurity": overall,
            "testPurityPerCluster": per,
        }
    elbow = []
    for k in range(1, 11):
        elbow.append(float(KMeans(n_clusters=k, init="random", n_init=10, random_state=42).fit(X2[train_idx]).inertia_))
    iris_out["elbowInertias"] = elbow

    images = read_idx(ROOT / "data" / "mnist-10k-images.idx.gz").reshape(10000, 784).astype(np.float64) / 255
    labels = read_idx(ROOT / "data" / "mnist-10k-labels.idx.gz")
    init, _ = kmeans_plusplus(images, 10, random_state=0)
    km = KMeans(n_clusters=10, init=init, n_init=1, random_state=0).fit(images)
    overall, per = purity(labels, km.labels_)
    mnist_out = {
        "init": init.tolist(),
        "inertia": float(km.inertia_),
        "nIter": int(km.n_iter_),
        "purity": overall,
        "purityPerCluster": per,
    }
    out = ROOT / "data" / "report-sklearn.json"
    out.write_text(json.dumps({"sklearn": sklearn.__version__, "toy": toy_out, "iris": iris_out, "mnist": mnist_out}))
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
