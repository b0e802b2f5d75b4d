#pragma once
// Facemap's result file `<first video stem>_proc.npy` (np.save of a dict), read into and written
// from FacemapResult, so that results made by Facemap can be imported and ours opened in
// Facemap's GUI.
//
// How the file's layout maps onto FacemapResult:
//  - `filenames` is a list over sequential files of lists over views; we keep the first view's
//    names and write one view.
//  - `motion`, `motSVD`, `movSVD`, `motMask_reshape`, `movMask_reshape` hold the full frame at
//    index 0 (an empty placeholder when `fullSVD` is false) and then one entry per motion-SVD
//    region, in the order of `rois`; SvdRegion::roi_no is that index. Masks (ly, lx, ncomp)
//    become (ly * lx) x ncomp matrices (row-major pixel order, as Facemap flattens them).
//  - Facemap keeps one `motSv` / `movSv`, the last region's (a defect). We also write every
//    region's own as `motSv_regions` / `movSv_regions` (Facemap ignores them) and read those
//    when present. Otherwise reading gives the single ones to
//    the last region when their count matches its number of components and leaves every other
//    region's singular values empty; writing stores the last region's.
//  - Pupil `com` and `com_smooth` are relative to the pupil region's crop in Facemap's file
//    (the fixtures' centres differ from the synthetic truth by exactly the region's first row
//    and column); FacemapResult holds full-frame pixels, so reading adds (yrange[0], xrange[0])
//    and writing subtracts it. `axdir` (T, 2, 2) is held as T x 4, row-major.
//  - `pupil`, `blink` and `running` follow the order of their regions in `rois`; `running` is
//    (T, 2) with columns dy, dx.
//  - A region's `rtype` is Roi::name; `ellipse` is read as stored and written as stored or, when
//    Roi::ellipse is empty, as inscribed_ellipse(); reflectors (`reflector`: crop-relative
//    yrange, xrange and an ellipse inside that box) become crop-sized masks and back.
//    `yrange_bin` / `xrange_bin` exist in Facemap's file for motion-SVD regions only.

#include <filesystem>
#include <stdexcept>

#include "facemap/results.hpp"

namespace facemap {

/// A proc file that cannot be read or written; the message names the file, the key and why.
class ProcFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads a `_proc.npy` file written by Facemap (or by write_proc_file). Throws ProcFileError
/// naming the file and key for missing keys or values of the wrong type or shape; .npy and
/// pickle errors come as NpyError / pickle::PickleError naming the file.
FacemapResult read_proc_file(const std::filesystem::path& path);

/// Writes `result` in Facemap's layout, with the keys, dtypes and shapes Facemap's own file has,
/// so that Facemap's GUI and np.load(path, allow_pickle=True).item() can read it. Only
/// single-view results can be written (Facemap's multi-view tiling is not reproduced): a result
/// with several views throws ProcFileError, as does a trace whose roi_index is not a region of
/// its kind. The file is replaced only once the new one is complete (facemap/io/partial_file.hpp).
void write_proc_file(const std::filesystem::path& path, const FacemapResult& result);

}  // namespace facemap
