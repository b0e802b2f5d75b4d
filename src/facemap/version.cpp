#include "facemap/version.hpp"

namespace facemap {

std::string version() {
  return FMPIPE_VERSION;
}

}  // namespace facemap
