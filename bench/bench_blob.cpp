// Blob codec throughput: packing and unpacking a 50 MB float32 array (12500 x 1000, normally
// distributed like SVD projections), without and with zlib compression. MB = 10^6 bytes of the
// array's data; each figure is the best of three runs.

#include <cstdio>
#include <random>

#include "bench_timing.hpp"
#include "dj/blob.hpp"

namespace {

constexpr double megabytes = 50.0;

void report(const char* name, double value, const char* unit) {
  std::printf("figure %s %.1f %s\n", name, value, unit);
}

// Figures for packing `array` and unpacking it again, named blob_<what>..._mb_per_s.
void measure(const dj::BlobValue& array, bool compress, const char* pack_name,
             const char* unpack_name) {
  std::string packed;
  report(pack_name,
         megabytes / fmbench::best_seconds([&] { packed = dj::pack_blob(array, compress); }),
         "MB/s");
  dj::BlobValue back;
  report(unpack_name, megabytes / fmbench::best_seconds([&] { back = dj::unpack_blob(packed); }),
         "MB/s");
  if (back != array) std::fprintf(stderr, "round trip changed the array\n");
  if (compress) report("blob_compressed_percent", 100.0 * packed.size() / (megabytes * 1e6), "%");
}

}  // namespace

int main() {
  dj::ColumnMajorArray array(dj::DType::float32, {12500, 1000});
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.f, 1.f);
  float* data = array.data<float>();
  for (std::uint64_t i = 0; i < array.size(); ++i) data[i] = normal(rng);
  const dj::BlobValue value(std::move(array));
  measure(value, false, "blob_pack_mb_per_s", "blob_unpack_mb_per_s");
  measure(value, true, "blob_pack_compressed_mb_per_s", "blob_unpack_compressed_mb_per_s");
}
