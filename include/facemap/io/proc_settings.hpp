#pragma once
// Facemap's processing settings as its GUI saves them: the dict of a `_proc.npy` (with or
// without results), whose `rois` entries are region dicts. They are read here with Facemap's
// meaning and written in Facemap's form, for every caller: the _proc.npy reader and writer
// (facemap/io/proc_file.hpp) and the pipeline's FacemapTask.facemap_params, so that there is one
// convention, Facemap's.
//
// A region dict's keys, as Facemap's GUI writes them:
//   rind         the type code (0 pupil, 1 motion SVD, 2 blink, 3 running, 4 keypoint box)
//   rtype        its label ("Pupil", "motion SVD", ...); Roi::name
//   iROI, color  the GUI's index and display colour (no effect on the analysis, as in Facemap)
//   ivid         the view (camera) the region is in
//   yrange, xrange  full-resolution row and column indices, consecutive, INCLUSIVE of both ends
//   ellipse      bool (len(yrange), len(xrange)), the inscribed ellipse (pupil and blink use it)
//   saturation   the intensity threshold, 0-255 (the GUI's slider value / 100 * 255)
//   pupil_sigma  the pupil fit's sigma
//   reflector    pupil: a list of {yrange, xrange, ellipse} relative to the region's crop
//   yrange_bin, xrange_bin  motion SVD, written by processing: the region in binned pixels
// The top-level keys: sbin, fullSVD, rois, filenames (the videos the regions were drawn on),
// sy / sx (where the GUI tiles several views), save_mat, savepath / save_path, and, once
// processed, the results (Ly, Lx, avgframe_reshape, motion, motSVD, pupil, ...). One key is
// ours: `ncomp`, the number of components to keep (Facemap keeps up to 500).
//
// Nothing is dropped in silence: a value that cannot be honoured throws
// std::invalid_argument naming the key and the reason; a key that is present but not used
// (an unknown key, save_mat set, a reflector on a blink region, ...) becomes a warning.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "facemap/io/pickle_value.hpp"
#include "facemap/results.hpp"

namespace facemap {

/// Messages about given keys that are not used, each naming the key and why.
using SettingsWarnings = std::vector<std::string>;

/// What a Facemap proc dict asks the analysis to do.
struct ProcSettings {
  int sbin = 4;                        ///< Facemap's default
  bool full_svd = true;                ///< fullSVD
  std::optional<int> components;       ///< ncomp (ours); absent: the analysis' default
  std::vector<Roi> rois;               ///< every region, in the order given
  std::vector<std::string> filenames;  ///< the first view's video names, when given
  bool has_results = false;            ///< the dict holds Facemap's results too
  SettingsWarnings warnings;           ///< keys given but not used
};

/// The `rtype` Facemap's GUI gives a region of `type`: "Pupil", "motion SVD", "Blink",
/// "Running", "Keypoints".
const char* rtype_label(RoiType type);

/// Reads one region dict. `where` prefixes messages ("rois[2]"). Throws std::invalid_argument
/// "<where>.<key>: <reason>" for a missing or malformed key; adds the keys not used to
/// `warnings`. For a pupil or blink region the saturation is required (0 < s <= 255): without
/// it every pixel is brighter than the threshold and every frame would fail.
Roi read_roi_dict(const pickle::Dict& fields, const std::string& where, SettingsWarnings& warnings);

/// `roi` as Facemap's region dict; `index` is its iROI.
pickle::Value roi_dict(const Roi& roi, std::size_t index);

/// Reads the settings of a proc dict. Throws std::invalid_argument naming the key.
ProcSettings read_proc_settings(const pickle::Dict& proc);
/// Reads the settings of a `_proc.npy`; errors name the file (ProcFileError, NpyError).
ProcSettings read_proc_settings(const std::filesystem::path& file);

/// The settings as Facemap's dict: sbin, fullSVD, ncomp (when set) and rois.
pickle::Value settings_dict(const ProcSettings& settings);

}  // namespace facemap
