// Facemap's _proc.npy: the two genuine files Facemap wrote for the synthetic face (shapes as the
// fixtures' README lists them, and real values), the pupil centres against the synthetic truth,
// write -> read round trips (of a genuine file and of a hand-made result), the written file's
// layout against Facemap's, and error reports.

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "facemap/io/npy.hpp"
#include "facemap/io/proc_file.hpp"
#include "facemap/roi/roi_mask.hpp"
#include "support/test_database.hpp"

namespace fs = std::filesystem;
using facemap::FacemapResult;
using facemap::read_proc_file;
using facemap::RoiType;
using facemap::write_proc_file;
using facemap::pickle::Dict;
using facemap::pickle::Value;

namespace {

fs::path temporary(const std::string& name) {
  return fs::temp_directory_path() / ("fmpipe_test_proc_" + std::to_string(getpid()) + "_" + name);
}

// The message of the exception `work` throws.
template <class Work>
std::string error_of(Work work) {
  try {
    work();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "";
}

// Equal shapes and elements within 1e-12 (an element loop: Eigen's AVX-512 reductions trip a
// false -Wmaybe-uninitialized in GCC 12).
bool nearly_equal(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (std::abs(a.data()[i] - b.data()[i]) > 1e-12) return false;
  return true;
}

void expect_same_components(const std::optional<facemap::SvdComponents>& actual,
                            const std::optional<facemap::SvdComponents>& expected) {
  ASSERT_EQ(actual.has_value(), expected.has_value());
  if (!expected) return;
  EXPECT_EQ(actual->ly, expected->ly);
  EXPECT_EQ(actual->lx, expected->lx);
  EXPECT_EQ(actual->masks, expected->masks);
  EXPECT_EQ(actual->singular_values, expected->singular_values);
  EXPECT_EQ(actual->projections, expected->projections);
}

// Runs `expect_same` on each pair after checking that both lists are as long.
template <class Element, class Compare>
void expect_pairwise(const std::vector<Element>& actual, const std::vector<Element>& expected,
                     Compare expect_same) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) expect_same(actual[i], expected[i]);
}

void expect_same_roi(const facemap::Roi& got, const facemap::Roi& want) {
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.view, want.view);
  EXPECT_EQ(got.yrange, want.yrange);
  EXPECT_EQ(got.xrange, want.xrange);
  EXPECT_EQ(got.yrange_bin, want.yrange_bin);
  EXPECT_EQ(got.xrange_bin, want.xrange_bin);
  EXPECT_EQ(got.saturation, want.saturation);
  EXPECT_EQ(got.pupil_sigma, want.pupil_sigma);
  EXPECT_TRUE((got.ellipse == want.ellipse).all());
  expect_pairwise(got.reflectors, want.reflectors,
                  [](const auto& a, const auto& b) { EXPECT_TRUE((a == b).all()); });
}

void expect_same_result(const FacemapResult& actual, const FacemapResult& expected) {
  EXPECT_EQ(actual.filenames, expected.filenames);
  EXPECT_EQ(actual.ly, expected.ly);
  EXPECT_EQ(actual.lx, expected.lx);
  EXPECT_EQ(actual.sbin, expected.sbin);
  EXPECT_EQ(actual.full_svd, expected.full_svd);
  EXPECT_EQ(actual.nframes, expected.nframes);
  EXPECT_EQ(actual.avgframe, expected.avgframe);
  EXPECT_EQ(actual.avgmotion, expected.avgmotion);
  expect_pairwise(actual.rois, expected.rois, expect_same_roi);
  expect_pairwise(actual.svd_regions, expected.svd_regions, [](const auto& got, const auto& want) {
    EXPECT_EQ(got.roi_no, want.roi_no);
    EXPECT_EQ(got.roi.has_value(), want.roi.has_value());
    EXPECT_EQ(got.motion, want.motion);
    expect_same_components(got.motion_svd, want.motion_svd);
    expect_same_components(got.movie_svd, want.movie_svd);
  });
  expect_pairwise(actual.pupils, expected.pupils, [](const auto& got, const auto& want) {
    EXPECT_EQ(got.roi_index, want.roi_index);
    EXPECT_EQ(got.area, want.area);
    EXPECT_EQ(got.area_smooth, want.area_smooth);
    // Centres go to crop coordinates and back: equal up to rounding.
    EXPECT_TRUE(nearly_equal(got.com, want.com));
    EXPECT_TRUE(nearly_equal(got.com_smooth, want.com_smooth));
    EXPECT_EQ(got.axlen, want.axlen);
    EXPECT_EQ(got.axdir, want.axdir);
  });
  expect_pairwise(actual.blinks, expected.blinks, [](const auto& got, const auto& want) {
    EXPECT_EQ(got.roi_index, want.roi_index);
    EXPECT_EQ(got.blink, want.blink);
  });
  expect_pairwise(actual.running, expected.running, [](const auto& got, const auto& want) {
    EXPECT_EQ(got.roi_index, want.roi_index);
    EXPECT_EQ(got.dy, want.dy);
    EXPECT_EQ(got.dx, want.dx);
  });
}

// What a value looks like to Python code reading it: kinds, dtypes and shapes, recursively
// (int and float both count as "number": Facemap itself writes saturation 0 as an int).
std::string layout(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::integer:
    case Value::Kind::real:
      return "number";
    case Value::Kind::list:
    case Value::Kind::tuple: {
      std::string text = value.kind_name() + "[";
      for (const Value& item : value.items()) text += layout(item) + ",";
      return text + "]";
    }
    case Value::Kind::dict: {
      std::string text = "{";
      for (const auto& [key, item] : value.as_dict().entries())
        text += key.as_str() + ":" + layout(item) + ",";
      return text + "}";
    }
    default:
      return value.kind_name();
  }
}

// A small single-view result with every kind of region, in full-frame pixels.
FacemapResult small_result() {
  FacemapResult result;
  result.filenames = {"cam0_a.avi", "cam0_b.avi"};
  result.ly = {12};
  result.lx = {16};
  result.sbin = 2;
  result.nframes = 5;
  result.avgframe = Eigen::MatrixXf::Random(6, 8);
  result.avgmotion = Eigen::MatrixXf::Random(6, 8);
  facemap::Roi pupil;
  pupil.type = RoiType::pupil;
  pupil.name = "Pupil";
  pupil.yrange = {2, 3, 4, 5};
  pupil.xrange = {6, 7, 8, 9, 10};
  pupil.saturation = 90;
  pupil.pupil_sigma = 2.5;
  pupil.ellipse = facemap::inscribed_ellipse(4, 5);
  facemap::RoiMask reflector = facemap::RoiMask::Constant(4, 5, false);
  reflector(1, 2) = reflector(2, 2) = reflector(2, 3) = true;
  pupil.reflectors = {reflector};
  facemap::Roi motion;
  motion.type = RoiType::motion;
  motion.name = "motion SVD";
  motion.yrange = {0, 1, 2, 3};
  motion.xrange = {0, 1, 2, 3, 4, 5};
  motion.yrange_bin = {0, 1};
  motion.xrange_bin = {0, 1, 2};
  motion.ellipse = facemap::inscribed_ellipse(4, 6);
  facemap::Roi blink = pupil;
  blink.type = RoiType::blink;
  blink.name = "Blink";
  blink.reflectors.clear();
  blink.pupil_sigma = 2.0;  // Facemap stores a sigma for pupils only
  facemap::Roi running = motion;
  running.type = RoiType::running;
  running.name = "Running";
  running.yrange_bin.clear();
  running.xrange_bin.clear();
  result.rois = {pupil, motion, blink, running};

  facemap::SvdRegion full;
  full.motion = Eigen::VectorXf::Random(5);
  facemap::SvdComponents full_svd{6, 8, Eigen::MatrixXf::Random(48, 3), Eigen::VectorXf::Random(3),
                                  Eigen::MatrixXf::Random(5, 3)};
  full.motion_svd = full_svd;
  full.movie_svd = full_svd;
  facemap::SvdRegion region;
  region.roi_no = 1;
  region.roi = motion;
  region.motion = Eigen::VectorXf::Random(5);
  region.motion_svd =
      facemap::SvdComponents{2, 3, Eigen::MatrixXf::Random(6, 2), Eigen::VectorXf::Random(2),
                             Eigen::MatrixXf::Random(5, 2)};
  region.movie_svd = region.motion_svd;
  result.svd_regions = {full, region};

  facemap::PupilTrace trace;
  trace.roi_index = 0;
  trace.area = Eigen::VectorXd::Random(5);
  trace.area_smooth = Eigen::VectorXd::Random(5);
  trace.com = Eigen::MatrixXd::Random(5, 2);
  trace.com_smooth = Eigen::MatrixXd::Random(5, 2);
  trace.axlen = Eigen::MatrixXd::Random(5, 2);
  trace.axdir = Eigen::MatrixXd::Random(5, 4);
  result.pupils = {trace};
  result.blinks = {{2, Eigen::VectorXd::Random(5)}};
  result.running = {{3, Eigen::VectorXd::Random(5), Eigen::VectorXd::Random(5)}};
  return result;
}

class GenuineProcFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (fmtest::shared_fixture("svd/synth_face_rois_proc.npy").empty()) return;
    regions_ =
        new FacemapResult(read_proc_file(fmtest::shared_fixture("svd/synth_face_rois_proc.npy")));
    full_frame_ =
        new FacemapResult(read_proc_file(fmtest::shared_fixture("svd/synth_face_noroi_proc.npy")));
  }
  static void TearDownTestSuite() {
    delete regions_;
    delete full_frame_;
  }
  void SetUp() override {
    if (!regions_)
      FMPIPE_WITHOUT_SHARED(
          "needs ../shared/fixtures/svd, which only the project's development checkout has");
  }
  static FacemapResult* regions_;
  static FacemapResult* full_frame_;
};
FacemapResult* GenuineProcFiles::regions_ = nullptr;
FacemapResult* GenuineProcFiles::full_frame_ = nullptr;

}  // namespace

TEST_F(GenuineProcFiles, RegionRunHeaderAndRegions) {
  const FacemapResult& result = *regions_;
  EXPECT_EQ(result.filenames, std::vector<std::string>{"synth_face.avi"});
  EXPECT_EQ(result.ly, std::vector<int>{160});
  EXPECT_EQ(result.lx, std::vector<int>{200});
  EXPECT_EQ(result.sbin, 4);
  EXPECT_TRUE(result.full_svd);
  EXPECT_EQ(result.nframes, 2450);
  ASSERT_EQ(result.avgframe.rows(), 40);
  ASSERT_EQ(result.avgframe.cols(), 50);
  EXPECT_FLOAT_EQ(result.avgframe(0, 0), 127.215004f);
  EXPECT_FLOAT_EQ(result.avgframe(0, 2), 159.40776f);
  EXPECT_EQ(result.avgmotion.rows(), 40);

  ASSERT_EQ(result.rois.size(), 4u);
  const RoiType types[] = {RoiType::pupil, RoiType::motion, RoiType::blink, RoiType::running};
  const char* names[] = {"Pupil", "motion SVD", "Blink", "Running"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(result.rois[i].type, types[i]);
    EXPECT_EQ(result.rois[i].name, names[i]);
  }
  const facemap::Roi& pupil = result.rois[0];
  EXPECT_EQ(pupil.yrange.front(), 10);
  EXPECT_EQ(pupil.yrange.back(), 69);
  EXPECT_EQ(pupil.xrange.back(), 89);
  EXPECT_EQ(pupil.saturation, 100);
  EXPECT_EQ(pupil.pupil_sigma, 2.0);
  EXPECT_EQ(pupil.ellipse.count(), 3759);
  for (const facemap::Roi& roi : result.rois)  // Facemap's masks are the inscribed ellipses
    EXPECT_TRUE(
        (roi.ellipse == facemap::inscribed_ellipse(roi.yrange.size(), roi.xrange.size())).all());
  const facemap::Roi& motion = result.rois[1];
  ASSERT_EQ(motion.yrange_bin.size(), 17u);
  ASSERT_EQ(motion.xrange_bin.size(), 23u);
  EXPECT_EQ(motion.yrange_bin.front(), 20);
  EXPECT_EQ(motion.xrange_bin.back(), 24);
  EXPECT_TRUE(pupil.yrange_bin.empty());  // Facemap stores bins for motion regions only
  EXPECT_EQ(result.rois[3].xrange.front(), 120);
}

TEST_F(GenuineProcFiles, RegionRunSvd) {
  const FacemapResult& result = *regions_;
  ASSERT_EQ(result.svd_regions.size(), 2u);
  const facemap::SvdRegion& full = result.svd_regions[0];
  EXPECT_EQ(full.roi_no, 0);
  EXPECT_FALSE(full.roi.has_value());
  EXPECT_EQ(full.motion.size(), 2450);
  ASSERT_TRUE(full.motion_svd && full.movie_svd);
  EXPECT_EQ(full.motion_svd->ly, 40);
  EXPECT_EQ(full.motion_svd->lx, 50);
  EXPECT_EQ(full.motion_svd->masks.rows(), 2000);
  EXPECT_EQ(full.motion_svd->masks.cols(), 500);
  EXPECT_EQ(full.motion_svd->projections.rows(), 2450);
  EXPECT_EQ(full.movie_svd->projections.cols(), 500);
  EXPECT_NEAR(full.motion_svd->masks.col(0).norm(), 1.0, 1e-4);
  EXPECT_FLOAT_EQ(full.motion_svd->projections(0, 0), -19.306305f);
  EXPECT_FLOAT_EQ(full.motion_svd->projections(0, 2), -27.896992f);
  // The file's motSv (390) is the motion region's; the full frame's are lost.
  EXPECT_EQ(full.motion_svd->singular_values.size(), 0);

  const facemap::SvdRegion& region = result.svd_regions[1];
  EXPECT_EQ(region.roi_no, 1);
  ASSERT_TRUE(region.roi.has_value());
  EXPECT_EQ(region.roi->type, RoiType::motion);
  EXPECT_FLOAT_EQ(region.motion(0), 352.25f);
  EXPECT_FLOAT_EQ(region.motion(2), 335.75f);
  ASSERT_TRUE(region.motion_svd && region.movie_svd);
  EXPECT_EQ(region.motion_svd->ly, 17);
  EXPECT_EQ(region.motion_svd->lx, 23);
  EXPECT_EQ(region.motion_svd->masks.rows(), 391);
  EXPECT_EQ(region.motion_svd->masks.cols(), 390);
  EXPECT_EQ(region.motion_svd->projections.rows(), 2450);
  ASSERT_EQ(region.motion_svd->singular_values.size(), 390);
  EXPECT_FLOAT_EQ(region.motion_svd->singular_values(0), 472.14386f);
  EXPECT_FLOAT_EQ(region.motion_svd->singular_values(2), 397.03937f);
  EXPECT_EQ(region.movie_svd->singular_values.size(), 390);
}

TEST_F(GenuineProcFiles, RegionRunTracesInFullFramePixels) {
  const FacemapResult& result = *regions_;
  ASSERT_EQ(result.pupils.size(), 1u);
  const facemap::PupilTrace& pupil = result.pupils[0];
  EXPECT_EQ(pupil.roi_index, 0);
  EXPECT_EQ(pupil.area.size(), 2450);
  EXPECT_EQ(pupil.area_smooth.size(), 2450);
  ASSERT_EQ(pupil.com.rows(), 2450);
  EXPECT_EQ(pupil.com_smooth.rows(), 2450);
  EXPECT_EQ(pupil.axlen.cols(), 2);
  ASSERT_EQ(pupil.axdir.cols(), 4);
  EXPECT_NEAR(pupil.axdir(0, 0), -0.00311616, 1e-8);
  EXPECT_NEAR(pupil.axdir(0, 1), -0.99999514, 1e-8);
  EXPECT_NEAR(pupil.com(0, 0), 39.50395837, 1e-8);  // 29.50395837 in the crop + row 10
  EXPECT_NEAR(pupil.com(0, 1), 56.19871773, 1e-8);  // 46.19871773 + column 10

  // Against the synthetic truth (pupil centre row, column): Facemap's own accuracy.
  const Eigen::MatrixXd truth =
      facemap::read_npy(fmtest::shared_fixture("svd/synth_face_truth.npy")).matrix<double>();
  ASSERT_EQ(truth.rows(), pupil.com.rows());
  double row_error = 0, col_error = 0;  // mean absolute errors
  for (Eigen::Index frame = 0; frame < truth.rows(); ++frame) {
    row_error += std::abs(pupil.com(frame, 0) - truth(frame, 0)) / truth.rows();
    col_error += std::abs(pupil.com(frame, 1) - truth(frame, 1)) / truth.rows();
  }
  EXPECT_LT(row_error, 0.01);
  EXPECT_LT(col_error, 0.01);

  ASSERT_EQ(result.blinks.size(), 1u);
  EXPECT_EQ(result.blinks[0].roi_index, 2);
  EXPECT_EQ(result.blinks[0].blink.size(), 2450);
  EXPECT_EQ(result.blinks[0].blink(0), 0.0);
  ASSERT_EQ(result.running.size(), 1u);
  EXPECT_EQ(result.running[0].roi_index, 3);
  EXPECT_EQ(result.running[0].dy.size(), 2450);
  EXPECT_EQ(result.running[0].dy(1), 0.0);
  EXPECT_EQ(result.running[0].dx(1), -1.0);  // Facemap's defective running, as stored
}

TEST_F(GenuineProcFiles, FullFrameRun) {
  const FacemapResult& result = *full_frame_;
  EXPECT_EQ(result.nframes, 2450);
  EXPECT_TRUE(result.rois.empty());
  EXPECT_TRUE(result.pupils.empty() && result.blinks.empty() && result.running.empty());
  ASSERT_EQ(result.svd_regions.size(), 1u);
  const facemap::SvdRegion& full = result.svd_regions[0];
  ASSERT_TRUE(full.motion_svd && full.movie_svd);
  EXPECT_EQ(full.motion_svd->masks.rows(), 2000);
  // Here the last region is the full frame, so motSv (500) is its own.
  ASSERT_EQ(full.motion_svd->singular_values.size(), 500);
  ASSERT_EQ(full.movie_svd->singular_values.size(), 500);
  EXPECT_GE(full.motion_svd->singular_values(0), full.motion_svd->singular_values(1));
  // The masks agree with the region run's (only the projections differ between the runs).
  EXPECT_EQ(full.motion_svd->masks.col(0), regions_->svd_regions[0].motion_svd->masks.col(0));
}

TEST_F(GenuineProcFiles, RoundTripKeepsFacemapsLayout) {
  const fs::path path = temporary("synth_face_proc.npy");
  write_proc_file(path, *regions_);
  expect_same_result(read_proc_file(path), *regions_);

  // Same keys in the same order, the same dtypes and shapes, as Facemap's own file; Facemap
  // itself writes avgframe / avgmotion flat (no-region run) or 2-d (region run).
  // Our two extra keys (every region's singular values) aside.
  const Dict all_ours = facemap::read_npy_object(path).as_dict();
  std::vector<std::pair<std::string, const facemap::pickle::Value*>> ours;
  for (const auto& [key, value] : all_ours.entries()) {
    if (key.as_str() != "motSv_regions" && key.as_str() != "movSv_regions")
      ours.emplace_back(key.as_str(), &value);
  }
  EXPECT_EQ(all_ours.size(), ours.size() + 2);
  const Dict facemaps =
      facemap::read_npy_object(fmtest::shared_fixture("svd/synth_face_rois_proc.npy")).as_dict();
  ASSERT_EQ(ours.size(), facemaps.size());
  for (std::size_t i = 0; i < facemaps.size(); ++i) {
    const std::string key = facemaps.entries()[i].first.as_str();
    EXPECT_EQ(ours[i].first, key);
    if (key == "avgframe" || key == "avgmotion") continue;
    EXPECT_EQ(layout(*ours[i].second), layout(facemaps.entries()[i].second)) << key;
  }
  fs::remove(path);
}

TEST(ProcFile, RoundTripOfEveryKindOfRegion) {
  const FacemapResult original = small_result();
  const fs::path path = temporary("small_proc.npy");
  write_proc_file(path, original);
  // Every region keeps its singular values (motSv_regions), unlike in Facemap's layout.
  expect_same_result(read_proc_file(path), original);

  // In the file, pupil centres are crop-relative and reflectors are boxes.
  const Dict proc = facemap::read_npy_object(path).as_dict();
  const Dict& pupil = proc.at("pupil").as_list()[0].as_dict();
  const double crop_row = pupil.at("com").as_ndarray().values<double>()[0];
  EXPECT_DOUBLE_EQ(crop_row, original.pupils[0].com(0, 0) - 2);
  const Dict& reflector =
      proc.at("rois").as_list()[0].as_dict().at("reflector").as_list()[0].as_dict();
  EXPECT_EQ(reflector.at("yrange").as_ndarray().values<std::int32_t>(),
            (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ(reflector.at("xrange").as_ndarray().values<std::int32_t>(),
            (std::vector<std::int32_t>{2, 3}));
  EXPECT_EQ(proc.at("LYbin"), Value::integer(6));
  EXPECT_EQ(proc.at("filenames").as_list()[1], Value::list({Value::str("cam0_b.avi")}));
  fs::remove(path);
}

TEST(ProcFile, FullFrameOnlyResultWithoutRegions) {
  FacemapResult result = small_result();
  result.rois.clear();
  result.pupils.clear();
  result.blinks.clear();
  result.running.clear();
  result.svd_regions.resize(1);
  result.full_svd = true;
  const fs::path path = temporary("noroi_proc.npy");
  write_proc_file(path, result);
  const FacemapResult back = read_proc_file(path);
  expect_same_result(back, result);
  EXPECT_TRUE(facemap::read_npy_object(path).as_dict().at("rois").is_none());
  fs::remove(path);
}

TEST(ProcFile, ErrorsNameTheFileAndKey) {
  const fs::path path = temporary("bad_proc.npy");
  facemap::write_npy_object(path, Value::integer(3));
  EXPECT_EQ(error_of([&] { read_proc_file(path); }),
            path.string() + ": holds a int, not Facemap's dict");

  Dict proc;
  proc.set("filenames", Value::list());
  facemap::write_npy_object(path, Value::dict(proc));
  EXPECT_EQ(error_of([&] { read_proc_file(path); }), path.string() + ": key 'Ly' missing");

  proc.set("Ly", Value::str("160"));
  facemap::write_npy_object(path, Value::dict(proc));
  EXPECT_EQ(error_of([&] { read_proc_file(path); }),
            path.string() + ": key 'Ly': expected list or tuple, got str");

  FacemapResult two_views = small_result();
  two_views.ly = {12, 12};
  two_views.lx = {16, 16};
  EXPECT_EQ(error_of([&] { write_proc_file(path, two_views); }),
            path.string() + ": only single-view results can be written, this one has 2 views");
  FacemapResult misplaced = small_result();
  misplaced.blinks[0].roi_index = 0;
  EXPECT_EQ(error_of([&] { write_proc_file(path, misplaced); }),
            path.string() + ": a 'blink' trace has roi_index 0, which is not a region of its kind");
  FacemapResult wrong_shape = small_result();
  wrong_shape.svd_regions[1].motion_svd->ly = 3;
  EXPECT_NE(error_of([&] { write_proc_file(path, wrong_shape); }).find(path.string() + ": "),
            std::string::npos);
  fs::remove(path);
}
