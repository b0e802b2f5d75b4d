#pragma once
// The keypoint half of `fmpipe demo`: the demo model registered and run, and its accuracy.

#include <filesystem>

#include "synth/synthetic_face.hpp"
#include "pipeline/pipeline.hpp"

namespace fmpipe::cli {

/// Registers the demo model of `model_dir` (facemap_demo_state.pt) as model 1, unless it is,
/// and adds an inference task for the recording.
void add_demo_keypoint_task(pipeline::Pipeline& pipe, const dj::Row& recording,
                            const std::filesystem::path& model_dir);

/// Prints the median keypoint error against the generator's truth.
void print_keypoint_accuracy(const pipeline::Pipeline& pipe, const dj::Row& recording,
                             const facemap::SynthTruth& truth);

}  // namespace fmpipe::cli
