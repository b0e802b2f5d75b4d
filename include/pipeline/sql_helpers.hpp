#pragma once
// SQL helpers for people who query the pipeline with psql or any SQL client: functions that
// decode DataJoint blobs of numeric arrays into PostgreSQL arrays, and views with readable
// names over the Facemap tables, all in the schema "<prefix>views".
//
//   SELECT subject, area[1:5] FROM fm_views.pupil;
//   SELECT component_id, singular_value FROM fm_views.motion_svd WHERE roi_no = 0;
//   SELECT body_part, x[1:3] FROM fm_views.keypoints;
//
// The functions are written in PL/Python (Debian: postgresql-plpython3-15), since blobs larger
// than 1000 bytes are zlib-compressed and PostgreSQL has no inflate of its own; Python's struct
// module also reads IEEE floats exactly, NaN and infinities included. Installing them needs
// the right to create the plpython3u extension (a superuser, once per database).

#include <string>

#include "pipeline/pipeline.hpp"

namespace pipeline {

/// The script that creates (or replaces) the helpers for the schemas of `prefix`. sql/helpers.sql
/// holds it for the default prefix.
std::string sql_helpers_script(const std::string& prefix);

/// Runs sql_helpers_script() for the pipeline's prefix, in one transaction. The pipeline's
/// schemas must exist (the views read their tables).
void install_sql_helpers(const Pipeline& pipe);

}  // namespace pipeline
