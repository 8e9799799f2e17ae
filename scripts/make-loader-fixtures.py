"""Small files for the loader tests, written by NumPy so the NPY reader is checked against NumPy itself.

    python3 scripts/make-loader-fixtures.py   ->  test/fixtures/data/
"""
import gzip
import pathlib
import struct

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "data"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    base = np.array([[1.5, -2.0, 3.25], [4.0, 5.5, -6.75]])
    np.save(OUT / "f8.npy", base)
    np.save(OUT / "f4.npy", base.astype(np.float32))
    np.save(OUT / "i4.npy", np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int32))
    np.save(OUT / "u1.npy", np.array([[0, 255, 7], [1, 2, 3]], dtype=np.uint8))
    np.save(OUT / "i8-big-endian.npy", np.array([[1, 2, 3], [4, 5, 6]], dtype=">i8"))
    np.save(OUT / "vector.npy", np.array([1.0, 2.0, 3.0]))
    np.save(OUT / "fortran.npy", np.asfortranarray(base))
    np.save(OUT / "complex.npy", np.array([[1 + 2j]]))
    images = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 10
    header = struct.pack(">BBBB", 0, 0, 8, 3) + struct.pack(">III", 2, 3, 3)
    (OUT / "images.idx").write_bytes(header + images.tobytes())
    with gzip.GzipFile(OUT / "images.idx.gz", "wb", mtime=0) as f:
        f.write(header + images.tobytes())
    (OUT / "truncated.idx").write_bytes(header + images.tobytes()[:-3])


if __name__ == "__main__":
    main()
