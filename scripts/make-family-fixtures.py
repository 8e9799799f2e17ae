"""Golden fixtures for lloyd's MiniBatchKMeans and BisectingKMeans, computed by scikit-learn.

Run with a Python that has scikit-learn 1.2.1 (Debian's python3-sklearn):
    /usr/bin/python3 scripts/make-family-fixtures.py
    npx biome format --write test/fixtures
Writes test/fixtures/minibatch-golden.json, bisecting-golden.json and family-seeded-golden.json
(whole seeded fits, equal since lloyd draws numpy's RandomState stream) (biome lays
them out as the other fixtures). Tests only read the JSON; they never need Python.

MiniBatchKMeans: scikit-learn's partial_fit and lloyd's partialFit see the same batches from the
same explicit initial centres, so no random draw takes part except reassignment's. The cases with
reassignment on keep its draws out of the result: whenever a batch would make scikit-learn's
result depend on its random state (checked by stepping copies of the model with three different
random states), that batch is replaced by copies of one row, where every draw picks the same row.

BisectingKMeans: nested, well-separated blobs, so every bisection is unambiguous and the tree
does not depend on the random draws (checked by fitting with three seeds).
"""
import contextlib
import copy
import io
import json
import pathlib

import numpy as np
import sklearn
from sklearn.cluster import BisectingKMeans, MiniBatchKMeans

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures"


def blobs(rng, centers, per_blob, scale):
    X = np.concatenate([c + rng.normal(scale=scale, size=(per_blob, len(c))) for c in centers])
    return X[rng.permutation(len(X))]


def step_copy(model, batch, weights, seed):
    clone = copy.deepcopy(model)
    clone._random_state = np.random.RandomState(seed)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        clone.partial_fit(batch, sample_weight=weights)
    return clone, "Reassigning" in out.getvalue()


def minibatch_case(name, seed, k, cols, steps, ratio, weighted, batch_sizes):
    rng = np.random.RandomState(seed)
    X = blobs(rng, rng.uniform(-10, 10, size=(k, cols)), 200, 1.0)
    init = X[rng.choice(len(X), k, replace=False)] + rng.normal(scale=0.1, size=(k, cols))
    if ratio > 0:
        # A small far blob with a centre of its own: that centre's count lags, and is reassigned.
        X = np.concatenate([X, 40.0 + rng.normal(scale=1.0, size=(6, cols))])
        init[-1] = X[-1]
    model = MiniBatchKMeans(
        n_clusters=k, init=init, n_init=1, reassignment_ratio=ratio, batch_size=batch_sizes[0],
        verbose=1, random_state=0,
    )
    records = []
    for step in range(steps):
        size = batch_sizes[step % len(batch_sizes)]
        batch = X[rng.randint(0, len(X), size)]
        weights = rng.uniform(0.5, 2.0, size) if weighted else None
        stepped = [step_copy(model, batch, weights, s) for s in (1, 2, 3)]
        same = all(np.array_equal(stepped[0][0].cluster_centers_, m.cluster_centers_) for m, _ in stepped)
        constant = False
        if not same:
            size = 32
            row = np.round(X[rng.randint(0, len(X))] * 8) / 8
            batch = np.repeat(row[None, :], size, axis=0)
            weights = None if weights is None else np.ones(size)
            stepped = [step_copy(model, batch, weights, s) for s in (1, 2, 3)]
            assert all(
                np.array_equal(stepped[0][0].cluster_centers_, m.cluster_centers_) for m, _ in stepped
            )
            constant = True
        model, reassigned = stepped[0]
        records.append({
            "batch": batch.tolist(),
            "sampleWeight": None if weights is None else weights.tolist(),
            "constantBatch": constant,
            "reassigned": reassigned,
            "centroids": model.cluster_centers_.tolist(),
            "counts": model._counts.tolist(),
            "labels": model.labels_.tolist(),
            "inertia": float(model.inertia_),
        })
    return {
        "name": name,
        "k": k,
        "batchSize": batch_sizes[0],
        "reassignmentRatio": ratio,
        "init": init.tolist(),
        "steps": records,
    }


def tree_of(model):
    mean = model._X_mean

    def node(n):
        out = {"center": (n.center + mean).tolist(), "score": float(n.score)}
        if n.left is None:
            out["label"] = int(n.label)
            out["size"] = int(np.sum(model.labels_ == n.label))
            out["children"] = None
        else:
            out["children"] = [node(n.left), node(n.right)]
            out["size"] = out["children"][0]["size"] + out["children"][1]["size"]
        return out

    return node(model._bisecting_tree)


def canonical(tree):
    """The tree as text, children in a fixed order: what must not depend on the draws."""
    head = f"{tree['size']}@{tree['center'][0]:.6f}"
    if tree["children"] is None:
        return head
    return head + "(" + ",".join(sorted(canonical(c) for c in tree["children"])) + ")"


def bisecting_case(name, seed, k, strategy, weighted, init):
    rng = np.random.RandomState(seed)
    cols = 3
    top = rng.uniform(-1, 1, size=(2, cols)) * 1000
    centers, sizes = [], []
    for a in top:
        for b in a + rng.uniform(-1, 1, size=(2, cols)) * 100:
            for c in b + rng.uniform(-1, 1, size=(2, cols)) * 10:
                centers.append(c)
                sizes.append(int(rng.randint(20, 60)))
    X = np.concatenate([c + rng.normal(scale=0.3, size=(s, cols)) for c, s in zip(centers, sizes)])
    X = X[rng.permutation(len(X))]
    weights = rng.uniform(0.5, 2.0, len(X)) if weighted else None
    fits = []
    for s in (0, 1, 2):
        model = BisectingKMeans(n_clusters=k, bisecting_strategy=strategy, random_state=s, init=init)
        fits.append(model.fit(X, sample_weight=weights))
    trees = [tree_of(m) for m in fits]
    assert all(canonical(t) == canonical(trees[0]) for t in trees), "tree depends on the seed"
    model = fits[0]
    queries = rng.uniform(-1100, 1100, size=(40, cols))
    return {
        "name": name,
        "k": k,
        "bisectingStrategy": strategy,
        "init": init,
        "X": X.tolist(),
        "sampleWeight": None if weights is None else weights.tolist(),
        "labels": model.labels_.tolist(),
        "centroids": model.cluster_centers_.tolist(),
        "inertia": float(model.inertia_),
        "tree": trees[0],
        "queries": queries.tolist(),
        "predicted": model.predict(queries).tolist(),
        "flatNearest": np.argmin(model.transform(queries), axis=1).tolist(),
    }


def seeded_fits():
    """Whole seeded fits on iris: lloyd draws numpy's RandomState stream, so the same seed gives
    scikit-learn's fit."""
    from sklearn.datasets import load_iris

    X = load_iris().data
    out = []
    for k, batch, seed in ((3, 20, 0), (5, 32, 7)):
        m = MiniBatchKMeans(n_clusters=k, batch_size=batch, random_state=seed, n_init=3).fit(X)
        out.append({"method": "minibatch", "k": k, "batchSize": batch, "seed": seed,
                    "centroids": m.cluster_centers_.tolist(), "labels": m.labels_.tolist(),
                    "inertia": float(m.inertia_), "nSteps": int(m.n_steps_), "nIter": int(m.n_iter_)})
    for k, strategy, seed in ((4, "biggest_inertia", 0), (6, "largest_cluster", 3)):
        b = BisectingKMeans(n_clusters=k, bisecting_strategy=strategy, random_state=seed).fit(X)
        out.append({"method": "bisecting", "k": k, "bisectingStrategy": strategy, "seed": seed,
                    "centroids": b.cluster_centers_.tolist(), "labels": b.labels_.tolist(),
                    "inertia": float(b.inertia_)})
    return {"X": X.tolist(), "fits": out}


def main():
    minibatch = {
        "sklearn": sklearn.__version__,
        "cases": [
            minibatch_case("blobs k=4 d=3, no reassignment", 0, 4, 3, 25, 0.0, False, [50]),
            minibatch_case("blobs k=5 d=6, weighted, batch sizes vary", 1, 5, 6, 24, 0.0, True, [48, 17, 90]),
            minibatch_case("blobs k=6 d=4, reassignment on", 2, 6, 4, 45, 0.05, False, [40]),
            minibatch_case("blobs k=6 d=4, weighted, reassignment on", 3, 6, 4, 45, 0.2, True, [30, 45]),
        ],
    }
    assert any(s["reassigned"] for c in minibatch["cases"] for s in c["steps"]), "no reassignment"
    (FIXTURES / "minibatch-golden.json").write_text(json.dumps(minibatch) + "\n")
    bisecting = {
        "sklearn": sklearn.__version__,
        "cases": [
            bisecting_case("nested blobs k=8 biggest_inertia", 0, 8, "biggest_inertia", False, "random"),
            bisecting_case("nested blobs k=5 largest_cluster", 1, 5, "largest_cluster", False, "random"),
            bisecting_case("nested blobs k=6 weighted k-means++", 2, 6, "biggest_inertia", True, "k-means++"),
        ],
    }
    (FIXTURES / "bisecting-golden.json").write_text(json.dumps(bisecting) + "\n")
    (FIXTURES / "family-seeded-golden.json").write_text(json.dumps(seeded_fits()) + "\n")


if __name__ == "__main__":
    main()
