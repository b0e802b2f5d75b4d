#include <stdexcept>
#include <string>

#include "facemap/roi/roi.hpp"

namespace facemap {
namespace {

// One analysed region: where its frames come from, its analysis, and its values so far.
template <class Analysis, class Value>
struct Channel {
  int roi_index;
  int view;
  Analysis analysis;
  std::vector<Value> values;
};

int checked_view(const Roi& roi, const std::vector<FrameSize>& views) {
  if (roi.view < 0 || roi.view >= static_cast<int>(views.size())) {
    throw std::invalid_argument(region_label(roi) + " is in view " + std::to_string(roi.view) +
                                ", but the recording has " + std::to_string(views.size()) +
                                " view(s)");
  }
  return roi.view;
}

}  // namespace

struct RoiAnalyzer::State {
  std::vector<Channel<PupilFitter, PupilFit>> pupils;
  std::vector<Channel<BlinkMeter, double>> blinks;
  std::vector<Channel<RunningTracker, FrameShift>> running;
  int frames = 0;
  bool finished = false;
};

RoiAnalyzer::RoiAnalyzer(const std::vector<Roi>& rois, const std::vector<FrameSize>& views)
    : state_(std::make_unique<State>()) {
  for (std::size_t i = 0; i < rois.size(); ++i) {
    const Roi& roi = rois[i];
    const int index = static_cast<int>(i);
    switch (roi.type) {
      case RoiType::pupil: {
        const int view = checked_view(roi, views);
        state_->pupils.push_back({index, view, PupilFitter(roi, views[view]), {}});
        break;
      }
      case RoiType::blink: {
        const int view = checked_view(roi, views);
        state_->blinks.push_back({index, view, BlinkMeter(roi, views[view]), {}});
        break;
      }
      case RoiType::running: {
        const int view = checked_view(roi, views);
        state_->running.push_back({index, view, RunningTracker(roi, views[view]), {}});
        break;
      }
      case RoiType::motion:
      case RoiType::keypoint_box:
        break;  // analysed by the SVD and the pose engine
    }
  }
}

RoiAnalyzer::~RoiAnalyzer() = default;
RoiAnalyzer::RoiAnalyzer(RoiAnalyzer&&) noexcept = default;
RoiAnalyzer& RoiAnalyzer::operator=(RoiAnalyzer&&) noexcept = default;

bool RoiAnalyzer::has_regions() const {
  return !state_->pupils.empty() || !state_->blinks.empty() || !state_->running.empty();
}

int RoiAnalyzer::frames() const {
  return state_->frames;
}

void RoiAnalyzer::add(const FrameBatch& batch) {
  State& state = *state_;
  if (state.finished) throw std::logic_error("RoiAnalyzer::add after finish()");
  if (batch.first_frame != state.frames) {
    throw std::invalid_argument("region analysis expected frame " + std::to_string(state.frames) +
                                " next, got a batch starting at frame " +
                                std::to_string(batch.first_frame));
  }
  const auto frame_of = [&](int view, int i) -> const GrayFrame& {
    if (view >= static_cast<int>(batch.views.size())) {
      throw std::invalid_argument("region analysis: the batch at frame " +
                                  std::to_string(batch.first_frame) + " lacks view " +
                                  std::to_string(view));
    }
    return batch.views[view][i];
  };
  for (int i = 0; i < batch.size(); ++i) {
    for (auto& pupil : state.pupils)
      pupil.values.push_back(pupil.analysis.fit(frame_of(pupil.view, i)));
    for (auto& blink : state.blinks)
      blink.values.push_back(blink.analysis.measure(frame_of(blink.view, i)));
    for (auto& running : state.running)
      running.values.push_back(running.analysis.add(frame_of(running.view, i)));
  }
  state.frames += batch.size();
}

RoiTraces RoiAnalyzer::finish() {
  State& state = *state_;
  if (state.finished) throw std::logic_error("RoiAnalyzer::finish called twice");
  state.finished = true;
  const Eigen::Index n = state.frames;
  RoiTraces traces;
  for (const auto& pupil : state.pupils) {
    PupilTrace trace;
    trace.roi_index = pupil.roi_index;
    trace.area.resize(n);
    trace.com.resize(n, 2);
    trace.axlen.resize(n, 2);
    trace.axdir.resize(n, 4);
    for (Eigen::Index t = 0; t < n; ++t) {
      const PupilFit& fit = pupil.values[t];
      trace.area(t) = fit.area;
      trace.com.row(t) = fit.com.transpose();
      trace.axlen.row(t) = fit.axlen.transpose();
      trace.axdir.row(t) << fit.axdir(0, 0), fit.axdir(0, 1), fit.axdir(1, 0), fit.axdir(1, 1);
    }
    trace.area_smooth = smooth_pupil_trace(trace.area);
    trace.com_smooth.resize(n, 2);
    for (int axis = 0; axis < 2; ++axis)
      trace.com_smooth.col(axis) = smooth_pupil_trace(trace.com.col(axis));
    traces.pupils.push_back(std::move(trace));
  }
  for (const auto& blink : state.blinks) {
    traces.blinks.push_back(
        {blink.roi_index, Eigen::Map<const Eigen::VectorXd>(blink.values.data(), n)});
  }
  for (const auto& running : state.running) {
    RunningTrace trace;
    trace.roi_index = running.roi_index;
    trace.dy.resize(n);
    trace.dx.resize(n);
    for (Eigen::Index t = 0; t < n; ++t) {
      trace.dy(t) = running.values[t].dy;
      trace.dx(t) = running.values[t].dx;
    }
    traces.running.push_back(std::move(trace));
  }
  return traces;
}

RoiTraces analyze_rois(const FrameSource& source, const std::vector<Roi>& rois,
                       const RoiProgress& progress) {
  RoiAnalyzer analyzer(rois, source.view_sizes());
  const int total = source.nframes();
  source.for_each_batch([&](const FrameBatch& batch) {
    analyzer.add(batch);
    if (progress) progress(analyzer.frames(), total);
  });
  return analyzer.finish();
}

}  // namespace facemap
