// fmpipe device add: a camera or other acquisition device in lab.Device, for manifests to name.

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/ingest.hpp"

namespace fmpipe::cli {

void add_device_command(CLI::App& app) {
  auto device = std::make_shared<pipeline::Device>();
  auto* devices = app.add_subcommand("device", "Acquisition devices (lab.Device)");
  devices->require_subcommand(1);
  auto* add = devices->add_subcommand(
      "add", "Add a device that manifests name in their device column (kept when it exists)");
  add->add_option("name", device->device, "The device's name, as manifests write it")->required();
  add->add_option("--modality", device->modality, "What it records, e.g. video")->required();
  add->add_option("--description", device->description, "e.g. 'face camera (infrared)'");
  add->callback([device] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    const bool added = pipeline::add_device(pipe, *device);
    std::cout << (added ? "added device " : "device exists: ") << device->device << " ("
              << device->modality << ")\n";
  });
}

}  // namespace fmpipe::cli
