// A lab analysis program linking facemap-pipeline (the installed package): it opens the
// pipeline on the configured database, lists what is there, and for each processed recording
// fetches the pupil area and the first motion components into Eigen and summarises them.
//
//   DATABASE_URL=postgresql://lab@db/facemap ./lab_analysis

#include <cmath>
#include <iostream>

#include "dj/blob.hpp"
#include "dj/connection.hpp"
#include "facemap/version.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/pipeline.hpp"

int main() {
  try {
    auto connection = pipeline::open_database();
    std::cout << "facemap-pipeline " << facemap::version() << " on PostgreSQL "
              << connection->server_version() << " at " << connection->target() << "\n";
    pipeline::Pipeline pipe(*connection);
    const auto recordings = pipe.table("facial_behavior_estimation.VideoRecording");
    const auto signals = pipe.table("facial_behavior_estimation.FacialSignal");
    std::cout << recordings.count() << " recording(s), " << signals.count() << " analysed\n";

    const auto pupils = pipe.table("facial_behavior_estimation.FacialSignal.Pupil");
    for (const auto& row : pupils.fetch()) {
      const auto area = dj::unpack_vector<double>(row, "area");
      double sum = 0;
      int valid = 0;
      for (double a : area) {
        if (std::isnan(a)) continue;  // failed fits (blinks)
        sum += a;
        ++valid;
      }
      std::cout << row.get<std::string>("subject") << " "
                << row.get<std::string>("session_datetime") << ": mean pupil area "
                << (valid ? sum / valid : NAN) << " px^2 over " << valid << " frames\n";
    }
    // The first three motion components of the full frame, as an (nframes x 3) matrix.
    const auto motion = pipe.table("facial_behavior_estimation.FacialSignal.MotionSVD") &
                        dj::Restriction::sql("roi_no = 0 AND component_id < $1", {3});
    dj::FetchOptions order;
    order.order_by = {"subject", "session_datetime", "recording_id", "component_id"};
    for (const auto& row : motion.fetch(order)) {
      const Eigen::VectorXf projection = dj::unpack_matrix<Eigen::VectorXf>(row, "projection");
      std::cout << "  component " << row.get<int>("component_id") << ": singular value "
                << row.get<double>("singular_value") << ", projection std "
                << std::sqrt((projection.array() - projection.mean()).square().mean()) << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "lab_analysis: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
