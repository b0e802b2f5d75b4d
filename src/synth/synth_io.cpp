#include <opencv2/videoio.hpp>

#include "facemap/io/npy.hpp"
#include "synth_model.hpp"

namespace facemap {
namespace {

// Scalar columns before the keypoints' (x, y) pairs.
const std::vector<std::string> kScalarColumns = {
    "pupil_row",   "pupil_col", "pupil_radius_rows", "pupil_radius_cols", "pupil_area",
    "lid_closure", "wheel_dy",  "wheel_dx",          "whisker_angle"};
constexpr int kFirstKeypointColumn = 9;
constexpr int kTruthColumns = kFirstKeypointColumn + 2 * 15;

Eigen::MatrixXd truth_table(const SynthTruth& truth) {
  Eigen::MatrixXd table(truth.nframes(), kTruthColumns);
  table << truth.pupil_centre, truth.pupil_radii, truth.pupil_area, truth.lid_closure,
      truth.wheel_shift, truth.whisker_angle, Eigen::MatrixXd::Zero(truth.nframes(), 30);
  for (int k = 0; k < 15; ++k) {
    table.col(kFirstKeypointColumn + 2 * k) = truth.keypoint_x.col(k);
    table.col(kFirstKeypointColumn + 2 * k + 1) = truth.keypoint_y.col(k);
  }
  return table;
}

SynthTruth truth_from_table(const Eigen::MatrixXd& table) {
  SynthTruth truth;
  truth.pupil_centre = table.leftCols(2);
  truth.pupil_radii = table.middleCols(2, 2);
  truth.pupil_area = table.col(4);
  truth.lid_closure = table.col(5);
  truth.wheel_shift = table.middleCols(6, 2);
  truth.whisker_angle = table.col(8);
  truth.keypoint_x.resize(table.rows(), 15);
  truth.keypoint_y.resize(table.rows(), 15);
  for (int k = 0; k < 15; ++k) {
    truth.keypoint_x.col(k) = table.col(kFirstKeypointColumn + 2 * k);
    truth.keypoint_y.col(k) = table.col(kFirstKeypointColumn + 2 * k + 1);
  }
  return truth;
}

}  // namespace

std::vector<std::string> synth_truth_columns() {
  std::vector<std::string> columns = kScalarColumns;
  for (const char* name : kFaceKeypointNames) {
    columns.push_back(std::string(name) + "_x");
    columns.push_back(std::string(name) + "_y");
  }
  return columns;
}

void write_synth_truth(const std::filesystem::path& path, const SynthTruth& truth) {
  write_npy(path, RowMajorArray::from_eigen(truth_table(truth)));
}

SynthTruth read_synth_truth(const std::filesystem::path& path) {
  const RowMajorArray array = read_npy(path);
  if (array.ndim() != 2 || array.shape()[1] != kTruthColumns) {
    throw NpyError(path.string() + ": a synthetic-face truth file has (nframes, " +
                   std::to_string(kTruthColumns) + ") values, this one " + array.describe());
  }
  return truth_from_table(array.matrix<double>());
}

SynthTruth write_synthetic_video(const SyntheticFace& face, const std::filesystem::path& video,
                                 const std::filesystem::path& truth_file,
                                 const SynthProgress& progress) {
  const SynthParams& params = face.params();
  cv::VideoWriter writer(video.string(), cv::CAP_FFMPEG,
                         cv::VideoWriter::fourcc('F', 'F', 'V', '1'), params.fps,
                         cv::Size(params.width, params.height), /*isColor=*/false);
  if (!writer.isOpened()) {
    throw VideoError(video, -1, "cannot be opened for writing as an FFV1 video");
  }
  // Report about a hundred times over the video, and at its end.
  const int report_every = std::max(1, params.nframes / 100);
  for (int t = 0; t < params.nframes; ++t) {
    const GrayFrame frame = face.frame(t);
    writer.write(
        cv::Mat(params.height, params.width, CV_8U, const_cast<std::uint8_t*>(frame.data())));
    if (progress && ((t + 1) % report_every == 0 || t + 1 == params.nframes))
      progress(t + 1, params.nframes);
  }
  writer.release();
  SynthTruth truth = face.all_truth();
  write_synth_truth(truth_file, truth);
  return truth;
}

}  // namespace facemap
