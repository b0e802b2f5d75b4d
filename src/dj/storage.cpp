// What every protocol shares (dj/storage.hpp).

#include "dj/storage.hpp"

#include "storage_protocols.hpp"

namespace dj {

StoreError Storage::error(const std::string& path, const std::string& reason) const {
  return StoreError(spec_.describe() + ": object '" + path + "' " + reason);
}

std::unique_ptr<Storage> open_storage(const StoreSpec& spec) {
  if (spec.protocol == "s3") return open_s3_storage(spec);
  return open_file_storage(spec);
}

}  // namespace dj
