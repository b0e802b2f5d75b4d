#pragma once
// FacemapTask.facemap_params: the analysis parameters as a DataJoint blob dict, in Facemap's
// own vocabulary so that Python users read it naturally:
//   {"sbin": 4, "fullSVD": True, "ncomp": 500,
//    "rois": [{"rind": 0, "rtype": "Pupil", "name": "eye", "ivid": 0,
//              "yrange": array, "xrange": array, "saturation": 100.0, "pupil_sigma": 2.0,
//              "ellipse": bool array (optional), "reflectors": [bool array, ...] (optional)}, ...]}
// rind codes: 0 pupil, 1 motion SVD, 2 blink, 3 running, 4 keypoint bounding box.

#include "dj/blob_value.hpp"
#include "facemap/svd.hpp"

namespace pipeline {

/// The blob dict for `params` (the motion/movie switches live in their own columns).
dj::BlobValue to_facemap_params(const facemap::SvdParams& params);

/// SvdParams from a stored dict and the task's do_mot_svd / do_mov_svd. Missing keys take
/// Facemap's defaults (sbin 4, fullSVD true, no regions). Throws std::invalid_argument naming the
/// key and the reason for anything malformed.
facemap::SvdParams from_facemap_params(const dj::BlobValue& params, bool motion_svd,
                                       bool movie_svd);

/// A rectangular region [y0, y1) x [x0, x1) in full-resolution pixels of view 0.
facemap::Roi rectangle_roi(facemap::RoiType type, int y0, int y1, int x0, int x1,
                           double saturation = 0);

}  // namespace pipeline
