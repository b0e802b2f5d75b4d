#pragma once
// Facemap's dicts travel through the database as DataJoint blobs (FacemapTask.facemap_params),
// while the engine reads and writes them as pickled values (facemap/io/proc_settings.hpp). These
// two conversions let one reader serve both, so the database holds exactly what Facemap's GUI
// saves and what DataJoint's Python client inserts.

#include "dj/blob_value.hpp"
#include "facemap/io/pickle_value.hpp"

namespace pipeline {

/// A blob value as the pickled value Python would hold: None, bool, int, float, str, bytes,
/// lists, tuples, dicts, numeric arrays of up to 2 dimensions (integers as int64, floats as
/// float64, bools as bool) and 1-d object arrays (as lists). Throws std::invalid_argument
/// naming the kind for anything else (a MATLAB struct, a 3-d array, ...); `where` names the
/// place in messages.
facemap::pickle::Value to_pickle(const dj::BlobValue& value, const std::string& where);

/// The reverse, for the values facemap::settings_dict() writes.
dj::BlobValue to_blob_value(const facemap::pickle::Value& value);

}  // namespace pipeline
