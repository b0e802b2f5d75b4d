#include "pipeline/computations.hpp"

#include "pipeline/facemap_inference.hpp"
#include "pipeline/facial_behavior_estimation.hpp"

namespace pipeline {

std::vector<std::pair<std::string, std::unique_ptr<dj::AutoPopulate>>> computations(
    Pipeline& pipe, const DataRoots& roots) {
  std::vector<std::pair<std::string, std::unique_ptr<dj::AutoPopulate>>> list;
  list.emplace_back("facial_behavior_estimation.RecordingInfo",
                    std::make_unique<RecordingInfoMaker>(pipe, roots));
  list.emplace_back("facial_behavior_estimation.FacemapProcessing",
                    std::make_unique<FacemapProcessingMaker>(pipe, roots));
  list.emplace_back("facial_behavior_estimation.FacialSignal",
                    std::make_unique<FacialSignalMaker>(pipe, roots));
  list.emplace_back("facemap_inference.FacemapInference",
                    std::make_unique<FacemapInferenceMaker>(pipe, roots));
  return list;
}

}  // namespace pipeline
