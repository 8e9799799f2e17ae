"""Golden fixtures for lloyd's numpy-compatible random stream and everything seeded by it.

Run with Debian's Python, which has scikit-learn 1.2.1 and numpy:
    /usr/bin/python3 scripts/make-random-fixtures.py
Writes two files under test/fixtures; tests only read the JSON, never Python:
- numpy-random.json: numpy's legacy RandomState streams, the first 10,000 draws of each kind for
  several seeds (the first values, the last one, and a SHA-256 of all of them as little-endian
  float64, so the file stays small);
- seeded-sklearn.json: KMeans fits with random_state (k-means++ and random, n_init 1 and 10) on
  iris, digits, wine and blobs, the rows each restart's init picked, and train_test_split's rows
  and silhouette_score with sample_size, and make_blobs, for several seeds.

Seeded k-means++ draws depend on floating-point distances only where two candidates tie or a
draw lands on a cumulative-sum boundary; scikit-learn computes them with BLAS, so bit equality of
the potentials is impossible in general. The test checks every case here: all of them pick the
same rows in lloyd (see test/seeded-sklearn.test.ts).
"""
import hashlib
import json
import pathlib

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.cluster._kmeans import _kmeans_plusplus
from sklearn.datasets import load_digits, load_iris, load_wine, make_blobs
from sklearn.metrics import silhouette_score
from sklearn.model_selection import train_test_split
from sklearn.utils.extmath import row_norms

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures"
DRAWS = 10_000
SEEDS = [0, 1, 42, 123456789, 2**32 - 1]


def summary(values):
    """First 10 values, the last, and a SHA-256 of all as little-endian float64."""
    values = np.asarray(values)
    as_float = values.astype("<f8")
    assert np.array_equal(as_float, values), "every value must be exact in float64"
    return {
        "count": int(values.size),
        "first": as_float[:10].tolist(),
        "last": float(as_float[-1]),
        "sha256": hashlib.sha256(as_float.tobytes()).hexdigest(),
        # Every 100th value: normals pass through a logarithm, which JavaScript engines round
        # within an ulp of glibc's, so they are compared to 1e-14 rather than hashed.
        "every100": as_float[::100].tolist() if values.dtype.kind == "f" else None,
    }


def streams():
    """Each kind of draw, DRAWS of them from a fresh RandomState(seed)."""
    kinds = {
        "uint32": lambda rs: rs.randint(0, 2**32, size=DRAWS, dtype=np.uint64),
        "randomSample": lambda rs: rs.random_sample(DRAWS),
        "uniform(-10,10)": lambda rs: rs.uniform(-10, 10, size=DRAWS),
        "standardNormal": lambda rs: rs.standard_normal(DRAWS),
        "permutation(10000)": lambda rs: rs.permutation(DRAWS),
        "permutation(7)": lambda rs: np.concatenate([rs.permutation(7) for _ in range(DRAWS // 7)]),
    }
    for n in [1, 2, 3, 7, 150, 1797, 1_000_003, 2**31 + 1, 2**32, 2**40 + 5]:
        kinds[f"randint({n})"] = lambda rs, n=n: rs.randint(n, size=DRAWS)
    out = []
    for seed in SEEDS:
        for kind, draw in kinds.items():
            out.append({"seed": seed, "kind": kind, **summary(draw(np.random.RandomState(seed)))})
    return out


def init_rows(X, k, init, n_init, seed):
    """The rows each restart's init takes, replaying KMeans.fit's use of the stream (1.2.1)."""
    rs = np.random.RandomState(seed)
    Xc = X - X.mean(axis=0)
    norms = row_norms(Xc, squared=True)
    rows = []
    for _ in range(n_init):
        if init == "k-means++":
            rows.append(_kmeans_plusplus(Xc, k, norms, rs)[1].tolist())
        else:
            rows.append(rs.permutation(X.shape[0])[:k].tolist())
    return rows


def fits(datasets):
    plan = [("iris", 3), ("iris", 8), ("digits", 10), ("wine", 3), ("blobs", 4)]
    cases = []
    for data, k in plan:
        X = datasets[data]
        for init in ["k-means++", "random"]:
            for n_init in [1, 10]:
                for seed in [0, 1, 42]:
                    km = KMeans(n_clusters=k, init=init, n_init=n_init, random_state=seed)
                    km.fit(X)
                    cases.append(fit_case(data, k, init, n_init, seed, km, None))
    # 1.2.1 ignores sample weights when it draws the initial centres (1.3+ weighs them).
    X = datasets["blobs"]
    weights = np.random.RandomState(11).uniform(0.2, 3.0, size=X.shape[0])
    for init in ["k-means++", "random"]:
        km = KMeans(n_clusters=4, init=init, n_init=3, random_state=5).fit(X, sample_weight=weights)
        cases.append(fit_case("blobs", 4, init, 3, 5, km, weights))
    for case in cases:
        X = datasets[case["data"]]
        case["initRows"] = init_rows(X, case["k"], case["init"], case["nInit"], case["seed"])
        case["roundingTies"] = [rounding_ties(X, rows) for rows in case["initRows"]]
    return cases


def rounding_ties(X, rows):
    """Rows whose two nearest starting centres are equally far up to rounding (1e-12 relative).

    On grid-valued data (iris, digits, wine) a start made of data rows leaves some rows halfway
    between two centres; scikit-learn settles them by the rounding of its BLAS distance form,
    which no other implementation reproduces (lloyd gives them to the nearer centre by exact
    differences, the lower index on equality). Such a case can end in another partition.
    """
    centers = X[rows]
    distances = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    nearest_two = np.sort(distances, axis=1)[:, :2]
    return int(np.sum(nearest_two[:, 1] - nearest_two[:, 0] <= 1e-12 * nearest_two[:, 1]))


def fit_case(data, k, init, n_init, seed, km, weights):
    return {
        "data": data,
        "k": k,
        "init": init,
        "nInit": n_init,
        "seed": seed,
        "sampleWeight": None if weights is None else weights.tolist(),
        "labels": km.labels_.tolist(),
        "centroids": km.cluster_centers_.tolist(),
        "inertia": float(km.inertia_),
        "nIter": int(km.n_iter_),
    }


def splits(labels):
    cases = []
    for data, y in labels.items():
        n = len(y)
        for test_size in [0.2, 0.25, 0.33, 12]:
            for stratify in [False, True]:
                for seed in [0, 1, 42]:
                    train, test = train_test_split(
                        np.arange(n),
                        test_size=test_size,
                        random_state=seed,
                        stratify=y if stratify else None,
                    )
                    cases.append({
                        "data": data,
                        "testSize": test_size,
                        "stratify": stratify,
                        "seed": seed,
                        "trainIndex": train.tolist(),
                        "testIndex": test.tolist(),
                    })
    return cases


def silhouettes(datasets, labels):
    cases = []
    for data in ["iris", "wine"]:
        for sample_size in [20, 60]:
            for seed in [0, 7]:
                score = silhouette_score(datasets[data], labels[data], sample_size=sample_size, random_state=seed)
                cases.append({"data": data, "sampleSize": sample_size, "seed": seed, "score": float(score)})
    return cases


def blob_cases():
    cases = []
    for n, d, centers, std, box, seed in [(60, 2, 3, 1.0, 10.0, 0), (101, 5, 4, 2.5, 20.0, 7)]:
        X, y = make_blobs(n_samples=n, n_features=d, centers=centers, cluster_std=std, center_box=(-box, box), random_state=seed)
        cases.append({"nSamples": n, "nFeatures": d, "centers": centers, "clusterStd": std, "centerBox": box, "seed": seed, "X": X.tolist(), "y": y.tolist()})
    return cases


def main():
    iris, wine = load_iris(), load_wine()
    blobs, _ = make_blobs(n_samples=500, centers=4, n_features=2, cluster_std=1.5, random_state=0)
    datasets = {
        "iris": iris.data,
        "digits": load_digits().data,
        "wine": wine.data,
        "blobs": blobs,
    }
    # Tied remainders make stratified splits break ties by the stream (_approximate_mode).
    tied = np.repeat([0, 1, 2, 3], [7, 7, 7, 5])
    labels = {"iris": iris.target, "wine": wine.target, "tied": tied}

    FIXTURES.mkdir(parents=True, exist_ok=True)
    stream_path = FIXTURES / "numpy-random.json"
    stream_path.write_text(json.dumps({"numpy": np.__version__, "streams": streams()}))
    print(f"wrote {stream_path}")

    seeded_path = FIXTURES / "seeded-sklearn.json"
    seeded_path.write_text(json.dumps({
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        # digits comes from kmeans-golden.json's datasets; the others are small enough to keep here.
        "datasets": {name: X.tolist() for name, X in datasets.items() if name != "digits"},
        "labels": {name: y.tolist() for name, y in labels.items()},
        "fits": fits(datasets),
        "splits": splits(labels),
        "silhouettes": silhouettes(datasets, labels),
        "blobs": blob_cases(),
    }))
    print(f"wrote {seeded_path}")


if __name__ == "__main__":
    main()
