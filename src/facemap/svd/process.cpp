#include "facemap/svd/process.hpp"

#include <algorithm>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "analysis_plan.hpp"
#include "background_folding.hpp"
#include "facemap/roi/roi.hpp"
#include "parallel.hpp"
#include "projection_pass.hpp"

namespace facemap {
namespace {

// Decoded batches of about this many bytes keep per-batch overheads small while the queued
// batches stay a few tens of megabytes, whatever the frame size.
constexpr std::size_t kBatchBytes = std::size_t{8} << 20;
constexpr int kMaxBatchFrames = 64;
// Frames projected at a time when the binned frames are held in memory.
constexpr int kProjectionBlockFrames = 256;

int batch_frames(const std::vector<FrameSize>& views) {
  std::size_t frame_bytes = 0;
  for (const FrameSize& view : views) frame_bytes += std::size_t(view.height) * view.width;
  return static_cast<int>(std::clamp<std::size_t>(kBatchBytes / frame_bytes, 1, kMaxBatchFrames));
}

int checked_frame_count(const FrameSource& frames, const SvdParams& params) {
  if (frames.nframes() < 2) {
    throw std::invalid_argument("the SVD analysis needs at least 2 frames, the recording has " +
                                std::to_string(frames.nframes()));
  }
  if (params.components < 1) throw std::invalid_argument("SvdParams::components must be >= 1");
  return frames.nframes();
}

FacemapResult empty_result(const FrameSource& frames, const SvdParams& params) {
  FacemapResult result;
  for (const FrameSize& view : frames.view_sizes()) {
    result.ly.push_back(view.height);
    result.lx.push_back(view.width);
  }
  result.sbin = params.sbin;
  result.full_svd = params.full_frame;
  result.nframes = frames.nframes();
  result.rois = params.rois;
  return result;
}

// A vector over the canvas pixels as an image (rows = y).
Eigen::MatrixXf canvas_image(const Eigen::VectorXf& values, const BinnedCanvas& canvas) {
  return Eigen::Map<const BinnedImage>(values.data(), canvas.size().height, canvas.size().width);
}

// One run of the analysis, stage by stage.
class SvdAnalysis {
 public:
  SvdAnalysis(const FrameSource& frames, const SvdParams& params, const ProgressCallback& progress)
      : frames_(frames),
        params_(params),
        progress_(progress),
        nframes_(checked_frame_count(frames, params)),
        canvas_(frames.view_sizes(), params.sbin),
        result_(empty_result(frames, params)),
        regions_(detail::plan_regions(canvas_, params.full_frame, result_.rois, result_.warnings)),
        chunks_(svd_chunks(nframes_)),
        decompositions_(detail::plan_decompositions(regions_, chunks_, params)),
        region_analyses_(result_.rois, frames.view_sizes()),
        batch_(batch_frames(frames.view_sizes())),
        single_pass_(detail::single_pass_bytes(canvas_, nframes_, regions_, decompositions_) <=
                     params.memory_budget_bytes) {}

  FacemapResult run() {
    if (single_pass_) decode_once();
    compute_mean_images();
    decompose();
    project();
    return collect_results();
  }

 private:
  void report(const std::string& stage, int done, int total) const {
    if (progress_) progress_({stage, done, total});
  }

  // Decodes `range`, bins each batch and hands both to `use` (the binned block is canvas pixels
  // x batch frames).
  void for_each_binned_batch(
      FrameRange range,
      const std::function<void(const FrameBatch&, const Eigen::MatrixXf&)>& use) const {
    Eigen::MatrixXf binned = Eigen::MatrixXf::Zero(canvas_.pixels(), batch_);
    frames_.read(
        range.first, range.count,
        [&](const FrameBatch& frame_batch) {
          if (binned.cols() != frame_batch.size()) {
            binned = Eigen::MatrixXf::Zero(canvas_.pixels(), frame_batch.size());
          }
          for (int i = 0; i < frame_batch.size(); ++i) {
            canvas_.bin(frame_batch, i, binned.col(i).data());
          }
          use(frame_batch, binned);
        },
        batch_);
  }

  // Feeds binned frames to every chunk accumulator (each takes the frames of its chunk).
  void accumulate(const Eigen::MatrixXf& binned, int first_frame) {
    for (detail::Decomposition& decomposition : decompositions_) {
      for (ChunkAccumulator& chunk : decomposition.chunks) chunk.add(binned, first_frame);
    }
  }

  // The one pass of a recording that fits in memory: every frame binned and kept, the chunks'
  // Gram matrices built in the background as their frames arrive.
  void decode_once() {
    spdlog::info("SVD analysis: decoding {} frames into memory", nframes_);
    binned_frames_ = LargeMatrix(canvas_.pixels(), nframes_);
    auto binned = binned_frames_.view();
    // Views of different heights leave canvas pixels that no view covers: they stay zero.
    const bool padded = static_cast<Eigen::Index>(canvas_.view_pixels().size()) != binned.rows();
    detail::BackgroundFolding folding(decompositions_, binned_frames_);
    frames_.read(
        0, nframes_,
        [&](const FrameBatch& batch) {
          // Binned straight into place: this pass visits every frame once, in order, and the
          // pupil, blink and running analyses read the same, unmodified frames.
          for (int i = 0; i < batch.size(); ++i) {
            auto column = binned.col(batch.first_frame + i);
            if (padded) column.setZero();
            canvas_.bin(batch, i, column.data());
          }
          region_analyses_.add(batch);
          folding.publish(batch.first_frame + batch.size());
          report("decoding", batch.first_frame + batch.size(), nframes_);
        },
        batch_);
    folding.finish();
  }

  void compute_mean_images() {
    spdlog::info("SVD analysis: mean images");
    if (single_pass_) {
      means_ = mean_images(binned_frames_.view());
    } else {
      means_ = mean_images(
          [this](FrameRange range) { return read_binned(frames_, canvas_, range); }, nframes_);
    }
    report("mean images", 1, 1);
  }

  // Each chunk's decompositions side by side, then the merges. Without the single pass, each
  // chunk is decoded here and its accumulators fed as its frames arrive.
  void decompose() {
    spdlog::info("SVD analysis: {} chunk(s) of {} region(s)", chunks_.size(), regions_.size());
    const int components =
        components_per_chunk(chunks_.front().count, chunks_.size(), params_.components);
    for (std::size_t c = 0; c < chunks_.size(); ++c) {
      if (!single_pass_) {
        for_each_binned_batch(chunks_[c],
                              [&](const FrameBatch& batch, const Eigen::MatrixXf& binned) {
                                accumulate(binned, batch.first_frame);
                              });
      }
      detail::parallel_for(static_cast<int>(decompositions_.size()), [&](int d) {
        detail::Decomposition& decomposition = decompositions_[d];
        decomposition.svd.add_chunk(
            decomposition.chunks[c].finish(means_, components, params_.solver));
      });
      report("svd chunks", static_cast<int>(c + 1), static_cast<int>(chunks_.size()));
    }
    merged_.resize(decompositions_.size());
    detail::parallel_for(static_cast<int>(decompositions_.size()),
                         [&](int d) { merged_[d] = std::move(decompositions_[d].svd).merge(); });
  }

  void project() {
    spdlog::info("SVD analysis: projections of {} frames", nframes_);
    projections_.resize(regions_.size());
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      projections_[r].pixels = regions_[r].pixels;
      projections_[r].mean_motion = means_.motion(regions_[r].pixels);
      projections_[r].mean_frame = means_.frame(regions_[r].pixels);
    }
    for (std::size_t d = 0; d < decompositions_.size(); ++d) {
      auto& target = projections_[decompositions_[d].region];
      const bool motion = decompositions_[d].kind == SvdKind::motion;
      // Lent to the projection pass and given back in collect_results(): a copy would be pixels x
      // components of fresh memory.
      (motion ? target.motion_masks : target.movie_masks) = std::move(merged_[d].vectors);
      // A single chunk's columns are frames first + 1 ... of the chunk, whose projections came
      // with the decomposition.
      if (chunks_.size() == 1 && merged_[d].column_projections.size() > 0) {
        (motion ? target.known_motion : target.known_movie) = {
            chunks_.front().first + 1, std::move(merged_[d].column_projections)};
      }
    }
    detail::ProjectionPass pass(projections_, nframes_);
    if (single_pass_) {
      for (int first = 0; first < nframes_; first += kProjectionBlockFrames) {
        const int count = std::min(kProjectionBlockFrames, nframes_ - first);
        pass.add(binned_frames_.view().middleCols(first, count), first);
        report("projections", first + count, nframes_);
      }
      binned_frames_ = LargeMatrix();
    } else {
      for_each_binned_batch({0, nframes_},
                            [&](const FrameBatch& batch, const Eigen::MatrixXf& binned) {
                              region_analyses_.add(batch);  // see decode_once()
                              pass.add(binned, batch.first_frame);
                              report("projections", batch.first_frame + batch.size(), nframes_);
                            });
    }
    pass.finish();
  }

  FacemapResult collect_results() {
    result_.avgframe = canvas_image(means_.frame, canvas_);
    result_.avgmotion = canvas_image(means_.motion, canvas_);
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      SvdRegion region;
      region.roi_no = regions_[r].roi_no;
      region.roi = regions_[r].roi;
      region.motion = std::move(projections_[r].motion);
      for (std::size_t d = 0; d < decompositions_.size(); ++d) {
        if (decompositions_[d].region != r) continue;
        const bool motion = decompositions_[d].kind == SvdKind::motion;
        merged_[d].vectors =
            std::move(motion ? projections_[r].motion_masks : projections_[r].movie_masks);
        (motion ? region.motion_svd : region.movie_svd) =
            detail::components_on_grid(regions_[r], std::move(merged_[d]),
                                       std::move(motion ? projections_[r].motion_projections
                                                        : projections_[r].movie_projections));
      }
      result_.svd_regions.push_back(std::move(region));
    }
    RoiTraces traces = region_analyses_.finish();
    result_.pupils = std::move(traces.pupils);
    result_.blinks = std::move(traces.blinks);
    result_.running = std::move(traces.running);
    return std::move(result_);
  }

  const FrameSource& frames_;
  const SvdParams& params_;
  const ProgressCallback& progress_;
  const int nframes_;
  const BinnedCanvas canvas_;
  FacemapResult result_;
  const std::vector<detail::RegionPlan> regions_;
  const std::vector<FrameRange> chunks_;
  std::vector<detail::Decomposition> decompositions_;
  RoiAnalyzer region_analyses_;
  const int batch_;
  const bool single_pass_;
  LargeMatrix binned_frames_;  ///< the whole recording, binned, in a single pass only
  MeanImages means_;
  std::vector<CentredSvd> merged_;  ///< per decomposition
  std::vector<detail::RegionProjection> projections_;
};

}  // namespace

FacemapResult process_frames(const FrameSource& frames, const SvdParams& params,
                             const ProgressCallback& progress) {
  return SvdAnalysis(frames, params, progress).run();
}

FacemapResult process_recording(const Recording& recording, const SvdParams& params,
                                const ProgressCallback& progress) {
  FacemapResult result = process_frames(recording, params, progress);
  for (const VideoFileInfo& file : recording.files(0))
    result.filenames.push_back(file.path.string());
  return result;
}

}  // namespace facemap
