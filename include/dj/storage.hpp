#pragma once
// The objects of one store (dj/store_settings.hpp), by path relative to the store's location:
// the file protocol on a local or shared file system (NFS, Lustre), and the s3 protocol on any
// S3 service (AWS, MinIO, Ceph), signed with libcurl's AWS Signature Version 4. Objects appear
// whole or not at all: a reader never sees a partly written object under its final name.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dj/store_settings.hpp"

namespace dj {

/// A store that cannot be reached, is full, refuses a request or lacks an object. The message
/// names the store, the object's path and the reason; it never holds credentials.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One object found by Storage::list().
struct StoredObject {
  std::string path;  ///< relative to the store's location
  std::uint64_t size = 0;
};

/// A store's objects.
class Storage {
 public:
  virtual ~Storage() = default;
  const StoreSpec& spec() const { return spec_; }

  /// Writes the object whole: under a temporary name first (unique to this writer), then
  /// renamed or committed in one request, so that two writers of the same object cannot corrupt
  /// it. Replaces an object of that path.
  virtual void put(const std::string& path, std::string_view bytes) = 0;
  /// The object's bytes. Throws StoreError when it does not exist.
  virtual std::string get(const std::string& path) const = 0;
  virtual bool exists(const std::string& path) const = 0;
  /// Removes the object; an object that is already gone is not an error.
  virtual void remove(const std::string& path) = 0;
  /// Every object whose path starts with `prefix` + "/" (all objects for an empty prefix).
  virtual std::vector<StoredObject> list(const std::string& prefix) const = 0;

 protected:
  explicit Storage(StoreSpec spec) : spec_(std::move(spec)) {}
  /// "store 'main' (file /data): object '_hash/s/abc': reason".
  StoreError error(const std::string& path, const std::string& reason) const;

 private:
  StoreSpec spec_;
};

/// Opens a store. Throws StoreError when a file store's folder does not exist.
std::unique_ptr<Storage> open_storage(const StoreSpec& spec);

}  // namespace dj
