// fmpipe db start|stop|status|url: the embedded PostgreSQL server.

#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "dj/embedded_server.hpp"
#include "dj/settings.hpp"
#include "pipeline/config_locations.hpp"

namespace fmpipe::cli {
namespace {

struct DbOptions {
  std::string data_dir;
  bool throwaway = false;
  bool fresh = false;
  bool remove = false;
};

dj::EmbeddedServer make_server(const DbOptions& options) {
  dj::EmbeddedServerOptions server_options =
      dj::embedded_server_options(pipeline::config_locations(), options.data_dir);
  server_options.throwaway = options.throwaway;
  return dj::EmbeddedServer(server_options);
}

}  // namespace

void add_db_commands(CLI::App& app) {
  auto options = std::make_shared<DbOptions>();
  auto* db = app.add_subcommand("db", "Manage the embedded PostgreSQL server");
  db->require_subcommand(1);
  const auto add_data_dir = [options](CLI::App* command) {
    command->add_option("--data-dir", options->data_dir,
                        "Data folder (default: $FMPIPE_DATA_DIR, the config file's "
                        "embedded_data_dir, or ~/.local/share/facemap-pipeline/db)");
    return command;
  };

  auto* start = add_data_dir(
      db->add_subcommand("start", "Create the cluster if needed and start the server"));
  start->add_flag("--throwaway", options->throwaway, "No fsync: for test servers only");
  start->add_flag("--fresh", options->fresh, "Delete an existing cluster in the folder first");
  start->callback([options] {
    auto server = make_server(*options);
    if (options->fresh) server.remove();
    std::cout << server.start() << "\n";
  });

  auto* stop = add_data_dir(db->add_subcommand("stop", "Stop the server"));
  stop->add_flag("--remove", options->remove, "Delete the data folder after stopping");
  stop->callback([options] {
    auto server = make_server(*options);
    if (options->remove) {
      server.remove();
    } else {
      server.stop();
    }
  });

  add_data_dir(db->add_subcommand("status", "Say whether the cluster exists and runs"))
      ->callback([options] {
        auto server = make_server(*options);
        const auto status = server.status();
        std::cout << "data folder: " << server.data_dir().string() << "\n"
                  << "initialized: " << (status.initialized ? "yes" : "no") << "\n"
                  << "running:     " << (status.running ? "yes" : "no") << "\n"
                  << "url:         " << status.url << "\n";
        const auto target = dj::locate_database(pipeline::config_locations(), false);
        std::cout << "in use:      " << dj::describe(target) << "\n";
      });

  add_data_dir(db->add_subcommand("url",
                                  "Print the connection string of the database in use "
                                  "(starting the embedded server when no other is "
                                  "configured)"))
      ->callback([options] {
        if (!options->data_dir.empty()) {
          std::cout << make_server(*options).start() << "\n";
        } else {
          std::cout << dj::redact_url(dj::locate_database(pipeline::config_locations(), true).url)
                    << "\n";
        }
      });
}

}  // namespace fmpipe::cli
