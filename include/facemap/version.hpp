#pragma once
// The engines' version, recorded with every result they produce
// (FacemapProcessing.package_version).

#include <string>

namespace facemap {

/// The version number, e.g. "0.1.0" (fits the 16 characters the table gives it).
std::string version();

}  // namespace facemap
