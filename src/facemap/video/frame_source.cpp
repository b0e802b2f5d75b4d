#include <stdexcept>
#include <string>

#include "facemap/video/video.hpp"

namespace facemap {

void FrameSource::read(int first, int count, const BatchConsumer& consume, int batch_size) const {
  if (first < 0 || count < 1 || first + count > nframes()) {
    throw std::out_of_range("frames " + std::to_string(first) + ".." +
                            std::to_string(first + count - 1) + " are outside the recording (" +
                            std::to_string(nframes()) + " frames)");
  }
  if (batch_size < 1) throw std::invalid_argument("batch size must be at least 1");
  read_checked(first, count, consume, batch_size);
}

}  // namespace facemap
