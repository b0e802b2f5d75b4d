// `fmpipe model add` stores a model only once its file loads as the keypoint network that
// inference will run (with the model's body parts, and its params file's widths when given);
// any other file is refused with an error naming the model, the file and the reason, and
// nothing is stored.

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "dj/attach.hpp"
#include "facemap/pose/pose_model.hpp"
#include "pipeline/tasks.hpp"
#include "reliability/bad_input_pipeline.hpp"
#include "reliability/bad_model_files.hpp"
#include "support/command.hpp"
#include "support/pipeline_test.hpp"

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kModelTables = {"facemap_inference.FacemapModel",
                                               "facemap_inference.FacemapModel.BodyPart",
                                               "facemap_inference.FacemapModel.File"};

const fs::path kDemoParams = fs::path(FMPIPE_SOURCE_DIR) / "models/facemap_demo_params.pth";

class ModelAdd : public fmtest::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    pipe = std::make_unique<pipeline::Pipeline>(*connection, prefix);
  }
  void TearDown() override {
    pipe.reset();
    fs::remove_all(folder);
    PipelineTest::TearDown();
  }

  std::map<std::string, long long> counts() const {
    std::map<std::string, long long> result;
    for (const auto& name : kModelTables) result[name] = pipe->table(name).count();
    return result;
  }

  /// `fmpipe model add` with `arguments` after it.
  fmtest::CommandResult model_add(std::vector<std::string> arguments) const {
    arguments.insert(arguments.begin(),
                     {std::string(FMPIPE_BINARY_DIR) + "/fmpipe", "model", "add"});
    return fmtest::run_command(
        arguments, {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix});
  }

  /// register_model's error for `file`, or "no error".
  std::string register_error(
      const fs::path& file,
      const std::vector<std::string>& body_parts = facemap::facemap_bodyparts(),
      const std::vector<int>& channels = {}) {
    try {
      pipeline::register_model(*pipe, 9, "candidate", file, body_parts, "", channels);
    } catch (const std::exception& error) {
      return error.what();
    }
    return "no error";
  }

  const fs::path folder =
      fs::temp_directory_path() / fmtest::unique_schema_name("fmpipe_model_add");
  std::unique_ptr<pipeline::Pipeline> pipe;
};

}  // namespace

TEST_F(ModelAdd, AGoodModelIsStoredWithItsBodyPartsAndBytes) {
  const auto result = model_add({"--model-id", "1", "--name", "demo", "--file",
                                 fmtest::kDemoModel.string(), "--params", kDemoParams.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("stored model 1 (demo): 15 body part(s)"), std::string::npos)
      << result.output;
  const dj::Row model{{"model_id", 1}};
  EXPECT_EQ((pipe->table("facemap_inference.FacemapModel") & model)
                .fetch1()
                .get<std::string>("model_name"),
            "demo");
  EXPECT_EQ((pipe->table("facemap_inference.FacemapModel.BodyPart") & model).count(), 15);
  const auto stored = (pipe->table("facemap_inference.FacemapModel.File") & model)
                          .fetch1()
                          .get<dj::Attachment>("model_file");
  EXPECT_EQ(stored.filename, "facemap_demo_state.pt");
  EXPECT_EQ(stored.contents, dj::read_attachment(fmtest::kDemoModel).contents);
}

TEST_F(ModelAdd, FilesThatAreNotTheNetworkAreRefusedAndNothingIsStored) {
  pipeline::register_model(*pipe, 1, "demo", fmtest::kDemoModel, facemap::facemap_bodyparts());
  const auto before = counts();
  for (const auto& bad : fmtest::write_bad_models(folder)) {
    SCOPED_TRACE(bad.file);
    const fs::path file = folder / bad.file;
    fmtest::expect_mentions(register_error(file),
                            {"model 9 (candidate) is not stored: ", file.string(), bad.reason});
    EXPECT_EQ(counts(), before);
  }
}

TEST_F(ModelAdd, ParamsThatTheWeightsDoNotMatchAreRefused) {
  const auto before = counts();
  // The demo's widths are [8, 16, 24, 32, 48]; Facemap's released model's are the default.
  fmtest::expect_mentions(
      register_error(fmtest::kDemoModel, facemap::facemap_bodyparts(), {16, 32, 64, 128, 200}),
      {"model 9 (candidate) is not stored: ", fmtest::kDemoModel.string(),
       "its params give channels [16, 32, 64, 128, 200], its weights have [8, 16, 24, 32, 48]"});
  // Fewer body parts than the network has outputs.
  const std::vector<std::string> fourteen(facemap::facemap_bodyparts().begin(),
                                          facemap::facemap_bodyparts().end() - 1);
  fmtest::expect_mentions(register_error(fmtest::kDemoModel, fourteen),
                          {fmtest::kDemoModel.string(), "'Conv2_1x1.conv0.", "has shape (15,"});
  // Body parts in another order than the one inference reads the outputs in.
  std::vector<std::string> reversed(facemap::facemap_bodyparts().rbegin(),
                                    facemap::facemap_bodyparts().rend());
  fmtest::expect_mentions(register_error(fmtest::kDemoModel, reversed),
                          {"model 9 (candidate): its body parts [whisker(II), whisker(III)",
                           "are not in Facemap's order"});
  EXPECT_EQ(counts(), before);
}

TEST_F(ModelAdd, TheCommandRefusesATextFileNamingItAndStoresNothing) {
  fs::create_directories(folder);
  const fs::path text = folder / "notes.pt";
  std::ofstream(text) << "not a model\n";
  const auto result = model_add({"--model-id", "2", "--name", "notes", "--file", text.string()});
  EXPECT_NE(result.exit_code, 0);
  fmtest::expect_mentions(result.output, {"model 2 (notes) is not stored: ", text.string(),
                                          "not a torch.save zip archive"});
  EXPECT_EQ(pipe->table("facemap_inference.FacemapModel").count(), 0);
}
