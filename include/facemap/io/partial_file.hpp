#pragma once
// Files that are whole or absent. A result file is written under a temporary name and renamed to
// its final name only once it is complete and on disk, so that nothing under a final name is
// ever half-written: a write that fails (a full disk) removes what it wrote, and one killed
// midway leaves only its temporary file, which the next write into that folder removes.
//
// The temporary file has the final file's own name, inside a private folder beside it:
// `<folder>/.fmpipe-partial-<pid>-<n>-<host>/<name>`. Keeping the name keeps what writers derive
// from it (torch.save's archive name, an image format from the extension); keeping the folder
// keeps the rename on one file system, where it is atomic. The private folder's name says which
// process made it: a later write into the folder removes those of processes of this host that no
// longer run, and leaves those of other hosts alone (on a shared file system their process may
// still be writing).

#include <filesystem>
#include <stdexcept>

namespace facemap {

/// A file that cannot be written; the message names the final file, the step and the system's
/// reason ("No space left on device").
class FileWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One file being written: write to path(), then commit(). One never committed is a temporary
/// file (a copy a library must read from disk), removed when the object goes away.
class PartialFile {
 public:
  /// Prepares writing `target`: removes what killed processes of this host left in its folder,
  /// then creates the private folder of path(). Throws FileWriteError when the folder cannot
  /// be written.
  explicit PartialFile(std::filesystem::path target);
  /// Removes the temporary file and its private folder, unless committed.
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  /// Where to write (the temporary file; nothing is there yet).
  const std::filesystem::path& path() const { return path_; }
  /// The final name.
  const std::filesystem::path& target() const { return target_; }

  /// Flushes path() to disk and renames it to target(), replacing the file there; a write error
  /// the file system only reports now (a full disk on NFS) is reported here. Throws
  /// FileWriteError naming target(); the temporary file is then still removed by the destructor
  /// and target() is as it was.
  void commit();

 private:
  std::filesystem::path target_, folder_, path_;
  bool committed_ = false;
};

}  // namespace facemap
