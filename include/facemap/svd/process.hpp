#pragma once
// The whole SVD analysis of a recording, as Facemap runs it (see facemap-algorithms.md for where
// and why the project departs from Facemap), returning the plain result struct.
//
// Frames are streamed: memory grows with the number of frames only through the output traces.
// A recording whose binned frames fit in SvdParams::memory_budget_bytes is decoded once and kept
// binned in memory; a longer one is read three times (the sampled segments for the mean images,
// the sampled chunks for the SVD, then every frame for the projections). Either way the chunks'
// Gram matrices are built while their frames are decoded.

#include <functional>
#include <string>

#include "facemap/results.hpp"
#include "facemap/svd/svd.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// How far a long analysis has come.
struct Progress {
  std::string stage;  ///< "decoding", "mean images", "svd chunks", "projections"
  int done = 0;       ///< units of the stage done (frames, segments or chunks)
  int total = 0;      ///< units of the stage in all
};

/// Receives progress reports, on the thread that called the analysis.
using ProgressCallback = std::function<void(const Progress&)>;

/// Runs the SVD analysis on any frame source: mean images, motion and movie masks with their
/// singular values for the full frame and for each motion region, projections and motion energy
/// for every frame. Throws std::invalid_argument for unusable parameters (fewer than 2 frames,
/// a region outside its view) and VideoError for video that cannot be read.
FacemapResult process_frames(const FrameSource& frames, const SvdParams& params,
                             const ProgressCallback& progress = {});

/// process_frames() on a recording's video files, with their names in the result.
FacemapResult process_recording(const Recording& recording, const SvdParams& params,
                                const ProgressCallback& progress = {});

}  // namespace facemap
