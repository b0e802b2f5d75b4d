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

/// The network FacemapInference runs for a stored model: the state dict in `state_file` with
/// the model's body parts (in Facemap's order, as FacemapModel.BodyPart yields them) and the
/// widths its weights have. Throws facemap::PoseModelError naming the file and the reason.
facemap::PoseModel load_stored_model(const std::filesystem::path& state_file,
                                     std::vector<std::string> bodyparts);

/// The model's body parts in the order inference gives them to the network's output channels:
/// Facemap's, keeping those in `body_parts`.
std::vector<std::string> bodyparts_in_facemap_order(const std::vector<std::string>& body_parts);

}  // namespace pipeline
