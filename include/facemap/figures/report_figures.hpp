#pragma once
// The figures of a recording's report, drawn from the engines' results (facemap/results.hpp,
// facemap/io/pose_h5.hpp) and written as PNG files: what a person looks at first to judge an
// analysis. Traces are drawn against the frame number on white, about 1000 pixels wide; images
// keep their aspect ratio. No database here: pipeline/report.hpp fetches the results and calls
// these.
//
// Every function throws std::invalid_argument naming what is missing when its input is empty
// (no frames, no components, no keypoints), and std::runtime_error naming the file when the PNG
// cannot be written.

#include <filesystem>
#include <string>

#include "facemap/io/pose_h5.hpp"
#include "facemap/results.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// The average frame (`result.avgframe`, enlarged from its binning to full resolution) with
/// every region of `result.rois` outlined in its type's colour and named: rectangles for motion
/// SVD and running regions, the ellipse (Roi::ellipse, or the inscribed one) for pupil and blink
/// regions, and the pupil regions' reflectors. A legend names the colours.
void write_regions_figure(const std::filesystem::path& png, const std::string& title,
                          const FacemapResult& result);

/// The first `count` spatial components of `svd` in a grid of four columns, each scaled to its
/// largest magnitude in a diverging colour map (blue negative, white zero, red positive), with
/// its number and singular value.
void write_svd_masks_figure(const std::filesystem::path& png, const std::string& title,
                            const SvdComponents& svd, int count = 8);

/// The projections (time courses) of the first `count` components of `svd`, stacked one above
/// the other, each scaled to its own band, against the frame number.
void write_svd_traces_figure(const std::filesystem::path& png, const std::string& title,
                             const SvdComponents& svd, int count = 8);

/// A pupil region's traces in three panels: area (raw and smoothed), and the centre's x (column)
/// and y (row) in full-frame pixels, raw and smoothed. Failed frames (NaN) leave gaps.
void write_pupil_traces_figure(const std::filesystem::path& png, const std::string& title,
                               const PupilTrace& pupil);

/// A blink region's trace.
void write_blink_figure(const std::filesystem::path& png, const std::string& title,
                        const BlinkTrace& blink);

/// A running region's frame-to-frame shifts dy and dx.
void write_running_figure(const std::filesystem::path& png, const std::string& title,
                          const RunningTrace& running);

/// `frame` (full resolution, the view the keypoints were found in) with the keypoints of frame
/// `frame_index` of `tracks` drawn over it, each in its own colour and named; a legend lists the
/// colours. Points of likelihood below 0.5 are drawn hollow. Throws std::invalid_argument when
/// `frame_index` is outside the tracks.
void write_keypoints_frame_figure(const std::filesystem::path& png, const std::string& title,
                                  const GrayFrame& frame, const PoseTracks& tracks,
                                  int frame_index);

/// Every keypoint's x and y over the recording, in two panels, in the colours of
/// write_keypoints_frame_figure.
void write_keypoint_traces_figure(const std::filesystem::path& png, const std::string& title,
                                  const PoseTracks& tracks);

}  // namespace facemap
