// The pipeline linked under a lab's own tables (pipeline/upstream.hpp): a Session keyed by
// subject varchar(32) and session_id int, declared through the dj layer (C++ API only) or
// through DataJoint's own Python client (then everything from fmpipe, as a lab would).

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "facemap/pose/pose_model.hpp"
#include "pipeline/computations.hpp"
#include "pipeline/linked_ingest.hpp"
#include "pipeline/sql_helpers.hpp"
#include "pipeline/tables.hpp"
#include "pipeline/tasks.hpp"
#include "pipeline/upstream.hpp"
#include "support/child_process.hpp"
#include "support/command.hpp"
#include "support/pipeline_test.hpp"
#include "support/synthetic_recordings.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kSubject = "JAX-2024-0117";
constexpr int kFrames = 30;

class LabLinking : public fmtest::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    fs::create_directories(raw / "jax/s3");
    face = std::make_unique<facemap::SyntheticFace>(fmtest::small_face(kFrames));
    facemap::write_synthetic_video(*face, raw / "jax/s3/face.avi", raw / "jax/s3/truth.npy");
  }
  void TearDown() override {
    PipelineTest::TearDown();  // the pipeline's schemas first: they reference the lab's
    if (connection && !lab_schema.empty()) {
      pqxx::nontransaction work(connection->native());
      work.exec("DROP SCHEMA IF EXISTS \"" + lab_schema + "\" CASCADE");
    }
    fs::remove_all(folder);
  }

  // A manifest of the one recording, with the lab Session's key columns.
  fs::path write_manifest(const std::string& header, const std::string& row) const {
    const fs::path manifest = folder / "manifest.csv";
    std::ofstream(manifest) << header << "\n" << row << "\n";
    return manifest;
  }

  std::vector<std::string> environment() const {
    return {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix,
            "FACEMAP_ROOT_DATA_DIR=" + raw.string(),
            "FACEMAP_PROCESSED_DATA_DIR=" + (folder / "processed").string()};
  }

  fmtest::CommandResult fmpipe(const std::vector<std::string>& args,
                               const std::vector<std::string>& extra_environment = {}) const {
    std::vector<std::string> argv = {std::string(FMPIPE_BINARY_DIR) + "/fmpipe"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> variables = environment();
    variables.insert(variables.end(), extra_environment.begin(), extra_environment.end());
    return fmtest::run_command(argv, variables);
  }

  bool schema_exists(const std::string& name) const {
    return dj::Schema::exists(*connection, name);
  }

  std::string lab_schema;
  const fs::path folder = fs::temp_directory_path() / fmtest::unique_schema_name("fmpipe_lab");
  const fs::path raw = folder / "raw";
  std::unique_ptr<facemap::SyntheticFace> face;
};

TEST_F(LabLinking, UnderASessionDeclaredWithTheDjLayerTheWholePipelineRuns) {
  dj::Schema lab = make_schema("lab");
  lab_schema = lab.name();
  lab.declare("Subject", dj::Tier::manual,
              "subject : varchar(32)\n---\nsex = 'U' : enum('M', 'F', 'U')\n");
  lab.declare("Session", dj::Tier::manual,
              "-> Subject\nsession_id : int\n---\nsession_note = '' : varchar(64)\n");
  lab.table("Subject").insert1({{"subject", kSubject}, {"sex", "F"}});
  lab.table("Session").insert1({{"subject", kSubject}, {"session_id", 3}});

  pipeline::Upstream upstream;
  upstream.session = lab.name() + ".Session";
  upstream.subject = lab.name() + ".Subject";
  pipeline::Pipeline pipe(*connection, prefix, upstream);
  ASSERT_TRUE(pipe.linked());
  for (const char* own : {"lab", "subject", "session"})
    EXPECT_FALSE(schema_exists(prefix + own)) << own;
  EXPECT_EQ(pipe.recording_key(),
            (std::vector<std::string>{"subject", "session_id", "recording_id"}));
  EXPECT_FALSE(pipe.device_table());  // the lab has none: VideoRecording names no device

  // Ingest from a manifest with the lab's key columns; what the lab's tables lack is refused.
  const auto bad = write_manifest("subject,session_id,recording_id,file_path",
                                  kSubject + ",4,0,jax/s3/face.avi");
  try {
    pipeline::ingest_linked(pipe, pipeline::read_linked_manifest(pipe, bad));
    ADD_FAILURE() << "a session the lab's Session lacks was ingested";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what())
                  .find("line 2: session {subject: '" + kSubject +
                        "', session_id: 4} is not in the lab's " + lab.name() + ".Session"),
              std::string::npos)
        << error.what();
  }
  EXPECT_THROW(pipeline::read_linked_manifest(
                   pipe, write_manifest("subject,session_datetime,recording_id,file_path",
                                        kSubject + ",2024-01-01,0,jax/s3/face.avi")),
               std::invalid_argument);
  const fs::path json = folder / "manifest.json";
  std::ofstream(json) << R"({"recordings": [{"subject": ")" << kSubject
                      << R"(", "session_id": "three", "files": ["jax/s3/face.avi"]}]})";
  try {
    pipeline::read_linked_manifest(pipe, json);
    ADD_FAILURE() << "a session_id that is not an integer was read";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what())
                  .find("line 1, key session_id: 'three' is not an integer (" + lab.name() +
                        ".session.session_id is int"),
              std::string::npos)
        << error.what();
  }
  std::ofstream(json) << R"({"recordings": [{"subject": ")" << kSubject
                      << R"(", "session_id": 3, "files": ["jax/s3/face.avi"]}]})";
  const auto counts = pipeline::ingest_linked(pipe, pipeline::read_linked_manifest(pipe, json));
  EXPECT_EQ(counts.recordings, 1);
  EXPECT_EQ(counts.files, 1);

  const dj::Row recording{{"subject", kSubject}, {"session_id", 3}, {"recording_id", 0}};
  pipeline::ProcessingTask task;
  task.recording = recording;
  task.params.components = 5;
  task.params.rois = face->rois().all();
  pipeline::add_processing_task(pipe, task);
  pipeline::register_model(pipe, 1, "demo",
                           fs::path(FMPIPE_SOURCE_DIR) / "models/facemap_demo_state.pt",
                           facemap::facemap_bodyparts());
  pipeline::InferenceTask inference;
  inference.recording = recording;
  inference.model_id = 1;
  pipeline::add_inference_task(pipe, inference);

  const pipeline::DataRoots roots({raw}, folder / "processed");
  for (auto& [name, table] : pipeline::computations(pipe, roots))
    EXPECT_EQ(table->populate().made, 1) << name;

  dj::Row task_key = recording;
  task_key.set("facemap_task_id", 0);
  const facemap::FacemapResult signal = pipeline::fetch_facial_signal(pipe, task_key);
  EXPECT_EQ(signal.nframes, kFrames);
  EXPECT_EQ(signal.pupils.size(), 1u);
  // Trigger mode's folder is named by the lab's key.
  EXPECT_TRUE(
      fs::exists(folder / ("processed/jax/s3/facemap_" + kSubject + "_3_recording0_task0")));
  dj::Row inference_key = recording;
  inference_key.set("model_id", 1);
  EXPECT_EQ(pipeline::fetch_keypoints(pipe, inference_key).x.rows(), kFrames);

  // The SQL views lead with the lab's key.
  pipeline::install_sql_helpers(pipe);
  const auto views = fmtest::run_psql(
      "SELECT subject, session_id, recording_id, "
      "array_length(area, 1) FROM \"" +
      prefix + "views\".pupil");
  ASSERT_EQ(views.exit_code, 0) << views.output;
  EXPECT_EQ(views.output, kSubject + "|3|0|" + std::to_string(kFrames) + "\n");

  // So does the Python example.
  const auto python = fmtest::run_command(
      {"/usr/bin/python3", std::string(FMPIPE_SOURCE_DIR) + "/examples/python/read_results.py"},
      {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix});
  ASSERT_EQ(python.exit_code, 0) << python.output;
  EXPECT_NE(python.output.find("pupil subject=" + kSubject +
                               ", session_id=3, recording_id=0 "
                               "region"),
            std::string::npos)
      << python.output;

  // Another program attaches to the same tables without the configuration: the foreign keys
  // say where; a configuration naming other tables is refused.
  const pipeline::Pipeline reopened(*connection, prefix, pipeline::Upstream{});
  EXPECT_EQ(reopened.upstream(), upstream);
  pipeline::Upstream other;
  other.session = lab.name() + ".Subject";
  try {
    pipeline::Pipeline elsewhere(*connection, prefix, other);
    ADD_FAILURE() << "attached to another session table";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("is attached to session " + upstream.session),
              std::string::npos)
        << error.what();
  }

  // --key values are checked against the lab's Session.
  EXPECT_EQ(pipeline::session_key_from_text(pipe, {"subject=" + kSubject, "session_id=3"}),
            (dj::Row{{"subject", kSubject}, {"session_id", 3}}));
  try {
    pipeline::session_key_from_text(pipe, {"subjekt=m1"});
    ADD_FAILURE() << "an unknown attribute was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what())
                  .find("no attribute 'subjekt' (its attributes: subject, "
                        "session_id, session_note)"),
              std::string::npos)
        << error.what();
  }
  EXPECT_THROW(pipeline::session_key_from_text(pipe, {"session_id=three"}), std::invalid_argument);
}

TEST_F(LabLinking, WithoutAConfigurationThePipelineKeepsItsOwnSchemas) {
  const pipeline::Pipeline pipe(*connection, prefix, pipeline::Upstream{});
  EXPECT_FALSE(pipe.linked());
  for (const char* own : {"lab", "subject", "session"})
    EXPECT_TRUE(schema_exists(prefix + own)) << own;
  EXPECT_EQ(pipe.session_key(), (std::vector<std::string>{"subject", "session_datetime"}));
  EXPECT_EQ(
      pipeline::session_key_from_text(pipe, {"subject=m1", "session_datetime=2024-05-06 07:08:09"}),
      (dj::Row{{"subject", "m1"}, {"session_datetime", "2024-05-06 07:08:09"}}));

  // Once declared, it stays under its own Session: linking it elsewhere needs another prefix.
  dj::Schema lab = make_schema("lab");
  lab.declare("Session", dj::Tier::manual, "session_id : int\n");
  pipeline::Upstream upstream;
  upstream.session = lab.name() + ".Session";
  try {
    pipeline::Pipeline linked(*connection, prefix, upstream);
    ADD_FAILURE() << "a pipeline with its own schemas was linked under a lab's Session";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what())
                  .find("is attached to its own " + prefix +
                        "session schema (VideoRecording's "
                        "foreign keys), not to the configured session " +
                        upstream.session),
              std::string::npos)
        << error.what();
  }
}

TEST_F(LabLinking, TheConfigurationFileNamesTheLabsTables) {
  dj::Schema lab = make_schema("cfglab");
  lab_schema = lab.name();
  lab.declare("Session", dj::Tier::manual, "session_id : int\n");  // a key without a subject
  lab.declare_lookup("Device", "camera : varchar(16)\n", {dj::Row{{"camera", "face-cam"}}});
  const fs::path config = folder / "config.json";
  std::ofstream(config) << R"({"upstream": {"session": ")" << lab.name()
                        << R"(.Session", "device": ")" << lab.name() << R"(.Device"}})";
  const auto init = fmpipe({"init"}, {"FMPIPE_CONFIG=" + config.string()});
  ASSERT_EQ(init.exit_code, 0) << init.output;
  EXPECT_NE(init.output.find("linked under session " + lab.name() + ".Session, device " +
                             lab.name() + ".Device"),
            std::string::npos)
      << init.output;
  const pipeline::Pipeline pipe(*connection, prefix, pipeline::Upstream{});
  EXPECT_EQ(pipe.recording_key(), (std::vector<std::string>{"session_id", "recording_id"}));
  ASSERT_TRUE(pipe.device_table());
  EXPECT_EQ(pipe.device_table()->class_name(), "Device");
  EXPECT_EQ(pipe.table("facial_behavior_estimation.VideoRecording").heading().secondary(),
            std::vector<std::string>{"camera"});

  std::ofstream(config) << R"({"upstream": {"sesion": "lab.Session"}})";
  const auto misspelt = fmpipe({"status"}, {"FMPIPE_CONFIG=" + config.string()});
  EXPECT_NE(misspelt.exit_code, 0);
  EXPECT_NE(misspelt.output.find("\"upstream\" has an unknown key 'sesion' (known: session, "
                                 "device, subject)"),
            std::string::npos)
      << misspelt.output;
}

TEST_F(LabLinking, UnderADataJointPythonSchemaFromTheCli) {
  const fs::path dj_python = fs::path(FMPIPE_SHARED_DIR) / "tools/datajoint-python/dj-python";
  if (!fs::exists(dj_python)) FMPIPE_WITHOUT_SHARED("needs ../shared/tools/datajoint-python");
  lab_schema = fmtest::unique_schema_name("pylab");

  // The lab's schema, as a lab declares it with DataJoint.
  const fs::path declare = folder / "declare_lab.py";
  std::ofstream(declare) << R"(import sys
import datajoint as dj
dj.config["safemode"] = False
schema = dj.Schema(sys.argv[1])

@schema
class Subject(dj.Manual):
    definition = """
    subject : varchar(32)
    ---
    sex = 'U' : enum('M', 'F', 'U')
    """

@schema
class Session(dj.Manual):
    definition = """
    -> Subject
    session_id : int
    ---
    session_note = '' : varchar(255)
    """

@schema
class Device(dj.Lookup):
    definition = """
    camera : varchar(16)
    ---
    camera_model = '' : varchar(64)
    """
    contents = [("face-cam", "Basler acA640")]

Subject.insert1(dict(subject=")"
                         << kSubject << R"(", sex="F"))
Session.insert1(dict(subject=")"
                         << kSubject << R"(", session_id=3))
print("declared")
)";
  const auto declared = fmtest::run_command(
      {dj_python.string(), "--url", fmtest::database_url(), declare.string(), lab_schema});
  ASSERT_EQ(declared.exit_code, 0) << declared.output;

  const auto init = fmpipe({"init", "--session-table", lab_schema + ".Session", "--device-table",
                            lab_schema + ".Device", "--subject-table", lab_schema + ".Subject"});
  ASSERT_EQ(init.exit_code, 0) << init.output;
  EXPECT_NE(init.output.find("linked under session " + lab_schema + ".Session, device " +
                             lab_schema + ".Device"),
            std::string::npos)
      << init.output;
  for (const char* own : {"lab", "subject", "session"})
    EXPECT_FALSE(schema_exists(prefix + own)) << own;

  // Every later command attaches to the lab's tables by itself (VideoRecording's foreign keys).
  const auto unknown_device =
      fmpipe({"ingest", write_manifest("subject,session_id,recording_id,camera,file_path",
                                       kSubject + ",3,0,side-cam,jax/s3/face.avi")
                            .string()});
  EXPECT_NE(unknown_device.exit_code, 0);
  EXPECT_NE(unknown_device.output.find("device {camera: 'side-cam'} is not in the lab's " +
                                       lab_schema + ".Device"),
            std::string::npos)
      << unknown_device.output;
  const auto ingested =
      fmpipe({"ingest", write_manifest("subject,session_id,recording_id,camera,file_path",
                                       kSubject + ",3,0,face-cam,jax/s3/face.avi")
                            .string()});
  ASSERT_EQ(ingested.exit_code, 0) << ingested.output;
  EXPECT_NE(ingested.output.find("added 1 recording(s), 1 file(s)"), std::string::npos)
      << ingested.output;

  const auto misspelt = fmpipe({"task", "processing", "--key", "subjekt=" + kSubject});
  EXPECT_NE(misspelt.exit_code, 0);
  EXPECT_NE(misspelt.output.find("no attribute 'subjekt' (its attributes: subject, session_id, "
                                 "session_note)"),
            std::string::npos)
      << misspelt.output;
  const auto partial = fmpipe({"task", "processing", "--key", "subject=" + kSubject});
  EXPECT_NE(partial.exit_code, 0);
  EXPECT_NE(partial.output.find("missing: session_id"), std::string::npos) << partial.output;
  const auto own_names =
      fmpipe({"task", "processing", "--subject", kSubject, "--session", "2024-05-06 07:08:09"});
  EXPECT_NE(own_names.exit_code, 0);
  EXPECT_NE(own_names.output.find("no attribute 'session_datetime'"), std::string::npos)
      << own_names.output;

  const auto created = fmpipe({"task", "processing", "--key", "subject=" + kSubject, "--key",
                               "session_id=3", "--components", "5"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const auto populated = fmpipe({"populate"});
  ASSERT_EQ(populated.exit_code, 0) << populated.output;
  const auto status = fmpipe({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.output;

  const pipeline::Pipeline pipe(*connection, prefix, pipeline::Upstream{});
  EXPECT_EQ(pipe.table("facial_behavior_estimation.FacialSignal").count(), 1);
  EXPECT_EQ(pipe.upstream().subject, lab_schema + ".Subject");

  const fs::path out = folder / "export";
  const auto exported = fmpipe(
      {"export", "--key", "subject=" + kSubject, "--key", "session_id=3", "-o", out.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_TRUE(fs::exists(out / (kSubject + "_3_recording0_task0_proc.npy"))) << exported.output;
  EXPECT_TRUE(fs::exists(out / (kSubject + "_3_recording0_task0_traces.csv"))) << exported.output;

  const fs::path report = folder / "report";
  const auto reported = fmpipe({"report", "--key", "session_id=3", "--out", report.string()});
  ASSERT_EQ(reported.exit_code, 0) << reported.output;
  std::ifstream page(report / "index.html");
  const std::string html((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("subject " + kSubject + ", session_id 3, recording 0"), std::string::npos);
  EXPECT_NE(html.find("face-cam"), std::string::npos);  // VideoRecording's camera

  // DataJoint's own client sees the foreign key to the lab's Session, in VideoRecording's
  // parents and in the diagram of both schemas.
  const fs::path check = folder / "check_link.py";
  std::ofstream(check) << R"(import sys
import datajoint as dj
fbe = dj.VirtualModule("fbe", sys.argv[1] + "facial_behavior_estimation")
lab = dj.VirtualModule("lab", sys.argv[2])
print("primary parents:", fbe.VideoRecording.parents(primary=True))
print("secondary parents:", fbe.VideoRecording.parents(primary=False))
diagram = dj.Diagram(lab) + dj.Diagram(fbe)
edges = [(a, b) for a, b in diagram.edges() if not a.isdigit() and not b.isdigit()]
print("edge:", [e for e in edges if e[1].endswith('"video_recording"')])
print(len(fbe.VideoRecording()), "recording(s) of", (lab.Session * fbe.VideoRecording).fetch("subject"))
)";
  const auto seen = fmtest::run_command(
      {dj_python.string(), "--url", fmtest::database_url(), check.string(), prefix, lab_schema});
  ASSERT_EQ(seen.exit_code, 0) << seen.output;
  const std::string lab_session = "\"" + lab_schema + "\".\"session\"";
  EXPECT_NE(seen.output.find("primary parents: ['" + lab_session + "']"), std::string::npos)
      << seen.output;
  EXPECT_NE(seen.output.find("secondary parents: ['\"" + lab_schema + "\".\"#device\"']"),
            std::string::npos)
      << seen.output;
  EXPECT_NE(seen.output.find("edge: [('" + lab_session + "', '\"" + prefix +
                             "facial_behavior_estimation\".\"video_recording\"')"),
            std::string::npos)
      << seen.output;
  EXPECT_NE(seen.output.find("1 recording(s) of ['" + kSubject + "']"), std::string::npos)
      << seen.output;
}

}  // namespace
