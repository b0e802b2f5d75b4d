#pragma once
// The computations of schema facial_behavior_estimation (see computations.hpp).

#include "dj/populate.hpp"
#include "pipeline/computations.hpp"

namespace pipeline {

/// RecordingInfo: size, exact frame count, fps, duration and creation time of a recording.
class RecordingInfoMaker : public dj::AutoPopulate {
 public:
  RecordingInfoMaker(Pipeline& pipe, DataRoots roots);
  bool three_phase() const override { return true; }
  std::vector<dj::Row> make_fetch(const dj::Row& key) override;
  std::any make_compute(const dj::Row& key, const std::vector<dj::Row>& inputs) override;
  void make_insert(const dj::Row& key, const std::any& computed, dj::MakeInserter& out) override;

 private:
  Pipeline& pipe_;
  DataRoots roots_;
};

/// FacemapProcessing: trigger mode runs the SVD engine and writes <stem>_proc.npy; load mode
/// checks that Facemap wrote one.
class FacemapProcessingMaker : public dj::AutoPopulate {
 public:
  FacemapProcessingMaker(Pipeline& pipe, DataRoots roots);
  bool three_phase() const override { return true; }
  std::vector<dj::Row> make_fetch(const dj::Row& key) override;
  std::any make_compute(const dj::Row& key, const std::vector<dj::Row>& inputs) override;
  void make_insert(const dj::Row& key, const std::any& computed, dj::MakeInserter& out) override;

 private:
  Pipeline& pipe_;
  DataRoots roots_;
};

/// FacialSignal and its parts, from the task's <stem>_proc.npy.
class FacialSignalMaker : public dj::AutoPopulate {
 public:
  FacialSignalMaker(Pipeline& pipe, DataRoots roots);
  bool three_phase() const override { return true; }
  std::vector<dj::Row> make_fetch(const dj::Row& key) override;
  std::any make_compute(const dj::Row& key, const std::vector<dj::Row>& inputs) override;
  void make_insert(const dj::Row& key, const std::any& computed, dj::MakeInserter& out) override;

 private:
  Pipeline& pipe_;
  DataRoots roots_;
};

}  // namespace pipeline
