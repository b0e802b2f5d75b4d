// fmpipe status: per auto-populated table, how many keys are done, pending, reserved, failed.

#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "dj/populate.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/pipeline.hpp"

namespace fmpipe::cli {

std::vector<std::string> auto_populated_tables(const pipeline::Pipeline& pipe) {
  std::vector<std::string> names;
  for (const auto& name : pipe.table_names()) {
    const auto tier = pipe.table(name).tier();
    if (tier == dj::Tier::imported || tier == dj::Tier::computed) names.push_back(name);
  }
  return names;
}

void add_status_command(CLI::App& app) {
  auto* status = app.add_subcommand(
      "status", "Show per table: keys done, pending, reserved, errors, done with warnings");
  status->callback([] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    std::printf("%-48s %8s %8s %8s %8s %8s %8s %8s\n", "table", "total", "done", "to do",
                "reserved", "errors", "ignored", "warned");
    for (const auto& name : auto_populated_tables(pipe)) {
      dj::AutoPopulate table(pipe.table(name));
      const auto p = table.progress();
      std::printf("%-48s %8lld %8lld %8lld %8lld %8lld %8lld %8lld\n", name.c_str(), p.total,
                  p.done, p.total - p.done - p.errors - p.ignored, p.reserved, p.errors, p.ignored,
                  p.warned);
    }
  });
}

}  // namespace fmpipe::cli
