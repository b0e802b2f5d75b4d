#pragma once
// SQL helpers for people who query the pipeline with psql or any SQL client, all in the schema
// "<prefix>views": functions that decode DataJoint blobs of numeric arrays into PostgreSQL
// arrays, and views with readable names over the Facemap tables.
//
//   SELECT subject, recording_id, area[1:5], x[1:5] FROM fm_views.pupil;
//   SELECT roi_no, component_id, singular_value FROM fm_views.motion_svd ORDER BY 1, 2;
//   SELECT body_part, x[1:3], likelihood[1:3] FROM fm_views.keypoints;
//   SELECT facemap_task_id, sbin, components, roi_no, roi_type, saturation, reflectors
//   FROM fm_views.task_region;
//   SELECT fm_views.dj_blob_float8(motion) FROM
//   fm_facial_behavior_estimation._facial_signal__region;
//
// The functions are plain SQL and PL/pgSQL (no procedural language to install). Compressed
// blobs (those over 1000 bytes) also need the pgcrypto extension, which ships with PostgreSQL;
// the helpers create it when they may, and otherwise decoding a compressed blob raises an
// error that says so. Readers need USAGE on the schema and SELECT on its views.

#include <string>
#include <utility>
#include <vector>

#include "pipeline/pipeline.hpp"

namespace pipeline {

/// The helper scripts for the schemas of `prefix`, in the order they must run: "blob_functions"
/// (decoding, needs nothing else), "blob_jsonb" (dicts and lists as jsonb) and "facemap_views"
/// (needs the pipeline's tables), for the pipeline's own Session (key subject,
/// session_datetime). sql/helpers/ holds them for the default prefix, as <name>.sql.
std::vector<std::pair<std::string, std::string>> sql_helper_scripts(const std::string& prefix);
/// The same for a pipeline whose recordings are keyed by `session_key` (a lab's Session's
/// primary key when linked) and recording_id: the views lead with those attributes.
std::vector<std::pair<std::string, std::string>> sql_helper_scripts(
    const std::string& prefix, const std::vector<std::string>& session_key);

/// Creates (or replaces) the helpers for the pipeline's prefix, in one transaction. The
/// pipeline's schemas must exist.
void install_sql_helpers(const Pipeline& pipe);

}  // namespace pipeline
