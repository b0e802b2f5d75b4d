// Manifests (CSV, YAML, JSON) into subjects, sessions, recordings and files.

#include "pipeline/ingest.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "support/pipeline_test.hpp"

namespace {

class Ingest : public fmtest::PipelineTest {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = "/tmp/fmpipe_manifest_" + std::to_string(getpid()) + "_" + name;
    std::ofstream(path) << text;
    return path;
  }
};

}  // namespace

TEST_F(Ingest, CsvRowsBecomeRecordingsWithTheirFiles) {
  const auto path = write(
      "a.csv",
      "subject,sex,subject_birth_date,session_datetime,session_dir,recording_id,device,file_path\n"
      "m1,M,2024-01-02,2024-05-06 07:08:09,m1/s1,0,camera0,m1/s1/face_000.avi\n"
      "m1,M,2024-01-02,2024-05-06 07:08:09,m1/s1,0,camera0,m1/s1/face_001.avi\n"
      "m2,F,2024-02-03,\"2024-05-07 10:00:00\",m2/s1,1,camera0,\"m2/s1/with, comma.avi\"\n");
  const auto entries = pipeline::read_manifest(path);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].files,
            (std::vector<std::string>{"m1/s1/face_000.avi", "m1/s1/face_001.avi"}));
  EXPECT_EQ(entries[1].files, std::vector<std::string>{"m2/s1/with, comma.avi"});
  pipeline::Pipeline pipe(*connection, prefix);
  const auto counts = pipeline::ingest(pipe, entries);
  EXPECT_EQ(counts.subjects, 2);
  EXPECT_EQ(counts.sessions, 2);
  EXPECT_EQ(counts.recordings, 2);
  EXPECT_EQ(counts.files, 3);
  const auto again = pipeline::ingest(pipe, entries);
  EXPECT_EQ(again.subjects + again.sessions + again.recordings + again.files, 0);
  const auto files =
      pipe.table("facial_behavior_estimation.VideoRecording.File") & dj::Row{{"subject", "m1"}};
  dj::FetchOptions order;
  order.order_by = {"file_id"};
  const auto rows = files.fetch(order);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].get<std::string>("file_path"), "m1/s1/face_001.avi");
  EXPECT_EQ((pipe.table("session.SessionDirectory") & dj::Row{{"subject", "m2"}})
                .fetch1()
                .get<std::string>("session_dir"),
            "m2/s1");
}

TEST_F(Ingest, YamlAndJsonManifests) {
  const auto yaml = write("b.yaml",
                          "recordings:\n"
                          "  - subject: m3\n"
                          "    sex: U\n"
                          "    subject_birth_date: 2023-12-01\n"
                          "    session_datetime: 2024-06-01 12:00:00\n"
                          "    recording_id: 2\n"
                          "    files: [m3/face.mp4]\n");
  const auto json = write("c.json",
                          R"({"recordings": [{"subject": "m4", "subject_birth_date": "2023-11-01",
                              "session_datetime": "2024-06-02 08:00:00", "files": ["m4/a.avi", "m4/b.avi"]}]})");
  pipeline::Pipeline pipe(*connection, prefix);
  EXPECT_EQ(pipeline::ingest(pipe, pipeline::read_manifest(yaml)).files, 1);
  const auto from_json = pipeline::read_manifest(json);
  ASSERT_EQ(from_json.size(), 1u);
  EXPECT_EQ(from_json[0].recording_id, 0);
  EXPECT_EQ(from_json[0].device, "camera0");
  EXPECT_EQ(pipeline::ingest(pipe, from_json).files, 2);
  EXPECT_EQ(pipe.table("facial_behavior_estimation.VideoRecording").count(), 2);
}

TEST_F(Ingest, BadManifestsNameTheFileLineAndReason) {
  const auto message_of = [&](const std::string& name, const std::string& text) {
    const auto path = write(name, text);
    try {
      pipeline::read_manifest(path);
    } catch (const std::exception& e) {
      return std::string(e.what()).substr(path.size() + 1);  // after "<path> "
    }
    return std::string("no error");
  };
  EXPECT_EQ(message_of("d.csv", "subject,session_datetime,file_path\n"),
            "line 1: no 'recording_id' column");
  EXPECT_EQ(message_of("e.csv",
                       "subject,session_datetime,recording_id,file_path\nm1,2024-01-01,x,a.avi\n"),
            "line 2, column recording_id: 'x' is not an integer");
  EXPECT_EQ(
      message_of("f.csv", "subject,session_datetime,recording_id,file_path\nm1,2024-01-01,0\n"),
      "line 2: 3 fields, the header has 4");
  EXPECT_EQ(message_of("g.yaml", "recordings:\n  - subject: m1\n    files: [a.avi]\n"),
            "line 2 (recordings[0]): missing 'session_datetime'");
  EXPECT_EQ(message_of("h.txt", "x"),
            "has an unknown extension (a manifest is .csv, .yaml, .yml or .json)");
  // A recording whose subject lacks a birth date is refused before any SQL, and nothing is kept.
  pipeline::Pipeline pipe(*connection, prefix);
  pipeline::RecordingEntry good{"m5", "M", "2024-01-01", "",       "2024-06-03 09:00:00",
                                "",   0,   "camera0",    {"a.avi"}};
  pipeline::RecordingEntry bad{"m6", "M", "",        "",       "2024-06-03 09:00:00",
                               "",   0,   "camera0", {"b.avi"}};
  EXPECT_THROW(pipeline::ingest(pipe, {good, bad}), dj::InsertError);
  EXPECT_EQ(pipe.table("subject.Subject").count(), 0);
}
