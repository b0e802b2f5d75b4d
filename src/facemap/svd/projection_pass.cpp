// GCC 12 warns inside its own AVX-512 intrinsics when Eigen's float products are inlined
// (_mm512_undefined_ps is self-initialised on purpose): a false positive, silenced for this file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "projection_pass.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "parallel.hpp"

namespace facemap::detail {
namespace {

// The rows of `matrix` at `pixels`: a view when `pixels` are all of its rows (they are sorted
// and distinct), else a copy into `storage`.
Eigen::Ref<const Eigen::MatrixXf> rows_at(const Eigen::Ref<const Eigen::MatrixXf>& matrix,
                                          const std::vector<int>& pixels,
                                          Eigen::MatrixXf& storage) {
  if (static_cast<Eigen::Index>(pixels.size()) == matrix.rows()) return matrix;
  storage = matrix(pixels, Eigen::all);
  return storage;
}

// Calls project(offset, count) for each run of frames first_frame + offset .. + count - 1 among
// `frames` frames from first_frame whose projections `known` does not hold.
template <class Project>
void for_each_unknown_run(const KnownProjections& known, Eigen::Index first_frame,
                          Eigen::Index frames, const Project& project) {
  const Eigen::Index known_begin =
      std::clamp<Eigen::Index>(known.first_frame - first_frame, 0, frames);
  const Eigen::Index known_end = std::clamp<Eigen::Index>(
      known.first_frame + known.rows.rows() - first_frame, known_begin, frames);
  if (known_begin > 0) project(Eigen::Index{0}, known_begin);
  if (known_end < frames) project(known_end, frames - known_end);
}

void fill_known(const KnownProjections& known, Eigen::MatrixXf& projections) {
  if (known.rows.size() == 0) return;
  if (known.rows.cols() != projections.cols() || known.first_frame < 0 ||
      known.first_frame + known.rows.rows() > projections.rows()) {
    throw std::logic_error("projection pass: known projections do not fit the recording");
  }
  projections.middleRows(known.first_frame, known.rows.rows()) = known.rows;
}

}  // namespace

ProjectionPass::ProjectionPass(std::vector<RegionProjection>& regions, int nframes)
    : regions_(regions) {
  for (auto& region : regions_) {
    region.motion = Eigen::VectorXf::Zero(nframes);
    region.motion_projections = Eigen::MatrixXf::Zero(nframes, region.motion_masks.cols());
    region.movie_projections = Eigen::MatrixXf::Zero(nframes, region.movie_masks.cols());
    fill_known(region.known_motion, region.motion_projections);
    fill_known(region.known_movie, region.movie_projections);
  }
}

void ProjectionPass::add(const Eigen::Ref<const Eigen::MatrixXf>& binned, int first_frame) {
  if (first_frame != next_frame_ || binned.cols() == 0) {
    throw std::logic_error("projection pass: frames must follow on from frame " +
                           std::to_string(next_frame_) + ", got " + std::to_string(first_frame));
  }
  // Differences frame[t] - frame[t - 1] for every frame of the block that has a predecessor:
  // the first one's is the previous block's last frame.
  const Eigen::Index frames = binned.cols(), first_output = first_frame == 0 ? 1 : first_frame;
  const Eigen::Index differences = first_frame + frames - first_output;
  next_frame_ += static_cast<int>(frames);
  if (differences > 0) {
    const Eigen::VectorXf previous =
        first_frame == 0 ? Eigen::VectorXf(binned.col(0)) : previous_frame_;
    // One task per region for the motion energy and motion projections, one for the movie.
    parallel_for(2 * static_cast<int>(regions_.size()), [&](int task) {
      RegionProjection& region = regions_[task / 2];
      const bool movie_task = task % 2 == 1;
      if (movie_task && region.movie_masks.cols() == 0) return;
      Eigen::MatrixXf storage;
      const Eigen::Ref<const Eigen::MatrixXf> pixels =
          rows_at(binned.rightCols(differences), region.pixels, storage);
      // The means are subtracted before the products: projecting the frames and the mean
      // separately would lose precision to cancellation in single precision.
      if (movie_task) {
        for_each_unknown_run(
            region.known_movie, first_output, differences,
            [&](Eigen::Index offset, Eigen::Index count) {
              region.movie_projections.middleRows(first_output + offset, count).noalias() =
                  (pixels.middleCols(offset, count).colwise() - region.mean_frame).transpose() *
                  region.movie_masks;
            });
        return;
      }
      const Eigen::VectorXf previous_pixels = previous(region.pixels);
      // Column j of the motion block: |frame first_output + j - its predecessor|.
      const auto predecessor = [&](Eigen::Index j) {
        return j == 0 ? Eigen::Ref<const Eigen::VectorXf>(previous_pixels)
                      : Eigen::Ref<const Eigen::VectorXf>(pixels.col(j - 1));
      };
      // The motion energy needs only column sums; the differences are materialised only for
      // the frames whose projections are not known (often none: a single chunk's come with its
      // decomposition), which spares a block of pixels x frames.
      for (Eigen::Index j = 0; j < differences; ++j)
        region.motion[first_output + j] = (pixels.col(j) - predecessor(j)).cwiseAbs().sum();
      if (region.motion_masks.cols() > 0) {
        for_each_unknown_run(
            region.known_motion, first_output, differences,
            [&](Eigen::Index offset, Eigen::Index count) {
              Eigen::MatrixXf motion(pixels.rows(), count);
              for (Eigen::Index j = 0; j < count; ++j)
                motion.col(j) = (pixels.col(offset + j) - predecessor(offset + j)).cwiseAbs() -
                                region.mean_motion;
              region.motion_projections.middleRows(first_output + offset, count).noalias() =
                  motion.transpose() * region.motion_masks;
            });
      }
    });
  }
  previous_frame_ = binned.col(frames - 1);
}

void ProjectionPass::finish() {
  if (next_frame_ < 2) return;
  for (auto& region : regions_) {
    region.motion[0] = region.motion[1];
    region.motion_projections.row(0) = region.motion_projections.row(1);
    region.movie_projections.row(0) = region.movie_projections.row(1);
  }
}

}  // namespace facemap::detail
