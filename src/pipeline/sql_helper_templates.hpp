#pragma once
// The SQL texts behind sql_helpers.hpp, with placeholders that sql_helper_scripts() fills in:
// {views} (the helpers' schema), {fbe} (facial_behavior_estimation) and {inference}
// (facemap_inference), each a quoted schema name, {session_key} (the Session's key attributes,
// comma-separated), and {svd_views}, svd_view() for each SVD kind.

namespace pipeline::sql_templates {

/// Functions that decode DataJoint blobs of numeric arrays ({views} only).
const char* blob_functions();

/// dj_blob_jsonb, which reads blobs of Python values (settings dicts) as jsonb; needs the blob
/// functions.
const char* blob_jsonb();

/// Views over the Facemap tables, built on the blob functions.
const char* facemap_views();

/// The view of one SVD part table; {kind} is "motion" or "movie", {mask} its mask column.
const char* svd_view();

}  // namespace pipeline::sql_templates
