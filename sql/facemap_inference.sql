-- fm_facemap_inference: generated from schemas/facemap_inference.dj by the declaration layer (fmpipe init --write-sql); do not edit.

CREATE SCHEMA "fm_facemap_inference";

CREATE TABLE IF NOT EXISTS "fm_facemap_inference"."#body_part" (
"body_part" varchar(64) NOT NULL,
"body_part_description" varchar(1000) NOT NULL DEFAULT '',
PRIMARY KEY ("body_part")
) ;
COMMENT ON TABLE "fm_facemap_inference"."#body_part" IS 'the 15 Facemap keypoints, in Facemap''s order';
COMMENT ON COLUMN "fm_facemap_inference"."#body_part"."body_part" IS ':varchar(64):up to 64 characters, for the part names of models a lab trains itself';
COMMENT ON COLUMN "fm_facemap_inference"."#body_part"."body_part_description" IS ':varchar(1000):';
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('#body_part', 'body_part', 'fm_facemap_inference.#body_part.body_part');

CREATE TABLE IF NOT EXISTS "fm_facemap_inference"."facemap_model" (
"model_id" integer NOT NULL,
"model_name" varchar(128) NOT NULL,
"model_description" varchar(1000) NOT NULL DEFAULT '',
PRIMARY KEY ("model_id")
) ;
COMMENT ON TABLE "fm_facemap_inference"."facemap_model" IS '';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_model"."model_id" IS ':int32:';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_model"."model_name" IS ':varchar(128):up to 128 characters, often a weights file name with its training date';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_model"."model_description" IS ':varchar(1000):';
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_model', 'model_id', 'fm_facemap_inference.facemap_model.model_id');

CREATE TABLE IF NOT EXISTS "fm_facemap_inference"."facemap_model__body_part" (
"model_id" integer NOT NULL,
"body_part" varchar(64) NOT NULL,
PRIMARY KEY ("model_id", "body_part"),
FOREIGN KEY ("model_id") REFERENCES "fm_facemap_inference"."facemap_model" ("model_id") ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY ("body_part") REFERENCES "fm_facemap_inference"."#body_part" ("body_part") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
CREATE INDEX "idx_facemap_model__body_part_body_part" ON "fm_facemap_inference"."facemap_model__body_part" ("body_part");
COMMENT ON TABLE "fm_facemap_inference"."facemap_model__body_part" IS '';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_model__body_part"."model_id" IS ':int32:';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_model__body_part"."body_part" IS ':varchar(64):';
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_model__body_part', 'model_id', 'fm_facemap_inference.facemap_model.model_id');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_model__body_part', 'body_part', 'fm_facemap_inference.#body_part.body_part');

CREATE TABLE IF NOT EXISTS "fm_facemap_inference"."facemap_model__file" (
"model_id" integer NOT NULL,
"model_file" bytea NOT NULL,
PRIMARY KEY ("model_id"),
FOREIGN KEY ("model_id") REFERENCES "fm_facemap_inference"."facemap_model" ("model_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facemap_inference"."facemap_model__file" IS '';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_model__file"."model_id" IS ':int32:';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_model__file"."model_file" IS ':<attach>:the weights file, stored in the database';
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_model__file', 'model_id', 'fm_facemap_inference.facemap_model.model_id');

CREATE TYPE "fm_facemap_inference"."enum_173a4515" AS ENUM ('load', 'trigger');
CREATE TABLE IF NOT EXISTS "fm_facemap_inference"."facemap_inference_task" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"model_id" integer NOT NULL,
"inference_task_id" smallint NOT NULL,
"facemap_inference_output_dir" varchar(1024) NOT NULL,
"task_description" varchar(128) NOT NULL DEFAULT '',
"task_mode" "fm_facemap_inference"."enum_173a4515" NOT NULL DEFAULT 'load',
"bbox" bytea DEFAULT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "model_id", "inference_task_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id") REFERENCES "fm_facial_behavior_estimation"."video_recording" ("subject", "session_datetime", "recording_id") ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY ("model_id") REFERENCES "fm_facemap_inference"."facemap_model" ("model_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
CREATE INDEX "idx_facemap_inference_task_model_id" ON "fm_facemap_inference"."facemap_inference_task" ("model_id");
COMMENT ON TABLE "fm_facemap_inference"."facemap_inference_task" IS 'pairs a recording with a model and a crop; another task id runs it again with other ones';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_inference_task"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_inference_task"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_inference_task"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_inference_task"."model_id" IS ':int32:';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_inference_task"."inference_task_id" IS ':int16:(new) as FacemapTask''s facemap_task_id';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_inference_task"."facemap_inference_output_dir" IS ':varchar(1024):relative to a data root (see pipeline/task_paths.hpp)';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_inference_task"."task_description" IS ':varchar(128):';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_inference_task"."task_mode" IS ':enum(''load'', ''trigger''):';
COMMENT ON COLUMN "fm_facemap_inference"."facemap_inference_task"."bbox" IS ':<blob>:[x1, x2, y1, y2] crop, full-frame pixels';
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_inference_task', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_inference_task', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_inference_task', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_inference_task', 'model_id', 'fm_facemap_inference.facemap_model.model_id');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_inference_task', 'inference_task_id', 'fm_facemap_inference.facemap_inference_task.inference_task_id');

CREATE TABLE IF NOT EXISTS "fm_facemap_inference"."__facemap_inference" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"model_id" integer NOT NULL,
"inference_task_id" smallint NOT NULL,
"inference_completion_time" timestamp NOT NULL,
"inference_run_duration" real NOT NULL,
"total_frame_count" integer NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "model_id", "inference_task_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "model_id", "inference_task_id") REFERENCES "fm_facemap_inference"."facemap_inference_task" ("subject", "session_datetime", "recording_id", "model_id", "inference_task_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facemap_inference"."__facemap_inference" IS '';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference"."model_id" IS ':int32:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference"."inference_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference"."inference_completion_time" IS ':datetime:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference"."inference_run_duration" IS ':float32:seconds';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference"."total_frame_count" IS ':int32:';
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference', 'model_id', 'fm_facemap_inference.facemap_model.model_id');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference', 'inference_task_id', 'fm_facemap_inference.facemap_inference_task.inference_task_id');

CREATE TABLE IF NOT EXISTS "fm_facemap_inference"."__facemap_inference__body_part_position" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"model_id" integer NOT NULL,
"inference_task_id" smallint NOT NULL,
"body_part" varchar(64) NOT NULL,
"x_pos" bytea NOT NULL,
"y_pos" bytea NOT NULL,
"likelihood" bytea NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "model_id", "inference_task_id", "body_part"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "model_id", "inference_task_id") REFERENCES "fm_facemap_inference"."__facemap_inference" ("subject", "session_datetime", "recording_id", "model_id", "inference_task_id") ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY ("model_id", "body_part") REFERENCES "fm_facemap_inference"."facemap_model__body_part" ("model_id", "body_part") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
CREATE INDEX "idx___facemap_inference__body_part_position_model_id_body_part" ON "fm_facemap_inference"."__facemap_inference__body_part_position" ("model_id", "body_part");
COMMENT ON TABLE "fm_facemap_inference"."__facemap_inference__body_part_position" IS '';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference__body_part_position"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference__body_part_position"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference__body_part_position"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference__body_part_position"."model_id" IS ':int32:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference__body_part_position"."inference_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference__body_part_position"."body_part" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference__body_part_position"."x_pos" IS ':<blob>:(nframes) full-frame pixels';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference__body_part_position"."y_pos" IS ':<blob>:';
COMMENT ON COLUMN "fm_facemap_inference"."__facemap_inference__body_part_position"."likelihood" IS ':<blob>:';
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference__body_part_position', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference__body_part_position', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference__body_part_position', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference__body_part_position', 'model_id', 'fm_facemap_inference.facemap_model.model_id');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference__body_part_position', 'inference_task_id', 'fm_facemap_inference.facemap_inference_task.inference_task_id');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference__body_part_position', 'model_id', 'fm_facemap_inference.facemap_model.model_id');
INSERT INTO "fm_facemap_inference"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_inference__body_part_position', 'body_part', 'fm_facemap_inference.#body_part.body_part');

