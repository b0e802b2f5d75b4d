#pragma once
// The computation of schema facemap_inference (see computations.hpp).

#include "facemap/pose_model.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/maker.hpp"

namespace pipeline {

/// FacemapInference and its BodyPartPosition rows: trigger mode runs the keypoint network with
/// the model stored in FacemapModel.File and writes <stem>_FacemapPose.h5; load mode ingests
/// the .h5 Facemap wrote.
FMPIPE_DECLARE_MAKER(FacemapInferenceMaker);

/// The network configuration of a state dict saved by Facemap (or by us): the encoder widths
/// read from the weights' shapes, so that a model file alone is enough to run it.
facemap::PoseModelParams pose_params_of_state(const std::filesystem::path& state_file,
                                              std::vector<std::string> bodyparts);

}  // namespace pipeline
