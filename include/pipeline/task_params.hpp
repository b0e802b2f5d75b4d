#pragma once
// FacemapTask.facemap_params: the analysis settings as a DataJoint blob dict in Facemap's own
// form, exactly as Facemap's GUI saves them in a `_proc.npy` and as element-facemap stores
// them, so that a dict inserted from Python, a GUI file and our own tasks read alike:
//   {"sbin": 4, "fullSVD": True, "ncomp": 500,
//    "rois": [{"rind": 0, "rtype": "Pupil", "iROI": 0, "ivid": 0, "color": (255, 0, 0),
//              "yrange": int32 array, "xrange": int32 array (inclusive), "saturation": 58.65,
//              "pupil_sigma": 2.0, "ellipse": bool array,
//              "reflector": [{"yrange", "xrange", "ellipse"} relative to the region]}, ...]}
// Every key's meaning is Facemap's (facemap/io/proc_settings.hpp lists them); `ncomp` is ours.
// The motion / movie switches live in their own columns (do_mot_svd, do_mov_svd).

#include <optional>
#include <string>
#include <vector>

#include "dj/blob_value.hpp"
#include "facemap/io/proc_settings.hpp"
#include "facemap/svd/svd.hpp"

namespace pipeline {

/// What a task's facemap_params ask for.
struct TaskSettings {
  facemap::SvdParams params;
  /// The videos the regions were drawn on, when the dict names them (a GUI file does).
  std::vector<std::string> filenames;
  /// Keys given but not used, each naming the key and why.
  std::vector<std::string> warnings;
};

/// The blob dict for `params`, in Facemap's form.
dj::BlobValue to_facemap_params(const facemap::SvdParams& params);

/// The settings of a stored dict and the task's do_mot_svd / do_mov_svd. Missing keys take
/// Facemap's defaults (sbin 4, fullSVD true, no regions). Throws std::invalid_argument
/// "facemap_params: <key>: <reason>" for a value that cannot be honoured.
TaskSettings read_facemap_params(const dj::BlobValue& params, bool motion_svd, bool movie_svd);

/// The SvdParams of read_facemap_params(), for callers that need no warnings.
facemap::SvdParams from_facemap_params(const dj::BlobValue& params, bool motion_svd,
                                       bool movie_svd);

/// The SvdParams of Facemap's settings (a GUI file's regions, facemap::read_proc_settings).
facemap::SvdParams svd_params(const facemap::ProcSettings& settings, bool motion_svd,
                              bool movie_svd);

/// Stored params in the form earlier versions wrote (regions with `reflectors`, crop-sized
/// masks, and `name`) rewritten in Facemap's form (`reflector`, `rtype`); nullopt when the
/// dict has none of the old keys.
std::optional<dj::BlobValue> migrate_facemap_params(const dj::BlobValue& stored);

/// A rectangular region [y0, y1) x [x0, x1) in full-resolution pixels of view 0.
facemap::Roi rectangle_roi(facemap::RoiType type, int y0, int y1, int x0, int x1,
                           double saturation = 0);

}  // namespace pipeline
