#pragma once
// The protocols behind dj::open_storage. Private to src/dj.

#include <memory>

#include "dj/storage.hpp"

namespace dj {

std::unique_ptr<Storage> open_file_storage(const StoreSpec& spec);
std::unique_ptr<Storage> open_s3_storage(const StoreSpec& spec);

}  // namespace dj
