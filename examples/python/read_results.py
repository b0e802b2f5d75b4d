#!/usr/bin/env python3
"""Read facemap-pipeline results from Python with psycopg2 and numpy (Debian: python3-psycopg2,
python3-numpy). DataJoint's own client reads the same tables (dj.virtual_schema); this script
needs nothing but the two packages and decodes DataJoint's blob format for numeric arrays.

    DATABASE_URL=postgresql://lab@db/facemap python3 examples/python/read_results.py
"""
import os
import struct
import zlib

import numpy as np
import psycopg2

# numpy dtypes by DataJoint's blob type_id (the 'A' encoding).
DTYPES = {3: np.bool_, 6: np.float64, 7: np.float32, 8: np.int8, 9: np.uint8, 10: np.int16,
          11: np.uint16, 12: np.int32, 13: np.uint32, 14: np.int64, 15: np.uint64}


def unpack_array(blob):
    """A numeric n-d array from DataJoint blob bytes (compressed or not)."""
    data = bytes(blob)
    if data.startswith(b"ZL123\0"):
        length = struct.unpack_from("<Q", data, 6)[0]
        data = zlib.decompress(data[14:])
        assert len(data) == length
    if data[:4] not in (b"mYm\0", b"dj0\0") or data[4:5] != b"A":
        raise ValueError("not a numeric array blob")
    ndim = struct.unpack_from("<Q", data, 5)[0]
    shape = struct.unpack_from("<%dQ" % ndim, data, 13)
    offset = 13 + 8 * ndim
    type_id, is_complex = struct.unpack_from("<II", data, offset)
    if is_complex:
        raise ValueError("complex arrays are not handled here")
    dtype = np.dtype(DTYPES[type_id])
    count = int(np.prod(shape)) if ndim else 1
    values = np.frombuffer(data, dtype=dtype, count=count, offset=offset + 8)
    return values.reshape(shape, order="F")  # blobs are column-major


def main():
    connection = psycopg2.connect(os.environ.get("DATABASE_URL", ""))
    cursor = connection.cursor()
    cursor.execute(
        "SELECT subject, session_datetime, roi_no, area FROM fm_facial_behavior_estimation._facial_signal__pupil")
    for subject, when, roi_no, area in cursor.fetchall():
        area = unpack_array(area)
        print(f"{subject} {when} region {roi_no}: pupil area {np.nanmean(area):.1f} px^2 "
              f"over {np.count_nonzero(~np.isnan(area))} frames")
    cursor.execute(
        "SELECT component_id, singular_value, motmask, projection "
        "FROM fm_facial_behavior_estimation._facial_signal__motion_s_v_d "
        "WHERE roi_no = 0 AND component_id < 3 ORDER BY subject, session_datetime, component_id")
    for component, singular_value, mask, projection in cursor.fetchall():
        mask, projection = unpack_array(mask), unpack_array(projection)
        print(f"component {component}: singular value {singular_value:.1f}, mask {mask.shape}, "
              f"projection of {projection.shape[0]} frames")


if __name__ == "__main__":
    main()
