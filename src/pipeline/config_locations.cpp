#include "pipeline/config_locations.hpp"

namespace pipeline {

const dj::ConfigLocations& config_locations() {
  static const dj::ConfigLocations names{"facemap-pipeline", "FMPIPE_CONFIG", "FMPIPE_DATA_DIR",
                                         "FMPIPE_PG_BINDIR", "FMPIPE_STORES"};
  return names;
}

std::unique_ptr<dj::Connection> open_database() {
  return dj::Connection::open_default(config_locations());
}

}  // namespace pipeline
