// fmpipe delete: rows of a table and everything downstream, after a preview and a confirmation,
// with the files that trigger mode wrote for them (pipeline/delete.hpp).

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "dj/connection.hpp"
#include "pipeline/config_locations.hpp"
#include "pipeline/delete.hpp"
#include "pipeline/table_names.hpp"

namespace fmpipe::cli {
namespace {

struct DeleteArgs {
  std::string table;
  std::vector<std::string> restrictions;
  bool dry_run = false;
  bool yes = false;
  bool keep_files = false;
};

void print_preview(const std::string& what, const pipeline::DeletionPreview& preview) {
  std::printf("%s:\n", what.c_str());
  for (const auto& [table, n] : preview.counts) std::printf("  %-60s %8lld\n", table.c_str(), n);
  std::printf("  %-60s %8lld\n", "total rows", preview.total());
  std::printf("trigger-mode result files: %zu\n", preview.files.size());
  for (const auto& file : preview.files) std::printf("  %s\n", file.c_str());
}

/// The y/N question, on a terminal only: piped input may not be someone's answer.
bool confirmed(const DeleteArgs& args, const pipeline::DeletionPreview& preview) {
  if (args.yes) return true;
  if (!isatty(STDIN_FILENO)) {
    throw std::runtime_error(
        "nothing deleted: standard input is not a terminal to confirm on; pass --yes to delete, "
        "or --dry-run to preview only");
  }
  std::cout << "Delete " << preview.total() << " row(s)"
            << (args.keep_files || preview.files.empty() ? "" : " and the files listed")
            << "? [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

}  // namespace

void add_delete_command(CLI::App& app) {
  auto args = std::make_shared<DeleteArgs>();
  auto* command = app.add_subcommand(
      "delete",
      "Delete rows of a table and every row downstream of them (parts included), in one "
      "transaction, after a preview with the counts per table; the files trigger mode wrote for "
      "the deleted keys are removed after the commit");
  command
      ->add_option("table", args->table,
                   "The table: Class, schema.Class or Master.Part, e.g. Session or FacemapTask")
      ->required();
  command->add_option("--restrict", args->restrictions,
                      "An SQL condition on the rows, as populate takes it (repeatable; all "
                      "must hold), e.g. \"subject = 'm1'\"");
  command->add_flag("--dry-run", args->dry_run, "Show what would be deleted, delete nothing");
  command->add_flag("-y,--yes", args->yes,
                    "Delete without asking (needed when standard input is not a terminal)");
  command->add_flag("--keep-files", args->keep_files,
                    "Leave the trigger-mode result files in place, and list them");
  command->callback([args] {
    auto connection = pipeline::open_database();
    pipeline::Pipeline pipe(*connection);
    const std::string name = pipeline::resolve_table_name(pipe, args->table);
    const dj::Table table = pipe.table(name);
    if (table.tier() == dj::Tier::part) {
      const std::string part = pipeline::class_name_of(name);
      const std::string master = part.substr(0, part.find('.'));
      throw std::invalid_argument(part + " is a part of " + master +
                                  ": its rows go with their master's; delete from " + master);
    }
    dj::Query rows = table;
    std::string what = "delete from " + name;
    for (const auto& restriction : args->restrictions) {
      rows = rows & dj::Restriction(restriction);
      what += (what.find(" where ") == std::string::npos ? " where " : " and ") + restriction;
    }
    pipeline::DeletionRequest request;
    request.dry_run = args->dry_run;
    request.keep_files = args->keep_files;
    request.confirm = [&](const pipeline::DeletionPreview& preview) {
      print_preview(what, preview);
      return confirmed(*args, preview);
    };
    const auto deletion =
        pipeline::delete_cascade(pipe, pipeline::DataRoots::from_environment(), rows, request);
    if (deletion.preview.total() == 0) {
      std::printf("nothing to delete: no row of %s matches\n", name.c_str());
      return;
    }
    if (args->dry_run) {
      print_preview(what, deletion.preview);
      std::printf("dry run: nothing deleted\n");
      return;
    }
    if (!deletion.committed) {
      std::printf("not deleted\n");
      return;
    }
    std::printf("deleted %lld row(s)\n", deletion.preview.total());
    if (args->keep_files) {
      std::printf("kept %zu file(s):\n", deletion.preview.files.size());
      for (const auto& file : deletion.preview.files) std::printf("  %s\n", file.c_str());
    } else {
      std::printf("removed %zu file(s) and folder(s)\n", deletion.removed.size());
    }
    if (!deletion.failures.empty()) {
      std::string text;
      for (const auto& failure : deletion.failures) text += "\n  " + failure;
      throw std::runtime_error("the rows are deleted, but " +
                               std::to_string(deletion.failures.size()) +
                               " file(s) could not be removed:" + text);
    }
  });
}

}  // namespace fmpipe::cli
