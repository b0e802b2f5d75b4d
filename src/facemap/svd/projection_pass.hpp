#pragma once
// The last stage of the SVD analysis: every frame, in order, projected onto the masks, with the
// motion energy. Frames arrive in blocks; the pass keeps the last binned frame of each block so
// that the first difference of the next block is frame[t] - frame[t - 1] across the boundary,
// whatever the block size.

#include <vector>

#include <Eigen/Core>

namespace facemap::detail {

/// Projections known before the pass, for consecutive frames from `first_frame` (one row each):
/// those of the frames an SVD chunk decomposed, which its Gram matrix gives without a product
/// over the pixels. The pass fills them in and projects only the other frames.
struct KnownProjections {
  int first_frame = 0;
  Eigen::MatrixXf rows;  ///< frames x k; empty when nothing is known
};

/// One region: what it projects onto, and the traces it fills.
struct RegionProjection {
  std::vector<int> pixels;             ///< the region's canvas pixels
  Eigen::MatrixXf motion_masks;        ///< pixels x k, or empty without motion SVD
  Eigen::MatrixXf movie_masks;         ///< pixels x k, or empty without movie SVD
  Eigen::VectorXf mean_motion;         ///< avgmotion at `pixels`
  Eigen::VectorXf mean_frame;          ///< avgframe at `pixels`
  KnownProjections known_motion;       ///< motion projections known beforehand
  KnownProjections known_movie;        ///< movie projections known beforehand
  Eigen::VectorXf motion;              ///< out: nframes, sum over pixels of |frame - previous|
  Eigen::MatrixXf motion_projections;  ///< out: nframes x k
  Eigen::MatrixXf movie_projections;   ///< out: nframes x k
};

class ProjectionPass {
 public:
  /// Sizes the regions' output traces for `nframes` frames and fills in the known projections.
  ProjectionPass(std::vector<RegionProjection>& regions, int nframes);
  /// Adds the binned frames first_frame .. first_frame + cols - 1 (canvas pixels x frames); blocks
  /// must come in order, without gaps, starting at frame 0.
  void add(const Eigen::Ref<const Eigen::MatrixXf>& binned, int first_frame);
  /// Ends the pass: frame 0, which has no predecessor, gets frame 1's values.
  void finish();

 private:
  std::vector<RegionProjection>& regions_;
  int next_frame_ = 0;
  Eigen::VectorXf previous_frame_;
};

}  // namespace facemap::detail
