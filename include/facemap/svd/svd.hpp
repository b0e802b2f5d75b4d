#pragma once
// Facemap's motion and movie SVD, stage by stage (process.hpp runs them all on a recording).
//
// 1. Mean images: avgframe and avgmotion from up to 1000 sampled frames.
// 2. Spatial components: chunks of up to 1000 frames, each decomposed on its own; the chunks'
//    components are merged (svd_solver.hpp). A chunk's data matrix has one column per frame
//    after its first: motion |frame[t] - frame[t-1]| - avgmotion, movie frame[t] - avgframe.
// 3. Projections and motion energy over all frames (process.hpp).
// Everything works on binned frames laid out on the canvas of binning.hpp.

#include <cstddef>
#include <functional>
#include <vector>

#include <Eigen/Core>

#include "facemap/svd/binning.hpp"
#include "facemap/svd/large_matrix.hpp"
#include "facemap/results.hpp"
#include "facemap/svd/svd_solver.hpp"
#include "facemap/video/video.hpp"

namespace facemap {

/// What the SVD analysis computes.
struct SvdParams {
  int sbin = 4;            ///< spatial binning (Facemap's GUI default)
  bool full_frame = true;  ///< analyse the whole frame as region 0 (Facemap's fullSVD)
  bool motion_svd = true;  ///< motion masks, singular values and projections
  bool movie_svd = true;   ///< movie (raw frame) masks, singular values and projections
  int components = 500;    ///< at most this many components per region
  /// The regions. Rectangles of type RoiType::motion get their own SVD and motion energy; the
  /// others are analysed by facemap/roi/roi.hpp on the same frames.
  std::vector<Roi> rois;
  SolverOptions solver;
  /// A recording whose binned frames and chunk data fit in this many bytes is decoded once and
  /// held in memory, binned; a longer one is decoded once per stage, in chunks.
  std::size_t memory_budget_bytes = std::size_t{1} << 30;
};

/// Frames [first, first + count).
struct FrameRange {
  int first = 0;
  int count = 0;
};

/// The segments sampled for the mean images: `nt = min(100, nframes)` frames each,
/// floor(min(1000, nframes) / nt) of them, starting at floor(linspace(0, nframes - nt, n)).
std::vector<FrameRange> mean_image_segments(int nframes);

/// The chunks decomposed by the SVD: `nt = min(1000, nframes)` frames each,
/// min(floor(15000 / nt), floor(nframes / nt)) of them, starting at
/// floor(linspace(0, nframes - nt - 1, n)) (0 when that is negative).
std::vector<FrameRange> svd_chunks(int nframes);

/// Components kept from each chunk: min(250, chunk frames - 1), as Facemap keeps them; when
/// the recording is a single chunk, Facemap keeps min(`components`, chunk frames - 1) instead
/// (it then has no merge to make), and so do we.
int components_per_chunk(int chunk_frames, std::size_t chunks, int components);

/// Returns the binned frames of a range as columns (canvas pixels x count).
using BinnedReader = std::function<Eigen::MatrixXf(FrameRange)>;

/// Decodes and bins the frames of `range`.
Eigen::MatrixXf read_binned(const FrameSource& source, const BinnedCanvas& canvas,
                            FrameRange range);

/// The mean images on the canvas (flattened row-major).
struct MeanImages {
  Eigen::VectorXf frame;   ///< avgframe: mean of the sampled binned frames
  Eigen::VectorXf motion;  ///< avgmotion: mean of |frame[t] - frame[t-1]| within the segments
};

/// Mean images over mean_image_segments(nframes), read through `read`.
MeanImages mean_images(const BinnedReader& read, int nframes);
/// The same for a recording held in memory (canvas pixels x frames): no copies, the segments
/// on every core. Equal to the reader's result.
MeanImages mean_images(const Eigen::Ref<const Eigen::MatrixXf>& frames);

/// Motion or movie.
enum class SvdKind { motion, movie };

/// The decomposition of one chunk for one region and kind. The chunk's data matrix has one
/// column per frame after the chunk's first: motion |frame[t] - frame[t-1]| - avgmotion, movie
/// frame[t] - avgframe, over the region's pixels, each column then centred over the pixels.
///
/// The accumulator is fed the binned frames as they are decoded and builds the Gram matrix of
/// the columns as they arrive, so that most of the work overlaps decoding, before the mean
/// images are known: it centres the columns on a provisional mean (that of the first columns)
/// and corrects the Gram matrix exactly once the true mean is given. Memory: the chunk's columns
/// (pixels x frames) and their Gram matrix, until finish().
class ChunkAccumulator {
 public:
  /// `pixels`: the region's canvas pixels.
  ChunkAccumulator(FrameRange chunk, std::vector<int> pixels, SvdKind kind);

  /// Feeds binned frames first_frame, first_frame + 1, ... (canvas pixels x frames). Frames
  /// outside the chunk are ignored; the chunk's frames must come in order, each once.
  void add(const Eigen::Ref<const Eigen::MatrixXf>& binned, int first_frame);
  /// The chunk's `k` leading components, once all its frames came. Throws std::logic_error
  /// naming the missing frame otherwise. Releases the chunk's data.
  CentredSvd finish(const MeanImages& means, int k, const SolverOptions& options = {});

 private:
  /// Appends the region's pixels of `frame` (movie) or their change since the last frame
  /// (motion) as the next column.
  template <class Region>
  void take_column(const Region& region, int frame);
  void fold_into_gram();

  FrameRange chunk_;
  std::vector<int> pixels_;
  SvdKind kind_;
  int next_frame_;
  Eigen::VectorXf previous_frame_;  ///< motion: the region's pixels of the last frame fed
  Eigen::VectorXf provisional_mean_;
  LargeMatrix columns_;       ///< pixels x (chunk frames - 1)
  Eigen::MatrixXf gram_;      ///< lower triangle of columns_^T columns_
  Eigen::Index filled_ = 0;   ///< columns written
  Eigen::Index in_gram_ = 0;  ///< columns folded into gram_ (and centred)
};

}  // namespace facemap
