// Manifests are strict: every value a lab writes is stored as written or refused with an error
// naming the file, the line, the column (or key) and the value, before anything is inserted.

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "pipeline/ingest.hpp"
#include "support/command.hpp"
#include "support/pipeline_test.hpp"

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kIngestTables = {
    "subject.Subject", "session.Session", "session.SessionDirectory",
    "facial_behavior_estimation.VideoRecording", "facial_behavior_estimation.VideoRecording.File"};

const std::string kHeader =
    "subject,sex,subject_birth_date,session_datetime,recording_id,file_path\n";
const std::string kRow = "m1,M,2024-01-02,2024-05-06 07:08:09,0,m1/s1/a.avi\n";
const std::string kKnownColumns =
    "subject, sex, subject_birth_date, subject_nickname, session_datetime, session_id, "
    "session_dir, recording_id, device, modality, device_description";

/// A manifest and the whole error it must give, with FILE standing for its path.
struct Refusal {
  std::string name, text, error;
};

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

class Manifest : public fmtest::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    fs::create_directories(folder);
    pipe = std::make_unique<pipeline::Pipeline>(*connection, prefix);
    // Rows that exist already, so that "unchanged" is not merely "still empty".
    pipeline::ingest(*pipe, pipeline::read_manifest(write("existing.csv", kHeader + kRow)));
  }
  void TearDown() override {
    pipe.reset();
    fs::remove_all(folder);
    PipelineTest::TearDown();
  }

  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(folder / name) << text;
    return folder / name;
  }

  std::map<std::string, long long> counts() const {
    std::map<std::string, long long> result;
    for (const auto& name : kIngestTables) result[name] = pipe->table(name).count();
    return result;
  }

  /// What `fmpipe ingest` does: the manifest's error message, or "no error".
  std::string ingest_error(const fs::path& path) const {
    try {
      pipeline::ingest(*pipe, pipeline::read_manifest(path));
    } catch (const std::exception& error) {
      return error.what();
    }
    return "no error";
  }

  const fs::path folder = fs::temp_directory_path() / fmtest::unique_schema_name("fmpipe_manifest");
  std::unique_ptr<pipeline::Pipeline> pipe;
};

}  // namespace

TEST_F(Manifest, ValuesThatCannotBeHonouredAreRefusedNamingFileLineColumnAndValue) {
  const std::string recording =
      "{subject=m2, session_datetime=2024-05-06 07:08:09, recording_id=0}";
  const std::vector<Refusal> refusals = {
      {"same_row_twice.csv",
       kHeader + "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n"
                 "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n",
       "FILE line 3, column file_path: 'm2/a.avi' is listed twice for recording " + recording +
           " (also at FILE line 2)"},
      {"same_file_apart.csv",
       kHeader + "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n"
                 "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/b.avi\n"
                 "m3,M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n"
                 "m2,M,2024-01-02,2024-05-06T07:08:09,0,m2/a.avi\n",
       "FILE line 5, column file_path: 'm2/a.avi' is listed twice for recording " + recording +
           " (also at FILE line 2)"},
      {"unknown_column.csv",
       "subject,session_datetime,sesion_id,recording_id,file_path\n"
       "m2,2024-05-06 07:08:09,3,0,m2/a.avi\n",
       "FILE line 1, column sesion_id: unknown column (known: " + kKnownColumns + ", file_path)"},
      {"column_twice.csv", "subject,session_datetime,recording_id,file_path,subject\n",
       "FILE line 1, column subject: named twice"},
      {"month_first.csv", kHeader + kRow + "m2,M,2024-01-02,01/09/2024,0,m2/a.avi\n",
       "FILE line 3, column session_datetime: '01/09/2024' is not an ISO 8601 date "
       "(YYYY-MM-DD[ HH:MM:SS])"},
      {"no_such_day.csv", kHeader + "m2,M,2024-01-02,2023-02-29 10:00:00,0,m2/a.avi\n",
       "FILE line 2, column session_datetime: '2023-02-29 10:00:00' is not an ISO 8601 date "
       "(YYYY-MM-DD[ HH:MM:SS])"},
      {"birth_date.csv", kHeader + "m2,M,02/01/2024,2024-05-06 07:08:09,0,m2/a.avi\n",
       "FILE line 2, column subject_birth_date: '02/01/2024' is not an ISO 8601 date "
       "(YYYY-MM-DD)"},
      {"birth_time.csv", kHeader + "m2,M,2024-01-02 10:00:00,2024-05-06 07:08:09,0,m2/a.avi\n",
       "FILE line 2, column subject_birth_date: '2024-01-02 10:00:00' is not an ISO 8601 date "
       "(YYYY-MM-DD)"},
      {"sex.csv", kHeader + "m2,male,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n",
       "FILE line 2, column sex: 'male' is not M, F or U"},
      {"recording_id.csv", kHeader + "m2,M,2024-01-02,2024-05-06 07:08:09,1.5,m2/a.avi\n",
       "FILE line 2, column recording_id: '1.5' is not an integer"},
      {"session_id.csv",
       "subject,subject_birth_date,session_datetime,session_id,recording_id,file_path\n"
       "m2,2024-01-02,2024-05-06 07:08:09,s7,0,m2/a.avi\n",
       "FILE line 2, column session_id: 's7' is not an integer"},
      {"empty_subject.csv", kHeader + ",M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n",
       "FILE line 2, column subject: '' is empty; a value is required"},
      {"empty_recording_id.csv", kHeader + "m2,M,2024-01-02,2024-05-06 07:08:09,,m2/a.avi\n",
       "FILE line 2, column recording_id: '' is empty; a value is required"},
      {"empty_file.csv", kHeader + "m2,M,2024-01-02,2024-05-06 07:08:09,0,\n",
       "FILE line 2, column file_path: '' is empty; a video file is required"},
      {"subject_disagrees.csv",
       kHeader + "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n"
                 "m2,F,2024-01-02,2024-05-07 07:08:09,0,m2/b.avi\n",
       "FILE line 3, column sex: 'F' differs from 'M' given for subject {subject=m2} at FILE "
       "line 2 (one value can be stored)"},
      {"recording_disagrees.csv",
       "subject,subject_birth_date,session_datetime,recording_id,device,file_path\n"
       "m2,2024-01-02,2024-05-06 07:08:09,0,camera0,m2/a.avi\n"
       "m2,2024-01-02,2024-05-06 07:08:09,0,camera1,m2/b.avi\n",
       "FILE line 3, column device: 'camera1' differs from 'camera0' given for recording " +
           recording + " at FILE line 2 (one value can be stored)"},
      {"unknown_key.yaml",
       "recordings:\n"
       "  - subject: m2\n"
       "    session_datetime: 2024-05-06 07:08:09\n"
       "    sesion_id: 3\n"
       "    files: [m2/a.avi]\n",
       "FILE line 2 (recordings[0]), key sesion_id: unknown key (known: " + kKnownColumns +
           ", files)"},
      {"month_first.json",
       R"({"recordings": [
            {"subject": "m2", "session_datetime": "2024-05-06 07:08:09", "files": ["m2/a.avi"]},
            {"subject": "m2", "session_datetime": "01/09/2024", "files": ["m2/b.avi"]}]})",
       "FILE line 3 (recordings[1]), key session_datetime: '01/09/2024' is not an ISO 8601 date "
       "(YYYY-MM-DD[ HH:MM:SS])"},
      {"description_alone.csv",
       "subject,subject_birth_date,session_datetime,recording_id,device,device_description,"
       "file_path\n"
       "m2,2024-01-02,2024-05-06 07:08:09,0,camera1,side camera,m2/a.avi\n",
       "FILE line 2, column device_description: 'side camera' describes a device without its "
       "modality (give the modality too, to add the device to lab.Device)"},
      {"device_disagrees.csv",
       "subject,subject_birth_date,session_datetime,recording_id,device,modality,file_path\n"
       "m2,2024-01-02,2024-05-06 07:08:09,0,camera1,video,m2/a.avi\n"
       "m2,2024-01-02,2024-05-06 07:08:09,1,camera1,thermal,m2/b.avi\n",
       "FILE line 3, column modality: 'thermal' differs from 'video' given for device "
       "{device=camera1} at FILE line 2 (one value can be stored)"},
      {"file_twice.yaml",
       "recordings:\n"
       "  - {subject: m2, session_datetime: 2024-05-06 07:08:09, files: [m2/a.avi, m2/a.avi]}\n",
       "FILE line 2 (recordings[0]), key files: 'm2/a.avi' is listed twice for recording " +
           recording + " (also at FILE line 2 (recordings[0]))"},
  };
  const auto before = counts();
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.name);
    const fs::path path = write(refusal.name, refusal.text);
    EXPECT_EQ(ingest_error(path), replace_all(refusal.error, "FILE", path.string()));
    EXPECT_EQ(counts(), before);
  }
}

TEST_F(Manifest, WhatTheDatabaseRefusesNamesTheRowAndKeepsNothing) {
  // The first recording is new and valid; the second names a device lab.Device lacks.
  const fs::path path =
      write("device.csv",
            "subject,subject_birth_date,session_datetime,recording_id,device,file_path\n"
            "m2,2024-01-02,2024-05-06 07:08:09,0,camera0,m2/a.avi\n"
            "m2,2024-01-02,2024-05-06 07:08:09,1,camera9,m2/b.avi\n");
  const auto before = counts();
  const std::string error = ingest_error(path);
  EXPECT_EQ(error.rfind(path.string() + " line 3: ", 0), 0u) << error;
  EXPECT_EQ(counts(), before);
}

TEST_F(Manifest, ValuesThatDoNotFitTheTablesAreNamedByTheirLine) {
  const std::string lims_id = "JAX-2024-0117-" + std::string(56, '7');  // 70 characters
  const std::vector<Refusal> refusals = {
      {"long_subject.csv",
       kHeader + kRow + "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n" + lims_id +
           ",M,2024-01-02,2024-05-06 07:08:09,0,m3/a.avi\n",
       "FILE line 4: Subject.subject: '" + lims_id + "' is 70 characters, longer than varchar(64)"},
      {"long_file.yaml",
       "recordings:\n"
       "  - {subject: m2, subject_birth_date: 2024-01-02, session_datetime: 2024-05-06 07:08:09,\n"
       "     files: [m2/" +
           std::string(1030, 'f') + ".avi]}\n",
       "FILE line 2 (recordings[0]): VideoRecording.File.file_path: 'm2/" + std::string(77, 'f') +
           "'... (1037 bytes) is 1037 characters, longer than varchar(1024)"},
      {"long_second_file.csv",
       kHeader + "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n" +
           "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/" + std::string(1030, 'f') + ".avi\n",
       "FILE line 3: VideoRecording.File.file_path: 'm2/" + std::string(77, 'f') +
           "'... (1037 bytes) is 1037 characters, longer than varchar(1024)"},
      {"no_birth_date.csv",
       "subject,session_datetime,recording_id,file_path\nm2,2024-05-06 07:08:09,0,m2/a.avi\n",
       "FILE line 2: Subject.subject_birth_date: NULL; the attribute is required (not nullable, "
       "no default)"},
      {"unknown_device.csv",
       "subject,subject_birth_date,session_datetime,recording_id,device,file_path\n"
       "m2,2024-01-02,2024-05-06 07:08:09,0,camera9,m2/a.avi\n",
       "FILE line 2: device 'camera9' is not in lab.Device (it has: camera0); add it with `fmpipe "
       "device add camera9 --modality video --description TEXT`, or give the manifest modality "
       "and device_description columns (keys in YAML or JSON)"},
      {"other_modality.csv",
       "subject,subject_birth_date,session_datetime,recording_id,device,modality,file_path\n"
       "m2,2024-01-02,2024-05-06 07:08:09,0,camera0,thermal,m2/a.avi\n",
       "FILE line 2: device 'camera0' is in lab.Device with modality 'video', not 'thermal'"},
  };
  const auto before = counts();
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.name);
    const fs::path path = write(refusal.name, refusal.text);
    EXPECT_EQ(ingest_error(path), replace_all(refusal.error, "FILE", path.string()));
    EXPECT_EQ(counts(), before);
  }
  EXPECT_EQ(pipe->table("lab.Device").count(), 1);
}

TEST_F(Manifest, DevicesTheManifestDescribesAreAdded) {
  const fs::path path = write(
      "devices.yaml",
      "recordings:\n"
      "  - {subject: JAX-2024-0117, subject_birth_date: 2024-01-17,\n"
      "     session_datetime: 2024-05-06 07:08:09, device: rig3-side-FLIR-BFS-U3-16S2M-21187654,\n"
      "     modality: video, device_description: side camera, files: [jax/a.avi]}\n"
      "  - {subject: JAX-2024-0117, subject_birth_date: 2024-01-17,\n"
      "     session_datetime: 2024-05-06 07:08:09, recording_id: 1,\n"
      "     device: rig3-side-FLIR-BFS-U3-16S2M-21187654, modality: video,\n"
      "     device_description: side camera, files: [jax/b.avi]}\n");
  const auto counts = pipeline::ingest(*pipe, pipeline::read_manifest(path));
  EXPECT_EQ(counts.devices, 1);
  EXPECT_EQ(counts.recordings, 2);
  const dj::Row device =
      (pipe->table("lab.Device") & dj::Row{{"device", "rig3-side-FLIR-BFS-U3-16S2M-21187654"}})
          .fetch1();
  EXPECT_EQ(device.get<std::string>("modality"), "video");
  EXPECT_EQ(device.get<std::string>("description"), "side camera");
  // Ingesting again adds nothing, and the device is kept as described.
  EXPECT_EQ(pipeline::ingest(*pipe, pipeline::read_manifest(path)).devices, 0);
}

TEST_F(Manifest, SessionIdIsStored) {
  const fs::path path =
      write("session_id.csv",
            "subject,subject_birth_date,session_datetime,session_id,recording_id,file_path\n"
            "m2,2024-01-02,2024-05-06 07:08:09,7,0,m2/a.avi\n"
            "m2,2024-01-02,2024-05-07 07:08:09,,0,m2/b.avi\n");
  pipeline::ingest(*pipe, pipeline::read_manifest(path));
  const auto session = pipe->table("session.Session");
  EXPECT_EQ((session & dj::Row{{"subject", "m2"}, {"session_datetime", "2024-05-06 07:08:09"}})
                .fetch1()
                .get<int>("session_id"),
            7);
  EXPECT_TRUE((session & dj::Row{{"subject", "m2"}, {"session_datetime", "2024-05-07 07:08:09"}})
                  .fetch1()
                  .is_null("session_id"));
}

TEST_F(Manifest, RowsOfOneRecordingAreItsFilesWhereverTheyStandAndHoweverTheDateIsWritten) {
  // A spreadsheet's byte-order mark, a recording's rows apart, ISO's 'T' and a date alone.
  const fs::path path = write("apart.csv", "\xEF\xBB\xBF" + kHeader +
                                               "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n"
                                               "m3,F,2024-01-03,2024-05-06,0,m3/a.avi\n"
                                               "m2,M,2024-01-02,2024-05-06T07:08:09,0,m2/b.avi\n"
                                               "m3,F,2024-01-03,2024-05-06 00:00:00,0,m3/b.avi\n");
  const auto entries = pipeline::read_manifest(path);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].session_datetime, "2024-05-06 07:08:09");
  EXPECT_EQ(entries[0].files, (std::vector<std::string>{"m2/a.avi", "m2/b.avi"}));
  EXPECT_EQ(entries[1].session_datetime, "2024-05-06 00:00:00");
  EXPECT_EQ(entries[1].files, (std::vector<std::string>{"m3/a.avi", "m3/b.avi"}));
  EXPECT_EQ(pipeline::ingest(*pipe, entries).files, 4);
}

TEST_F(Manifest, TheCommandRefusesABadManifestAndInsertsNothing) {
  const fs::path path = write("month_first.csv", kHeader + "m2,M,2024-01-02,01/09/2024,0,a.avi\n");
  const auto before = counts();
  const auto result = fmtest::run_command(
      {std::string(FMPIPE_BINARY_DIR) + "/fmpipe", "ingest", path.string()},
      {"DATABASE_URL=" + fmtest::database_url(), "FMPIPE_SCHEMA_PREFIX=" + prefix});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find(path.string() +
                               " line 2, column session_datetime: '01/09/2024' is not an ISO "
                               "8601 date (YYYY-MM-DD[ HH:MM:SS])"),
            std::string::npos)
      << result.output;
  EXPECT_EQ(counts(), before);
}

TEST_F(Manifest, FilesAreFoundUnderTheDataRootsAndStoredRelativeToThem) {
  const fs::path root = folder / "raw";
  fs::create_directories(root / "m2");
  std::ofstream(root / "m2" / "a.avi") << "video";
  std::ofstream(root / "m2" / "b.avi") << "video";
  const pipeline::DataRoots roots({root}, {});
  const auto manifest = [&](const std::string& name, const std::string& file) {
    return write(name, kHeader + "m2,M,2024-01-02,2024-05-06 07:08:09,0,m2/a.avi\n" +
                           "m2,M,2024-01-02,2024-05-06 07:08:09,0," + file + "\n");
  };
  // An absolute path under a root is stored relative to it, with a note.
  const fs::path absolute = manifest("absolute.csv", (root / "m2" / "b.avi").string());
  auto entries = pipeline::read_manifest(absolute);
  EXPECT_EQ(
      pipeline::locate_files(entries, roots),
      std::vector<std::string>{absolute.string() + " line 3: '" + (root / "m2" / "b.avi").string() +
                               "' is stored relative to its data root, as 'm2/b.avi'"});
  EXPECT_EQ(entries[0].files, (std::vector<std::string>{"m2/a.avi", "m2/b.avi"}));

  const std::vector<Refusal> refusals = {
      {"missing.csv", "m2/c.avi",
       "FILE line 3: video file: data path 'm2/c.avi' exists under no data root (" + root.string() +
           ")"},
      {"outside.csv", (folder / "elsewhere.avi").string(),
       "FILE line 3: video file: '" + (folder / "elsewhere.avi").string() +
           "' lies under no data root (" + root.string() + ")"},
      {"up.csv", "m2/../../raw/m2/a.avi",
       "FILE line 3: video file: 'm2/../../raw/m2/a.avi' leads out of the data roots"},
  };
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.name);
    const fs::path path = manifest(refusal.name, refusal.text);
    auto refused = pipeline::read_manifest(path);
    try {
      pipeline::locate_files(refused, roots);
      ADD_FAILURE() << "accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()), replace_all(refusal.error, "FILE", path.string()));
    }
  }
}

TEST_F(Manifest, TheCommandsAddADeviceAndIngestFilesUnderTheDataRoots) {
  const fs::path root = folder / "raw";
  fs::create_directories(root / "m2");
  std::ofstream(root / "m2" / "a.avi") << "video";
  const std::vector<std::string> environment = {"DATABASE_URL=" + fmtest::database_url(),
                                                "FMPIPE_SCHEMA_PREFIX=" + prefix,
                                                "FACEMAP_ROOT_DATA_DIR=" + root.string()};
  const std::string fmpipe = std::string(FMPIPE_BINARY_DIR) + "/fmpipe";
  const std::string header =
      "subject,subject_birth_date,session_datetime,recording_id,device,file_path\n";
  const auto before = counts();

  const fs::path missing =
      write("missing.csv", header + "m2,2024-01-02,2024-05-06 07:08:09,0,camera1,m2/b.avi\n");
  auto result = fmtest::run_command({fmpipe, "ingest", missing.string()}, environment);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find(missing.string() +
                               " line 2: video file: data path 'm2/b.avi' exists under no data "
                               "root (" +
                               root.string() + ")"),
            std::string::npos)
      << result.output;

  const fs::path manifest =
      write("side.csv", header + "m2,2024-01-02,2024-05-06 07:08:09,0,camera1," +
                            (root / "m2/a.avi").string() + "\n");
  result = fmtest::run_command({fmpipe, "ingest", manifest.string()}, environment);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("device 'camera1' is not in lab.Device"), std::string::npos)
      << result.output;
  EXPECT_EQ(counts(), before);

  result = fmtest::run_command(
      {fmpipe, "device", "add", "camera1", "--modality", "video", "--description", "side camera"},
      environment);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("added device camera1 (video)"), std::string::npos) << result.output;
  result = fmtest::run_command({fmpipe, "ingest", manifest.string()}, environment);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("is stored relative to its data root, as 'm2/a.avi'"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("added 0 device(s), 1 subject(s), 1 session(s), 1 recording(s), "
                               "1 file(s)"),
            std::string::npos)
      << result.output;
  EXPECT_EQ(
      (pipe->table("facial_behavior_estimation.VideoRecording.File") & dj::Row{{"subject", "m2"}})
          .fetch1()
          .get<std::string>("file_path"),
      "m2/a.avi");
  // Another description of an existing device is refused, naming both.
  result = fmtest::run_command({fmpipe, "device", "add", "camera1", "--modality", "thermal"},
                               environment);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("device 'camera1' is in lab.Device with modality 'video', not "
                               "'thermal'"),
            std::string::npos)
      << result.output;
}
