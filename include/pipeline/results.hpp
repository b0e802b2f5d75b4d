#pragma once
// Results back out of the database, into the engines' plain structs: what a lab program uses
// to analyse them in C++, and what `fmpipe export` writes as Facemap's own files.

#include "facemap/pose_h5.hpp"
#include "facemap/results.hpp"
#include "pipeline/pipeline.hpp"

namespace pipeline {

/// The SVD analysis of one FacialSignal key (a FacemapTask key), rebuilt from its tables:
/// regions, masks, singular values, projections, motion energy, pupil, blink and running.
/// Throws when the key has no FacialSignal row.
facemap::FacemapResult fetch_facial_signal(const Pipeline& pipe, const dj::Row& task_key);

/// The keypoints of one FacemapInference key (recording + model_id).
facemap::PoseTracks fetch_keypoints(const Pipeline& pipe, const dj::Row& inference_key);

}  // namespace pipeline
