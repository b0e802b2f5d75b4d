#!/usr/bin/env python3
"""Read facemap-pipeline results from Python with psycopg2 and numpy, decoding DataJoint's blobs
with djblob.py (next to this file).

    DATABASE_URL=postgresql://lab@db/facemap python3 examples/python/read_results.py
    FMPIPE_SCHEMA_PREFIX chooses the schemas' prefix (default fm_).
"""
import os
import sys

import numpy as np
import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from djblob import unpack_array  # noqa: E402


def recording_key(cursor, fbe):
    """VideoRecording's primary key columns, in order: the session's key (subject and
    session_datetime, or a lab's own Session's when the pipeline is linked under it) and
    recording_id."""
    cursor.execute("SELECT a.attname FROM pg_index i "
                   "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                   "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
                   (f'"{fbe}".video_recording',))
    return [name for (name,) in cursor.fetchall()]


def main():
    prefix = os.environ.get("FMPIPE_SCHEMA_PREFIX", "fm_")
    fbe, inference = prefix + "facial_behavior_estimation", prefix + "facemap_inference"
    connection = psycopg2.connect(os.environ.get("DATABASE_URL", ""))
    cursor = connection.cursor()
    key = recording_key(cursor, fbe)
    columns = ", ".join(key)  # catalog names of a DataJoint table: lower-case identifiers

    cursor.execute(f'SELECT {columns}, roi_no, area FROM "{fbe}"._facial_signal__pupil '
                   f"ORDER BY {columns}, roi_no")
    for *values, roi_no, area in cursor.fetchall():
        area = unpack_array(area)
        recording = ", ".join(f"{name}={value}" for name, value in zip(key, values))
        print(f"pupil {recording} region {roi_no}: "
              f"mean area {np.nanmean(area):.4f} px^2 over {np.count_nonzero(~np.isnan(area))} frames")

    cursor.execute(f'SELECT component_id, singular_value, motmask, projection '
                   f'FROM "{fbe}"._facial_signal__motion_s_v_d WHERE roi_no = 0 AND component_id < 3 '
                   f"ORDER BY {columns}, component_id")
    for component, singular_value, mask, projection in cursor.fetchall():
        mask, projection = unpack_array(mask), unpack_array(projection)
        print(f"motion component {component}: singular value {singular_value:.2f}, "
              f"mask {mask.shape[0]}x{mask.shape[1]}, projection of {projection.shape[0]} frames")

    cursor.execute(f'SELECT body_part, x_pos, y_pos, likelihood '
                   f'FROM "{inference}".__facemap_inference__body_part_position '
                   "WHERE body_part IN ('eye(front)', 'nose(tip)') ORDER BY body_part")
    for body_part, x, y, likelihood in cursor.fetchall():
        x, y, likelihood = unpack_array(x), unpack_array(y), unpack_array(likelihood)
        print(f"keypoint {body_part}: mean x {x.mean():.4f}, mean y {y.mean():.4f}, "
              f"mean likelihood {likelihood.mean():.3f} over {x.shape[0]} frames")


if __name__ == "__main__":
    main()
