"""The little of NPY that the driver needs: a shard's shape, and small float64/int32 arrays.

Shards are read by `lloyd` itself; the driver only reads their headers (to place them in the
whole matrix) and writes or reads the k x d centres and the labels files lloyd writes.
"""

import ast
import struct
from array import array

MAGIC = b"\x93NUMPY"


class NpyError(ValueError):
    """A file that is not an NPY array the driver can read."""


def _header(data: bytes, name: str):
    if data[:6] != MAGIC:
        raise NpyError(f"{name}: not an NPY file (no \\x93NUMPY magic)")
    major = data[6]
    if major == 1:
        (length,) = struct.unpack("<H", data[8:10])
        start = 10
    elif major in (2, 3):
        (length,) = struct.unpack("<I", data[8:12])
        start = 12
    else:
        raise NpyError(f"{name}: NPY version {major} is not one of 1, 2, 3")
    header = ast.literal_eval(data[start : start + length].decode("latin1"))
    return header, start + length


def shape_of(path: str) -> tuple:
    """The shape an NPY file declares, from its header alone."""
    with open(path, "rb") as f:
        head = f.read(4096)
    header, _ = _header(head, path)
    shape = tuple(header["shape"])
    if len(shape) != 2:
        raise NpyError(f"{path}: must be a 2-D array (rows x columns); its shape is {shape}")
    return shape


def read_float64(data: bytes, name: str) -> tuple:
    """A 2-D little-endian float64 array: (rows, cols, values row-major)."""
    header, offset = _header(data, name)
    if header["descr"] != "<f8" or header["fortran_order"]:
        raise NpyError(f"{name}: must be C-order <f8; got {header['descr']}")
    rows, cols = header["shape"]
    values = array("d")
    values.frombytes(data[offset : offset + 8 * rows * cols])
    return rows, cols, values


def read_int32(data: bytes, name: str) -> array:
    """A 1-D little-endian int32 array (lloyd's labels files)."""
    header, offset = _header(data, name)
    if header["descr"] != "<i4":
        raise NpyError(f"{name}: must be <i4 labels; got {header['descr']}")
    values = array("i")
    values.frombytes(data[offset:])
    return values


def encode_float64(rows: list) -> bytes:
    """Rows of numbers as a C-order float64 NPY (version 1)."""
    count = len(rows)
    cols = len(rows[0]) if count else 0
    if any(len(row) != cols for row in rows):
        raise NpyError(f"every row must have {cols} values")
    text = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({count}, {cols}), }}"
    pad = 64 - (10 + len(text) + 1) % 64
    header = (text + " " * (pad % 64) + "\n").encode("latin1")
    values = array("d", (float(v) for row in rows for v in row))
    return MAGIC + b"\x01\x00" + struct.pack("<H", len(header)) + header + values.tobytes()
