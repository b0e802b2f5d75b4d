#pragma once
// The pipeline's computed tables, each with its make() and the reader of its results:
//   RecordingInfo, FacemapProcessing, FacialSignal (fetch_facial_signal) and FacemapInference
//   (fetch_keypoints). pipeline/computations.hpp lists them for populate().

#include "pipeline/tables/facemap_inference.hpp"
#include "pipeline/tables/facemap_processing.hpp"
#include "pipeline/tables/facial_signal.hpp"
#include "pipeline/tables/recording_info.hpp"
