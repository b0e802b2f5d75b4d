"""A small decoder of DataJoint blobs holding numeric arrays, for reading facemap-pipeline's
tables with nothing but psycopg2 and numpy (Debian: python3-psycopg2, python3-numpy).
DataJoint's own client (dj.virtual_schema) reads the same tables with its full codec.

The format (see datajoint-compat.md in the project's docs):
    ["ZL123\\0" + u64 length + zlib stream]   optional compression envelope
    "mYm\\0" or "dj0\\0"                        header
    "A" u64 ndim, u64 shape[ndim], u32 class id, u32 complex flag, elements column-major
"""
import struct
import zlib

import numpy as np

# numpy dtypes by MATLAB class id, as DataJoint writes them.
DTYPES = {3: np.bool_, 6: np.float64, 7: np.float32, 8: np.int8, 9: np.uint8, 10: np.int16,
          11: np.uint16, 12: np.int32, 13: np.uint32, 14: np.int64, 15: np.uint64}


class BlobError(ValueError):
    """Bytes that are not a DataJoint blob of a real numeric array."""


def inflate(data):
    """The blob bytes without their compression envelope, if any."""
    if data[:6] != b"ZL123\0":
        return data
    length = struct.unpack_from("<Q", data, 6)[0]
    inflated = zlib.decompress(data[14:])
    if len(inflated) != length:
        raise BlobError("compressed blob inflates to %d bytes, not %d" % (len(inflated), length))
    return inflated


def unpack_array(blob):
    """The numpy array in a DataJoint blob (bytes or a psycopg2 memoryview)."""
    data = inflate(bytes(blob))
    if data[:4] not in (b"mYm\0", b"dj0\0"):
        raise BlobError("not a DataJoint blob (no mYm/dj0 header)")
    if data[4:5] != b"A":
        raise BlobError("the blob holds a %r value, not a numeric array" % data[4:5])
    ndim = struct.unpack_from("<Q", data, 5)[0]
    shape = struct.unpack_from("<%dQ" % ndim, data, 13)
    offset = 13 + 8 * ndim
    class_id, is_complex = struct.unpack_from("<II", data, offset)
    if class_id not in DTYPES or is_complex:
        raise BlobError("class id %d%s is not a real numeric type"
                        % (class_id, " (complex)" if is_complex else ""))
    count = int(np.prod(shape, dtype=np.int64)) if ndim else 1
    values = np.frombuffer(data, dtype=DTYPES[class_id], count=count, offset=offset + 8)
    return values.reshape(shape, order="F")  # DataJoint stores arrays column-major
