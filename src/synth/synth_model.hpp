#pragma once
// The synthetic face's model: its layout in pixels, its time courses and its static images.
// synth_model.cpp builds it from SynthParams; synth_render.cpp draws frames from it.

#include <array>
#include <vector>

#include <Eigen/Core>
#include <opencv2/core.hpp>

#include "synth/synthetic_face.hpp"

namespace facemap {

/// A point or size as (row, col).
using RowCol = Eigen::Vector2d;

struct SyntheticFace::Model {
  SynthParams params;
  RowCol scale;  ///< (height, width) / 256: the layout is designed for 256 x 256

  // Layout (pixels).
  RowCol head_centre, head_radii, snout_centre, snout_radii;
  RowCol eye_centre, eye_radii;
  RowCol pupil_radii;   ///< the pupil's mean semi-axes
  RowCol pupil_wander;  ///< amplitude of the pupil centre's motion
  RowCol reflection_centre;
  double reflection_radius = 0;
  RowCol nose_centre, nose_radii, nostril_offset;
  double nostril_radius = 0, sniff_amplitude = 0;
  RowCol mouth_corner, mouth_end;
  RowCol lip_centre, lip_radii;
  double lip_drop = 0;
  RowCol nosebridge;
  std::array<RowCol, 3> whisker_roots;     ///< whiskers I, II, III (top to bottom)
  std::array<double, 3> whisker_rest{};    ///< rest angles, radians from +x, y down
  std::array<double, 3> whisker_length{};  ///< in 256-frame pixels (scaled per axis)
  double whisk_amplitude = 0;              ///< radians
  RowCol paw_centre, paw_radii;
  double paw_swing = 0;
  cv::Rect wheel;  ///< the wheel patch

  // Time courses.
  std::array<double, 6> phase{};              ///< random phases of the periodic motions
  std::vector<int> blink_starts;              ///< first frame of each blink
  std::vector<Eigen::Vector2i> wheel_offset;  ///< cumulative (dy, dx) of the texture per frame

  // Static images.
  cv::Mat base;           ///< CV_8U: background, furred head, static marks
  cv::Mat wheel_texture;  ///< CV_8U, periodic: the wheel shows it at wheel_offset

  explicit Model(const SynthParams& params);

  /// Seconds at frame t.
  double seconds(int t) const { return t / params.fps; }
  RowCol pupil_centre(int t) const;
  RowCol pupil_radii_at(int t) const;
  double lid_closure(int t) const;
  double whisker_angle(int t) const;
  RowCol nose_centre_at(int t) const;
  RowCol lip_centre_at(int t) const;
  RowCol paw_centre_at(int t) const;
  /// The tip of whisker w (0 = I, 1 = II, 2 = III) at frame t.
  RowCol whisker_tip(int w, int t) const;

  FaceTruth truth(int t) const;
  /// Frame t as a CV_8U image (synth_render.cpp).
  cv::Mat render(int t) const;
  /// Draws the eye (iris, pupil, reflection, lid) of frame t.
  void draw_eye(int t, cv::Mat& image) const;
  /// Draws the wheel's texture at frame t's offset.
  void draw_wheel(int t, cv::Mat& image) const;
};

}  // namespace facemap
