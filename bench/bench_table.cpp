// Blob throughput of Table::insert and Query::fetch against a plain COPY of the same bytes,
// in one run on a throwaway embedded PostgreSQL (target: within 1.5x of COPY). The blobs are
// packed once beforehand (bench_blob measures the codec); the figures here are the database
// path: parameters, hex transfer, and decoding of fetched values.
// Prints "figure <name> <value> <unit>" lines.

#include <chrono>
#include <cstdio>
#include <random>
#include <tuple>
#include <vector>

#include "bench_database.hpp"
#include "dj/blob.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string hex_of(const std::string& bytes) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + 2 * bytes.size());
  for (unsigned char c : bytes) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

}  // namespace

int main() {
  dj::Connection connection(bench::database_url());
  dj::Schema schema = bench::fresh_schema(connection, "bench_table");
  auto table = schema.declare("Mask", dj::Tier::manual, "mask_id : int\n---\nmask : longblob");

  // 10 masks of 64 x 64 x 500 float32 (8 MB each, 80 MB in all), smooth-ish like SVD masks.
  constexpr int kBlobs = 10;
  std::mt19937 random(1);
  std::normal_distribution<float> noise;
  std::vector<dj::Row> rows;
  std::vector<std::string> packed;
  size_t total_bytes = 0;
  for (int b = 0; b < kBlobs; ++b) {
    Eigen::MatrixXf mask(64 * 64, 500);
    for (Eigen::Index i = 0; i < mask.size(); ++i) mask.data()[i] = noise(random);
    packed.push_back(dj::pack_blob(dj::ColumnMajorArray::from_eigen(mask)));
    total_bytes += packed.back().size();
    rows.push_back({{"mask_id", b}, {"mask", dj::Blob{packed.back()}}});
  }
  const double megabytes = static_cast<double>(total_bytes) / 1e6;

  pqxx::nontransaction(connection.native())
      .exec("CREATE TABLE bench_table.plain (mask_id int PRIMARY KEY, mask bytea NOT NULL)");
  auto start = std::chrono::steady_clock::now();
  {
    pqxx::work work(connection.native());
    pqxx::stream_to stream(work, "bench_table.plain", std::vector<std::string>{"mask_id", "mask"});
    for (int b = 0; b < kBlobs; ++b)
      stream << std::make_tuple(b, hex_of(packed[static_cast<size_t>(b)]));
    stream.complete();
    work.commit();
  }
  const double copy_in = seconds_since(start);

  start = std::chrono::steady_clock::now();
  table.insert(rows);
  const double insert = seconds_since(start);

  start = std::chrono::steady_clock::now();
  size_t copied_back = 0;
  {
    pqxx::work work(connection.native());
    pqxx::stream_from stream(work, "bench_table.plain", std::vector<std::string>{"mask"});
    std::string line;
    while (stream.get_raw_line(line)) {
      // The same work a reader must do: COPY's text form of bytea ("\\x" + hex) back to bytes.
      const size_t digits = line.size() - 3;
      std::string bytes(digits / 2, '\0');
      for (size_t i = 0; i < bytes.size(); ++i) {
        auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
        bytes[i] = static_cast<char>(nibble(line[3 + 2 * i]) << 4 | nibble(line[4 + 2 * i]));
      }
      copied_back += bytes.size();
    }
    stream.complete();
  }
  const double copy_out = seconds_since(start);

  start = std::chrono::steady_clock::now();
  size_t fetched = 0;
  for (const auto& row : table.fetch()) fetched += row["mask"].as<dj::Blob>().packed.size();
  const double fetch = seconds_since(start);
  if (fetched != total_bytes || copied_back != total_bytes) {
    std::fprintf(stderr, "bench_table: byte counts differ (%zu, %zu, %zu)\n", fetched, copied_back,
                 total_bytes);
    return 1;
  }

  start = std::chrono::steady_clock::now();
  for (const auto& bytes : packed) dj::unpack_blob(bytes);
  const double unpack = seconds_since(start);

  std::printf("figure blob_table_megabytes %.1f MB\n", megabytes);
  std::printf("figure blob_copy_in_throughput %.1f MB/s\n", megabytes / copy_in);
  std::printf("figure blob_insert_throughput %.1f MB/s\n", megabytes / insert);
  std::printf("figure blob_insert_over_copy %.2f x\n", insert / copy_in);
  std::printf("figure blob_copy_out_throughput %.1f MB/s\n", megabytes / copy_out);
  std::printf("figure blob_fetch_throughput %.1f MB/s\n", megabytes / fetch);
  std::printf("figure blob_fetch_over_copy %.2f x\n", fetch / copy_out);
  std::printf("figure blob_unpack_throughput %.1f MB/s\n", megabytes / unpack);
  pqxx::nontransaction(connection.native()).exec("DROP SCHEMA IF EXISTS bench_table CASCADE");
  return 0;
}
