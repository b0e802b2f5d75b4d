// A lab analysis program linking facemap-pipeline: connects to the configured database
// (DATABASE_URL, PGHOST, the config file, or the embedded server) and reports what it finds.

#include <iostream>

#include "dj/connection.hpp"
#include "facemap/version.hpp"

int main() {
  try {
    auto connection = dj::Connection::open_default();
    std::cout << "facemap-pipeline " << facemap::version() << " connected to PostgreSQL "
              << connection->server_version() << " at " << connection->target() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "lab_analysis: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
