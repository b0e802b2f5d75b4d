// The motion and movie SVD: binning, sampling, the solver and its signs, the incremental chunk
// decomposition, projections and motion energy against direct computations on a synthetic
// clip, and Facemap's own results on the fixture video (../shared, skipped when absent).

// GCC 12 falsely warns inside its AVX-512 intrinsics where Eigen's products are inlined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>
#include <Eigen/QR>
#include <Eigen/SVD>

#include "facemap/svd/binning.hpp"
#include "facemap/io/proc_file.hpp"
#include "facemap/svd/process.hpp"
#include "facemap/roi/roi.hpp"
#include "facemap/svd/svd.hpp"
#include "support/test_database.hpp"

using namespace facemap;

namespace {

// A clip of textured blobs drifting over a noisy background: `views` views of height x width.
std::vector<std::vector<GrayFrame>> synthetic_clip(int nframes,
                                                   const std::vector<FrameSize>& views) {
  std::mt19937 generator(7);
  std::normal_distribution<float> noise(0.f, 3.f);
  std::vector<std::vector<GrayFrame>> clip(views.size());
  for (std::size_t v = 0; v < views.size(); ++v) {
    for (int t = 0; t < nframes; ++t) {
      GrayFrame frame(views[v].height, views[v].width);
      for (int y = 0; y < frame.rows(); ++y) {
        for (int x = 0; x < frame.cols(); ++x) {
          const float cy = 0.5f * frame.rows() + 0.3f * frame.rows() * std::sin(0.05f * t);
          const float cx = 0.5f * frame.cols() + 0.3f * frame.cols() * std::cos(0.031f * t + v);
          const float blob = 120.f * std::exp(-((y - cy) * (y - cy) + (x - cx) * (x - cx)) / 60.f);
          const float wave = 30.f * std::sin(0.4f * x + 0.1f * t) * std::cos(0.3f * y);
          const float value = 80.f + blob + wave + noise(generator);
          frame(y, x) = static_cast<std::uint8_t>(std::clamp(value, 0.f, 255.f));
        }
      }
      clip[v].push_back(frame);
    }
  }
  return clip;
}

// Binned frames of a whole source, canvas pixels x frames, computed with bin_frame().
Eigen::MatrixXf binned_directly(const std::vector<GrayFrame>& frames, int sbin) {
  const BinnedImage first = bin_frame(frames.front(), sbin);
  Eigen::MatrixXf binned(first.size(), static_cast<Eigen::Index>(frames.size()));
  for (std::size_t t = 0; t < frames.size(); ++t) {
    const BinnedImage image = bin_frame(frames[t], sbin);
    binned.col(static_cast<Eigen::Index>(t)) =
        Eigen::Map<const Eigen::VectorXf>(image.data(), image.size());
  }
  return binned;
}

// An image (rows = y) flattened row-major, as the canvas is.
Eigen::VectorXf flatten(const Eigen::MatrixXf& image) {
  const Eigen::MatrixXf transposed = image.transpose();
  return Eigen::Map<const Eigen::VectorXf>(transposed.data(), transposed.size());
}

// The smallest cosine of the principal angles between the spans of the first k columns of a and
// b: how far the least-matched direction of one span is from the other.
double min_principal_cosine(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b, int k) {
  const auto basis = [k](const Eigen::MatrixXf& m) {
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(m.leftCols(k).cast<double>());
    return Eigen::MatrixXd(qr.householderQ() * Eigen::MatrixXd::Identity(m.rows(), k));
  };
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(basis(a).transpose() * basis(b));
  return svd.singularValues().minCoeff();
}

Eigen::VectorXd exact_singular_values(Eigen::MatrixXf data) {
  data.rowwise() -= data.colwise().mean();
  return Eigen::BDCSVD<Eigen::MatrixXd>(data.cast<double>()).singularValues();
}

Roi motion_rectangle(int y0, int y1, int x0, int x1) {
  Roi roi;
  roi.type = RoiType::motion;
  roi.name = "motion SVD";
  for (int y = y0; y < y1; ++y) roi.yrange.push_back(y);
  for (int x = x0; x < x1; ++x) roi.xrange.push_back(x);
  return roi;
}

}  // namespace

TEST(Binning, AveragesWholeBlocksAndCropsTheRest) {
  GrayFrame frame(5, 7);
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 7; ++x) frame(y, x) = static_cast<std::uint8_t>(10 * y + x);
  }
  const BinnedImage binned = bin_frame(frame, 2);
  ASSERT_EQ(binned.rows(), 2);
  ASSERT_EQ(binned.cols(), 3);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) {
      const float mean = (frame(2 * y, 2 * x) + frame(2 * y, 2 * x + 1) + frame(2 * y + 1, 2 * x) +
                          frame(2 * y + 1, 2 * x + 1)) /
                         4.f;
      EXPECT_FLOAT_EQ(binned(y, x), mean);
    }
  }
  EXPECT_EQ(bin_frame(frame, 1).cast<int>(), frame.cast<int>());
}

TEST(Binning, FacemapBinnedRanges) {
  // The fixture's motion region, rows 80..149 and columns 10..99: Facemap's 17 x 23 bins.
  const Roi roi = motion_rectangle(80, 150, 10, 100);
  const std::vector<int> rows = binned_rows(roi.yrange, 4), columns = binned_columns(roi.xrange, 4);
  ASSERT_EQ(rows.size(), 17u);
  EXPECT_EQ(rows.front(), 20);
  EXPECT_EQ(rows.back(), 36);
  ASSERT_EQ(columns.size(), 23u);
  EXPECT_EQ(columns.front(), 2);
  EXPECT_EQ(columns.back(), 24);
}

TEST(Binning, FacemapsRowAndColumnRulesDiffer) {
  // Facemap: yrange_bin = arange(floor(y0 / 4), floor(ylast / 4)) and xrange_bin =
  // arange(floor(x0 / 4), floor(xlast) / 4): for last index 97 (97 / 4 = 24.25) the rows end
  // at 23 and the columns at 24; for last index 99 both end at 23 (rows) and 24 (columns);
  // for a multiple of 4 (96) both end at 23.
  const Roi odd = motion_rectangle(10, 98, 10, 98);
  EXPECT_EQ(binned_rows(odd.yrange, 4),
            (std::vector<int>{2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                              13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}));
  EXPECT_EQ(binned_columns(odd.xrange, 4).back(), 24);
  EXPECT_EQ(binned_columns(odd.xrange, 4).size(), 23u);
  const Roi three = motion_rectangle(10, 100, 10, 100);
  EXPECT_EQ(binned_rows(three.yrange, 4).back(), 23);  // ours once ended at 24
  EXPECT_EQ(binned_columns(three.xrange, 4).back(), 24);
  const Roi whole = motion_rectangle(8, 97, 8, 97);
  EXPECT_EQ(binned_rows(whole.yrange, 4).back(), 23);
  EXPECT_EQ(binned_columns(whole.xrange, 4).back(), 23);
  EXPECT_TRUE(binned_rows(motion_rectangle(5, 8, 5, 8).yrange, 4).empty());
}

TEST(Binning, ViewsSideBySideOnOneCanvas) {
  const BinnedCanvas canvas({{40, 48}, {20, 32}}, 4);
  EXPECT_EQ(canvas.size().height, 10);
  EXPECT_EQ(canvas.size().width, 20);
  EXPECT_EQ(canvas.view_column(1), 12);
  // The second view is 5 rows high: the canvas below it is padding.
  EXPECT_EQ(canvas.view_pixels().size(), 10u * 12 + 5u * 8);
  // Rows 4..11 and columns 8..15: binned row 1 (Facemap's floor(11 / 4) ends it) and columns
  // 2..3.
  Roi roi = motion_rectangle(4, 12, 8, 16);
  roi.view = 1;
  EXPECT_EQ(canvas.region_pixels(roi), (std::vector<int>{1 * 20 + 14, 1 * 20 + 15}));
  roi.yrange.clear();
  for (int y = 0; y < 28; ++y) roi.yrange.push_back(y);
  EXPECT_THROW(canvas.region_pixels(roi), std::invalid_argument);  // rows 0..5: below the view
}

TEST(Sampling, FacemapSegmentsAndChunks) {
  const std::vector<FrameRange> segments = mean_image_segments(2450);
  ASSERT_EQ(segments.size(), 10u);
  EXPECT_EQ(segments[1].first, 261);  // floor(linspace(0, 2350, 10))
  EXPECT_EQ(segments[9].first, 2350);
  EXPECT_EQ(segments[9].count, 100);
  const std::vector<FrameRange> chunks = svd_chunks(2450);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[1].first, 1449);  // floor(linspace(0, 2450 - 1000 - 1, 2))
  EXPECT_EQ(chunks[1].count, 1000);
  EXPECT_EQ(svd_chunks(749).size(), 1u);
  EXPECT_EQ(svd_chunks(749)[0].count, 749);
  EXPECT_EQ(svd_chunks(100000).size(), 15u);
  EXPECT_EQ(mean_image_segments(50).size(), 1u);
  EXPECT_EQ(components_per_chunk(1000, 2, 500), 250);
  EXPECT_EQ(components_per_chunk(120, 2, 500), 119);
  // One chunk: Facemap keeps min(ncomps, nt0 - 1), not 250.
  EXPECT_EQ(components_per_chunk(749, 1, 500), 500);
  EXPECT_EQ(components_per_chunk(300, 1, 500), 299);
  EXPECT_EQ(components_per_chunk(749, 1, 100), 100);
}

TEST(SvdSolver, MatchesAnExactSvdOfTheCentredData) {
  std::mt19937 generator(1);
  std::normal_distribution<float> normal;
  Eigen::MatrixXf data(600, 300);
  for (Eigen::Index j = 0; j < data.cols(); ++j) {
    for (Eigen::Index i = 0; i < data.rows(); ++i) data(i, j) = normal(generator);
  }
  // A decaying spectrum, as in video: scale the columns' mixtures.
  const Eigen::VectorXf decay = Eigen::VectorXf::LinSpaced(300, 0.f, -6.f).array().exp();
  data = data * decay.asDiagonal() * Eigen::MatrixXf::Random(300, 300) +
         Eigen::MatrixXf::Constant(600, 300, 7.f);
  const Eigen::VectorXd exact = exact_singular_values(data);
  for (int k : {20, 250}) {  // the randomized range finder, and the near-complete case
    const CentredSvd svd = centred_svd(data, k);
    ASSERT_EQ(svd.values.size(), k);
    // Components above 3% of the largest to 1e-3: single precision in the Gram matrix costs the
    // faint ones more (svd_solver.hpp), and the range finder its last few.
    int leading = 0;
    for (int i = 0; i < k; ++i) {
      const bool strong = exact[i] > 0.03 * exact[0] && i < k - 5;
      leading += strong;
      EXPECT_NEAR(svd.values[i] / exact[i], 1.0, strong ? 1e-3 : 3e-2)
          << "k " << k << " component " << i;
    }
    const Eigen::MatrixXf gram =
        svd.vectors.leftCols(leading).transpose() * svd.vectors.leftCols(leading);
    EXPECT_TRUE(gram.isIdentity(1e-3)) << "k " << k;
    EXPECT_LT(std::abs(svd.vectors.colwise().sum()(0)), 1e-3);  // centred: orthogonal to ones
  }
  // More columns than rows: the pixel-side Gram matrix.
  const Eigen::MatrixXf wide = data.topRows(100);
  const CentredSvd svd = centred_svd(wide, 40);
  const Eigen::VectorXd wide_exact = exact_singular_values(wide);
  for (int i = 0; i < 30; ++i) EXPECT_NEAR(svd.values[i] / wide_exact[i], 1.0, 1e-3) << i;
}

// The projections of the decomposed columns come from the Gram matrix; they must equal the
// product over the pixels, through the single-chunk merge too (which re-sorts and re-orients).
TEST(SvdSolver, ColumnProjectionsEqualTheDirectProduct) {
  Eigen::MatrixXf centred = Eigen::MatrixXf::Random(400, 120) * Eigen::MatrixXf::Random(120, 120);
  centred.rowwise() -= centred.colwise().mean();
  const Eigen::MatrixXd gram = (centred.transpose() * centred).cast<double>();
  const CentredSvd svd = centred_svd_from_gram(centred, gram, 30);
  const Eigen::MatrixXf direct = centred.transpose() * svd.vectors;
  ASSERT_EQ(svd.column_projections.rows(), 120);
  ASSERT_EQ(svd.column_projections.cols(), 30);
  EXPECT_LT((svd.column_projections - direct).cwiseAbs().maxCoeff(),
            1e-4f * direct.cwiseAbs().maxCoeff());

  ChunkedSvd chunked(20);
  chunked.add_chunk(svd);
  const CentredSvd merged = chunked.merge();
  const Eigen::MatrixXf merged_direct = centred.transpose() * merged.vectors;
  ASSERT_EQ(merged.column_projections.cols(), 20);
  EXPECT_LT((merged.column_projections - merged_direct).cwiseAbs().maxCoeff(),
            1e-4f * merged_direct.cwiseAbs().maxCoeff());
  // Several chunks: the columns of one are not enough to project onto the merged vectors.
  chunked.add_chunk(svd);
  EXPECT_EQ(chunked.merge().column_projections.size(), 0);
}

TEST(SvdSolver, LargestMaskEntryIsPositive) {
  Eigen::MatrixXf vectors(4, 2);
  vectors << 0.1f, -0.2f,  //
      -0.9f, 0.3f,         //
      0.3f, 0.9f,          //
      0.2f, -0.1f;
  orient_components(vectors);
  EXPECT_FLOAT_EQ(vectors(1, 0), 0.9f);
  EXPECT_FLOAT_EQ(vectors(0, 0), -0.1f);
  EXPECT_FLOAT_EQ(vectors(2, 1), 0.9f);
  const CentredSvd svd = centred_svd(Eigen::MatrixXf::Random(50, 30), 10);
  for (int j = 0; j < 10; ++j) {
    Eigen::Index largest = 0;
    svd.vectors.col(j).cwiseAbs().maxCoeff(&largest);
    EXPECT_GT(svd.vectors(largest, j), 0.f) << j;
  }
}

TEST(ChunkAccumulator, EqualsADirectDecompositionOfTheChunk) {
  const std::vector<GrayFrame> clip = synthetic_clip(260, {{48, 64}}).front();
  const Eigen::MatrixXf binned = binned_directly(clip, 4);
  const FrameRange chunk{30, 200};
  const MeanImages means = mean_images(
      [&](FrameRange range) -> Eigen::MatrixXf {
        return binned.middleCols(range.first, range.count);
      },
      260);
  std::vector<int> pixels(binned.rows());
  std::iota(pixels.begin(), pixels.end(), 0);
  for (SvdKind kind : {SvdKind::motion, SvdKind::movie}) {
    // The chunk's data matrix, built directly from its definition.
    const Eigen::MatrixXf frames = binned.middleCols(chunk.first, chunk.count);
    const Eigen::MatrixXf direct =
        kind == SvdKind::motion
            ? Eigen::MatrixXf((frames.rightCols(199) - frames.leftCols(199)).cwiseAbs().colwise() -
                              means.motion)
            : Eigen::MatrixXf(frames.rightCols(199).colwise() - means.frame);
    // All 199 components: the solver's exact path, so that only the accumulation can differ.
    const CentredSvd expected = centred_svd(direct, 199);
    // Fed in blocks of 7 frames that straddle the chunk's ends.
    ChunkAccumulator accumulator(chunk, pixels, kind);
    for (int first = 0; first < 260; first += 7) {
      const int count = std::min(7, 260 - first);
      accumulator.add(binned.middleCols(first, count), first);
    }
    const CentredSvd result = accumulator.finish(means, 199);
    for (int i = 0; i < 100; ++i) {
      EXPECT_NEAR(result.values[i] / expected.values[i], 1.0, i < 10 ? 1e-5 : 1e-3) << i;
    }
    for (int i = 0; i < 5; ++i)
      EXPECT_NEAR(result.vectors.col(i).dot(expected.vectors.col(i)), 1.0, 1e-3) << i;
  }
  ChunkAccumulator incomplete(chunk, pixels, SvdKind::motion);
  incomplete.add(binned.leftCols(100), 0);
  EXPECT_THROW(incomplete.finish(means, 10), std::logic_error);
}

// The synthetic clip through the whole analysis, checked against direct computations; in a
// single decoding pass and in the streaming mode, whose blocks of frames differ.
class SyntheticClip : public ::testing::TestWithParam<bool> {};

TEST_P(SyntheticClip, MotionEnergyAndProjectionsMatchDirectComputations) {
  const int nframes = 600, sbin = 4;
  const std::vector<GrayFrame> clip = synthetic_clip(nframes, {{48, 64}}).front();
  SvdParams params;
  params.sbin = sbin;
  params.rois = {motion_rectangle(8, 40, 4, 36)};
  if (!GetParam()) params.memory_budget_bytes = 0;  // streaming: batches of 64 frames
  const FacemapResult result = process_frames(FrameArray(clip), params);

  const Eigen::MatrixXf binned = binned_directly(clip, sbin);
  ASSERT_EQ(result.svd_regions.size(), 2u);
  for (const SvdRegion& region : result.svd_regions) {
    std::vector<int> pixels(binned.rows());
    std::iota(pixels.begin(), pixels.end(), 0);
    if (region.roi) pixels = BinnedCanvas({{48, 64}}, sbin).region_pixels(*region.roi);
    const Eigen::MatrixXf frames = binned(pixels, Eigen::all);
    const Eigen::MatrixXf motion =
        (frames.rightCols(nframes - 1) - frames.leftCols(nframes - 1)).cwiseAbs();
    const Eigen::VectorXf avgmotion = flatten(result.avgmotion)(pixels);
    const Eigen::VectorXf avgframe = flatten(result.avgframe)(pixels);

    // Motion energy: the sum of |frame[t] - frame[t-1]|; frame 0 repeats frame 1.
    ASSERT_EQ(region.motion.size(), nframes);
    for (int t = 1; t < nframes; ++t) {
      EXPECT_NEAR(region.motion[t], motion.col(t - 1).sum(), 1e-3f * motion.col(t - 1).sum()) << t;
    }
    EXPECT_EQ(region.motion[0], region.motion[1]);

    // The region's masks are on its own grid, the full frame's on the whole canvas: either way
    // their rows follow `pixels`.
    const Eigen::MatrixXf& motion_masks = region.motion_svd->masks;
    const Eigen::MatrixXf motion_direct = (motion.colwise() - avgmotion).transpose() * motion_masks;
    const Eigen::MatrixXf movie_direct =
        (frames.rightCols(nframes - 1).colwise() - avgframe).transpose() * region.movie_svd->masks;
    const auto expect_rows_match = [&](const Eigen::MatrixXf& projections,
                                       const Eigen::MatrixXf& direct) {
      ASSERT_EQ(projections.rows(), nframes);
      const float scale = direct.cwiseAbs().maxCoeff();
      EXPECT_LT((projections.bottomRows(nframes - 1) - direct).cwiseAbs().maxCoeff(),
                1e-4f * scale);
      EXPECT_EQ(projections.row(0), projections.row(1));
    };
    expect_rows_match(region.motion_svd->projections, motion_direct);
    expect_rows_match(region.movie_svd->projections, movie_direct);
    // Unit-norm masks, descending singular values.
    EXPECT_NEAR(motion_masks.col(0).norm(), 1.f, 1e-5f);
    EXPECT_GE(region.motion_svd->singular_values[0], region.motion_svd->singular_values[1]);
  }
  // The full frame of 12 x 16 bins has 191 components after the merge (pixels - 1); the region
  // (rows 8..39, columns 4..35) has Facemap's 7 x 8 bins (rows 2..8: floor(39 / 4) ends them;
  // columns 1..8), so 55.
  EXPECT_EQ(result.svd_regions[0].motion_svd->masks.cols(), 191);
  EXPECT_EQ(result.svd_regions[1].motion_svd->masks.rows(), 56);
  EXPECT_EQ(result.svd_regions[1].motion_svd->masks.cols(), 55);
  EXPECT_EQ(result.svd_regions[1].roi_no, 1);
}

INSTANTIATE_TEST_SUITE_P(SinglePassAndStreaming, SyntheticClip, ::testing::Bool());

TEST(SvdAnalysis, BothModesGiveTheSameResult) {
  const std::vector<GrayFrame> clip = synthetic_clip(300, {{40, 40}}).front();
  SvdParams params;
  params.components = 20;
  // A blink region: analysed (facemap/roi/roi.hpp) in the pass that visits every frame.
  Roi blink = motion_rectangle(10, 30, 5, 35);
  blink.type = RoiType::blink;
  blink.saturation = 120;
  params.rois = {blink};
  const FacemapResult single = process_frames(FrameArray(clip), params);
  params.memory_budget_bytes = 0;
  const FacemapResult streamed = process_frames(FrameArray(clip), params);
  EXPECT_TRUE(single.svd_regions[0].motion_svd->masks.isApprox(
      streamed.svd_regions[0].motion_svd->masks, 1e-5f));
  EXPECT_TRUE(single.svd_regions[0].movie_svd->projections.isApprox(
      streamed.svd_regions[0].movie_svd->projections, 1e-5f));
  EXPECT_EQ(single.svd_regions[0].motion, streamed.svd_regions[0].motion);
  const RoiTraces alone = analyze_rois(FrameArray(clip), params.rois);
  for (const FacemapResult* result : {&single, &streamed}) {
    ASSERT_EQ(result->blinks.size(), 1u);
    EXPECT_EQ(result->blinks[0].blink, alone.blinks[0].blink);
    EXPECT_GT(result->blinks[0].blink.maxCoeff(), 0.0);
  }
}

TEST(SvdAnalysis, SeveralViewsShareOneCanvas) {
  const std::vector<std::vector<GrayFrame>> clip = synthetic_clip(120, {{40, 48}, {24, 32}});
  SvdParams params;
  params.components = 30;
  params.movie_svd = false;
  const FacemapResult result = process_frames(FrameArray(clip), params);
  EXPECT_EQ(result.ly, (std::vector<int>{40, 24}));
  EXPECT_EQ(result.avgframe.rows(), 10);
  EXPECT_EQ(result.avgframe.cols(), 20);
  EXPECT_EQ(result.avgframe(9, 15), 0.f);  // padding below the shorter view
  EXPECT_GT(result.avgframe(9, 5), 0.f);
  const SvdComponents& motion = *result.svd_regions[0].motion_svd;
  EXPECT_EQ(motion.masks.rows(), 200);
  EXPECT_EQ(motion.masks.row(9 * 20 + 15).cwiseAbs().maxCoeff(), 0.f);
  EXPECT_FALSE(result.svd_regions[0].movie_svd.has_value());
  // Motion energy sums both views.
  const Eigen::MatrixXf left = binned_directly(clip[0], 4), right = binned_directly(clip[1], 4);
  const float expected =
      (left.col(5) - left.col(4)).cwiseAbs().sum() + (right.col(5) - right.col(4)).cwiseAbs().sum();
  EXPECT_NEAR(result.svd_regions[0].motion[5], expected, 1e-3f * expected);
}

TEST(SvdAnalysis, RejectsUnusableInput) {
  const std::vector<GrayFrame> clip = synthetic_clip(2, {{16, 16}}).front();
  EXPECT_THROW(process_frames(FrameArray({clip[0]}), SvdParams()), std::invalid_argument);
  SvdParams params;
  params.rois = {motion_rectangle(0, 8, 10, 40)};  // beyond the 16 columns
  EXPECT_THROW(process_frames(FrameArray(clip), params), std::invalid_argument);
  params.rois.clear();
  params.sbin = 32;
  EXPECT_THROW(process_frames(FrameArray(clip), params), std::invalid_argument);
}

TEST(SvdAnalysis, FacemapsColumnRuleIsCutAtAPartialLastBlockWithAWarning) {
  // 18 columns at sbin 4: 4 whole blocks. Columns 8..17 give Facemap's bins 2..4 (17 / 4 =
  // 4.25), and bin 4 would be the partial block Facemap cannot bin either.
  const std::vector<GrayFrame> clip = synthetic_clip(20, {{16, 18}}).front();
  SvdParams params;
  params.components = 5;
  params.rois = {motion_rectangle(0, 16, 8, 18)};
  const FacemapResult result = process_frames(FrameArray(clip), params);
  EXPECT_EQ(result.rois[0].xrange_bin, (std::vector<int>{2, 3}));
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("motion region 0 ('motion SVD'): its binned columns 2..4 reach "
                                    "past the binned view's 4 columns"),
            std::string::npos)
      << result.warnings[0];
  // Rows 5..7 hold no whole bin row under Facemap's rule: an error naming the region.
  params.rois = {motion_rectangle(5, 8, 0, 16)};
  EXPECT_THROW(
      {
        try {
          process_frames(FrameArray(clip), params);
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("covers no whole row of 4-pixel bins"),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      std::invalid_argument);
}

TEST(SvdAnalysis, TinyRecordings) {
  for (int nframes : {2, 3}) {
    const FacemapResult result =
        process_frames(FrameArray(synthetic_clip(nframes, {{16, 16}}).front()), SvdParams());
    const SvdRegion& region = result.svd_regions.at(0);
    EXPECT_EQ(region.motion.size(), nframes);
    EXPECT_EQ(region.motion[0], region.motion[1]);
    // One chunk of nframes - 1 columns: that many components at most.
    EXPECT_LE(region.motion_svd->masks.cols(), nframes - 1);
    EXPECT_EQ(region.movie_svd->projections.rows(), nframes);
  }
}

// Facemap's own analysis of the fixture video: decoded once for all the tests below.
class FacemapFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::filesystem::path video = fmtest::shared_fixture("svd/synth_face.avi");
    if (video.empty()) return;
    const Recording recording({video});
    std::vector<GrayFrame> frames;
    recording.for_each_batch([&](const FrameBatch& batch) {
      frames.insert(frames.end(), batch.views[0].begin(), batch.views[0].end());
    });
    frames_ = new FrameArray(std::move(frames));
  }
  static void TearDownTestSuite() {
    delete frames_;
    frames_ = nullptr;
  }
  static FrameArray* frames_;
};
FrameArray* FacemapFixture::frames_ = nullptr;

TEST_F(FacemapFixture, FullFrameMasksSpanFacemapsSpace) {
  FMPIPE_SKIP_WITHOUT_SHARED(proc, "svd/synth_face_noroi_proc.npy");
  const FacemapResult facemap = read_proc_file(proc);
  const FacemapResult ours =
      process_recording(Recording({fmtest::shared_fixture("svd/synth_face.avi")}), SvdParams());
  EXPECT_EQ(ours.filenames.size(), 1u);
  EXPECT_EQ(ours.nframes, 2450);
  EXPECT_LT((ours.avgframe - facemap.avgframe).cwiseAbs().maxCoeff(), 1e-3f);
  EXPECT_LT((ours.avgmotion - facemap.avgmotion).cwiseAbs().maxCoeff(), 1e-3f);
  const SvdRegion& region = ours.svd_regions.at(0);
  const SvdRegion& reference = facemap.svd_regions.at(0);
  for (bool motion : {true, false}) {
    const SvdComponents& mine = motion ? *region.motion_svd : *region.movie_svd;
    const SvdComponents& theirs = motion ? *reference.motion_svd : *reference.movie_svd;
    ASSERT_EQ(mine.masks.rows(), 2000);
    ASSERT_EQ(mine.masks.cols(), 500);
    // The least-matched of the top 10 directions: 0.999994 (motion) and 1.000000 (movie) seen;
    // 0.999 is an angle of 2.6 degrees.
    const double cosine = min_principal_cosine(mine.masks, theirs.masks, 10);
    EXPECT_GE(cosine, 0.999) << (motion ? "motion" : "movie");
    RecordProperty(motion ? "motion_min_cosine" : "movie_min_cosine", std::to_string(cosine));
    // Facemap's singular values of the same decomposition.
    for (int i = 0; i < 10; ++i) {
      EXPECT_NEAR(mine.singular_values[i] / theirs.singular_values[i], 1.0, 0.01) << i;
    }
  }
  // Motion energy: Facemap's first 500-frame chunk is shifted by one frame; ours is not.
  for (int t = 1; t < 2450; ++t) {
    const float facemaps = reference.motion[t < 500 ? t - 1 : t];
    EXPECT_NEAR(region.motion[t], facemaps, 1e-4f * facemaps) << t;
  }
}

TEST_F(FacemapFixture, SingularValuesMatchAnExactSvdOfTheMergedMatrix) {
  FMPIPE_SKIP_WITHOUT_SHARED(video, "svd/synth_face.avi");
  const BinnedCanvas canvas(frames_->view_sizes(), 4);
  const BinnedReader read = [&](FrameRange range) { return read_binned(*frames_, canvas, range); };
  const MeanImages means = mean_images(read, 2450);
  const std::vector<int> pixels = canvas.view_pixels();
  SvdParams params;
  const FacemapResult ours = process_frames(*frames_, params);
  for (SvdKind kind : {SvdKind::motion, SvdKind::movie}) {
    ChunkedSvd merge(500);
    for (const FrameRange& chunk : svd_chunks(2450)) {
      ChunkAccumulator accumulator(chunk, pixels, kind);
      accumulator.add(read(chunk), chunk.first);
      merge.add_chunk(accumulator.finish(
          means, components_per_chunk(chunk.count, svd_chunks(2450).size(), 500)));
    }
    ASSERT_EQ(merge.merge_input().cols(), 500);
    const Eigen::VectorXd exact = exact_singular_values(merge.merge_input());
    const SvdComponents& result =
        kind == SvdKind::motion ? *ours.svd_regions[0].motion_svd : *ours.svd_regions[0].movie_svd;
    EXPECT_TRUE(result.singular_values.isApprox(merge.merge().values, 1e-5f));
    // Every one of the 500 to 1e-4 relative: 2.8e-6 is the largest error seen among those above
    // 3% of the largest, 5.5e-6 among the faint rest (down to 0.2%), single precision's share.
    ASSERT_EQ(result.singular_values.size(), 500);
    for (int i = 0; i < result.singular_values.size(); ++i) {
      EXPECT_NEAR(result.singular_values[i] / exact[i], 1.0, 1e-4) << i;
    }
  }
}

TEST_F(FacemapFixture, MotionRegion) {
  FMPIPE_SKIP_WITHOUT_SHARED(proc, "svd/synth_face_rois_proc.npy");
  const FacemapResult facemap = read_proc_file(proc);
  SvdParams params;
  params.full_frame = false;
  params.rois = {motion_rectangle(80, 150, 10, 100)};
  const FacemapResult ours = process_frames(*frames_, params);
  ASSERT_EQ(ours.svd_regions.size(), 1u);
  const SvdRegion& region = ours.svd_regions[0];
  const SvdRegion& reference = facemap.svd_regions.at(1);
  EXPECT_EQ(region.roi_no, 1);
  EXPECT_EQ(region.roi->yrange_bin, reference.roi->yrange_bin);
  EXPECT_EQ(region.roi->xrange_bin, reference.roi->xrange_bin);
  for (bool motion : {true, false}) {
    const SvdComponents& mine = motion ? *region.motion_svd : *region.movie_svd;
    const SvdComponents& theirs = motion ? *reference.motion_svd : *reference.movie_svd;
    EXPECT_EQ(mine.ly, 17);
    EXPECT_EQ(mine.lx, 23);
    ASSERT_EQ(mine.masks.cols(), 390);
    // 1.000000 seen for both (to six places).
    EXPECT_GE(min_principal_cosine(mine.masks, theirs.masks, 10), 0.999)
        << (motion ? "motion" : "movie");
    // This region is Facemap's last, so its singular values are the ones Facemap kept.
    for (int i = 0; i < 10; ++i) {
      EXPECT_NEAR(mine.singular_values[i] / theirs.singular_values[i], 1.0, 0.01) << i;
    }
  }
  for (int t = 1; t < 2450; ++t) {
    const float facemaps = reference.motion[t < 500 ? t - 1 : t];
    EXPECT_NEAR(region.motion[t], facemaps, 1e-4f * facemaps + 1e-3f) << t;
  }
}

TEST_F(FacemapFixture, StreamingReadsTheSameFrames) {
  FMPIPE_SKIP_WITHOUT_SHARED(video, "svd/synth_face.avi");
  // Decoding each stage separately seeks to the sampled segments and chunks of the video.
  SvdParams params;
  params.movie_svd = false;
  params.memory_budget_bytes = 0;
  const FacemapResult streamed = process_recording(Recording({video}), params);
  params.memory_budget_bytes = SvdParams().memory_budget_bytes;
  const FacemapResult in_memory = process_frames(*frames_, params);
  EXPECT_EQ(streamed.avgmotion, in_memory.avgmotion);
  EXPECT_EQ(streamed.svd_regions[0].motion, in_memory.svd_regions[0].motion);
  const SvdComponents& a = *streamed.svd_regions[0].motion_svd;
  const SvdComponents& b = *in_memory.svd_regions[0].motion_svd;
  EXPECT_TRUE(a.singular_values.isApprox(b.singular_values, 1e-5f));
  EXPECT_TRUE(a.masks.leftCols(50).isApprox(b.masks.leftCols(50), 1e-4f));
}
