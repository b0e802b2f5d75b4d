#pragma once
// facemap-pipeline's names for dj's configuration lookup (dj/config_locations.hpp), and the
// database connection that the pipeline's programs open with them.

#include <memory>

#include "dj/config_locations.hpp"
#include "dj/connection.hpp"

namespace pipeline {

/// app name "facemap-pipeline" (~/.config/facemap-pipeline/config.json,
/// ~/.local/share/facemap-pipeline/db, /var/lib/facemap-pipeline/db for root), $FMPIPE_CONFIG,
/// $FMPIPE_DATA_DIR and $FMPIPE_PG_BINDIR.
const dj::ConfigLocations& config_locations();

/// A connection to the database that dj::locate_database() finds under these names (starting
/// the embedded server when nothing else is configured).
std::unique_ptr<dj::Connection> open_database();

}  // namespace pipeline
