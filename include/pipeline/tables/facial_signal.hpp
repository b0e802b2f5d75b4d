#pragma once
// facial_behavior_estimation.FacialSignal and its parts (Summary, Region, MotionSVD, MovieSVD,
// Pupil, Blink, Running): the results of a FacemapProcessing task, imported from its
// <first video stem>_proc.npy (written by our engine in trigger mode, by Facemap in load mode).
//
// The definition is schemas/facial_behavior_estimation.dj; this file holds its make() and the
// one mapping between the parts' columns and facemap::FacemapResult, used both to insert and
// to read back (what lab programs analyse in C++ and `fmpipe export` writes as Facemap's files).

#include <filesystem>
#include <optional>
#include <vector>

#include "facemap/results.hpp"
#include "pipeline/tables/table_computation.hpp"
#include "pipeline/task_settings.hpp"

namespace pipeline {

/// What FacialSignal's import reads: the task's result file and what shows whose it is.
struct FacialSignalInputs {
  dj::Row processing;                        ///< the FacemapProcessing row
  dj::Row recording;                         ///< the VideoRecording key, for messages
  std::vector<std::filesystem::path> files;  ///< the recording's videos, in time order
  std::filesystem::path proc_file;           ///< the task's _proc.npy
  std::optional<int> nframes;                ///< RecordingInfo's frame count, once read
  bool operator==(const FacialSignalInputs&) const = default;
};

/// FacialSignal's make(): reads the _proc.npy, checks that it is the result of the key's
/// recording (frame count and file names), warns about pupil fits that failed often, and
/// inserts the master row with every part.
class FacialSignal
    : public TableComputation<FacialSignal, FacialSignalInputs, facemap::FacemapResult> {
 public:
  FacialSignal(Pipeline& pipe, DataRoots roots);

  FacialSignalInputs fetch(const dj::Row& key);
  static facemap::FacemapResult compute(const FacialSignalInputs& inputs);
  void insert(const dj::Row& key, const facemap::FacemapResult& result, dj::MakeInserter& out);
};

/// The SVD analysis of one FacialSignal key (a FacemapTask key), rebuilt from its tables:
/// regions (in roi_no order, so in the task's order), masks, singular values, projections,
/// motion energy, pupil, blink and running. Throws when the key has no FacialSignal row.
/// (Rows stored before regions were numbered in the task's order have their SVD regions first:
/// their rois come back in that order.)
facemap::FacemapResult fetch_facial_signal(const Pipeline& pipe, const dj::Row& task_key);

/// The number of an SVD region in FacialSignal (roi_no), the report and its figure files: 0 for
/// the full frame, else region_number() of its region's index in `result.rois` (the region's
/// SvdRegion::roi_no is Facemap's, which counts motion regions only).
int region_number(const facemap::FacemapResult& result, const facemap::SvdRegion& region);

}  // namespace pipeline
