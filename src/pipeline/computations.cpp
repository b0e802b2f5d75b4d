#include "pipeline/computations.hpp"

#include "pipeline/migrations.hpp"
#include "pipeline/tables/facemap_inference.hpp"
#include "pipeline/tables/facemap_processing.hpp"
#include "pipeline/tables/facial_signal.hpp"
#include "pipeline/tables/recording_info.hpp"

namespace pipeline {

std::vector<std::pair<std::string, std::unique_ptr<dj::AutoPopulate>>> computations(
    Pipeline& pipe, const DataRoots& roots) {
  require_current_layout(pipe);
  std::vector<std::pair<std::string, std::unique_ptr<dj::AutoPopulate>>> list;
  list.emplace_back("facial_behavior_estimation.RecordingInfo",
                    std::make_unique<RecordingInfo>(pipe, roots));
  list.emplace_back("facial_behavior_estimation.FacemapProcessing",
                    std::make_unique<FacemapProcessing>(pipe, roots));
  list.emplace_back("facial_behavior_estimation.FacialSignal",
                    std::make_unique<FacialSignal>(pipe, roots));
  list.emplace_back("facemap_inference.FacemapInference",
                    std::make_unique<FacemapInference>(pipe, roots));
  return list;
}

}  // namespace pipeline
