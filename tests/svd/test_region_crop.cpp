// Where a region lies in its view: the rectangle from its ranges, its ellipse, and errors that
// name the region for ranges and masks that do not fit.

#include <string>

#include <gtest/gtest.h>

#include "facemap/roi/region_crop.hpp"

using namespace facemap;

namespace {

Roi blink_region(int top, int rows, int left, int cols) {
  Roi roi = rectangle_region(RoiType::blink, top, left, rows, cols);
  roi.name = "left eye";
  return roi;
}

// The message of the std::invalid_argument that `work` throws, or "no error".
template <class Work>
std::string error_of(Work work) {
  try {
    work();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST(RegionCrop, RectangleAndEllipse) {
  Roi roi = blink_region(10, 40, 110, 80);
  EXPECT_EQ(roi.type, RoiType::blink);
  EXPECT_EQ(roi.yrange.size(), 40u);
  EXPECT_EQ(roi.yrange.front(), 10);
  EXPECT_EQ(roi.yrange.back(), 49);
  EXPECT_EQ(roi.xrange.front(), 110);
  EXPECT_EQ(roi.xrange.back(), 189);
  const RegionCrop crop(roi, {160, 200});
  EXPECT_EQ(crop.top(), 10);
  EXPECT_EQ(crop.left(), 110);
  EXPECT_EQ(crop.rows(), 40);
  EXPECT_EQ(crop.cols(), 80);
  EXPECT_EQ(crop.label(), "blink region 'left eye'");
  EXPECT_TRUE((crop.ellipse(roi) == inscribed_ellipse(40, 80)).all());
  roi.ellipse = RoiMask::Constant(40, 80, true);
  EXPECT_EQ(crop.ellipse(roi).count(), 40 * 80);
  roi.name.clear();
  EXPECT_EQ(region_label(roi), "blink region");
}

TEST(RegionCrop, ErrorsNameTheRegionAndTheReason) {
  const Roi roi = blink_region(130, 40, 110, 80);
  EXPECT_EQ(error_of([&] {
              RegionCrop(roi, {160, 200});
            }),
            "blink region 'left eye' (rows 130..169, columns 110..189) lies outside its view of "
            "160 x 200 pixels");
  Roi empty = roi;
  empty.yrange.clear();
  EXPECT_EQ(error_of([&] {
              RegionCrop(empty, {160, 200});
            }),
            "blink region 'left eye' has an empty yrange");
  const RegionCrop crop(blink_region(10, 40, 110, 80), {160, 200});
  EXPECT_EQ(error_of([&] { crop.check_mask(RoiMask(40, 81), "reflector 2"); }),
            "blink region 'left eye': reflector 2 is 40 x 81, the region 40 x 80");
  EXPECT_EQ(error_of([&] { crop.check_frame(GrayFrame(160, 199)); }),
            "blink region 'left eye': expected a frame of 160 x 200 pixels, got 160 x 199");
  EXPECT_EQ(error_of([&] { crop.check_frame(GrayFrame(160, 200)); }), "no error");
}
