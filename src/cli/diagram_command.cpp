// fmpipe diagram: the pipeline's dependency graph as Graphviz DOT or Mermaid text.

#include <fstream>
#include <iostream>
#include <memory>

#include <pqxx/pqxx>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "dj/dependencies.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/pipeline.hpp"

namespace fmpipe::cli {

void add_diagram_command(CLI::App& app) {
  struct Options {
    std::string format = "mermaid";
    std::string output;
  };
  auto options = std::make_shared<Options>();
  auto* diagram = app.add_subcommand("diagram", "Print the tables and their dependencies");
  diagram->add_option("--format", options->format, "mermaid or dot")
      ->check(CLI::IsMember({"mermaid", "dot"}))
      ->capture_default_str();
  diagram->add_option("-o,--output", options->output, "Write to this file instead of stdout");
  diagram->callback([options] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    std::vector<std::string> schemas;
    for (const auto& spec : pipeline::builtin_schemas())
      schemas.push_back(pipe.prefix() + spec.name);
    // Linked, the recordings hang under the lab's schemas: they are part of the picture.
    if (pipe.linked()) {
      schemas.push_back(pipe.session_table().schema_name());
      if (pipe.device_table()) schemas.push_back(pipe.device_table()->schema_name());
    }
    dj::Dependencies graph;
    connection->read(
        [&](pqxx::transaction_base& tx) { graph = dj::Dependencies::load(tx, schemas); });
    const std::string text = options->format == "dot" ? graph.to_dot() : graph.to_mermaid();
    if (options->output.empty()) {
      std::cout << text;
    } else {
      std::ofstream out(options->output);
      if (!(out << text)) throw std::runtime_error("cannot write " + options->output);
    }
  });
}

}  // namespace fmpipe::cli
