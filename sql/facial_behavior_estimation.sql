-- fm_facial_behavior_estimation: generated from schemas/facial_behavior_estimation.dj by the declaration layer (fmpipe init --write-sql); do not edit.

CREATE SCHEMA "fm_facial_behavior_estimation";

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."video_recording" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"device" varchar(64) NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id"),
FOREIGN KEY ("subject", "session_datetime") REFERENCES "fm_session"."session" ("subject", "session_datetime") ON UPDATE CASCADE ON DELETE RESTRICT,
FOREIGN KEY ("device") REFERENCES "fm_lab"."#device" ("device") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
CREATE INDEX "idx_video_recording_device" ON "fm_facial_behavior_estimation"."video_recording" ("device");
COMMENT ON TABLE "fm_facial_behavior_estimation"."video_recording" IS 'one recording session of one camera';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."video_recording"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."video_recording"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."video_recording"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."video_recording"."device" IS ':varchar(64):';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('video_recording', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('video_recording', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('video_recording', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('video_recording', 'device', 'fm_lab.#device.device');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."video_recording__file" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"file_id" smallint NOT NULL,
"file_path" varchar(1024) NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "file_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id") REFERENCES "fm_facial_behavior_estimation"."video_recording" ("subject", "session_datetime", "recording_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."video_recording__file" IS 'the recording''s files, in time order';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."video_recording__file"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."video_recording__file"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."video_recording__file"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."video_recording__file"."file_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."video_recording__file"."file_path" IS ':varchar(1024):relative to a data root, up to 1024 characters for deep folder trees';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('video_recording__file', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('video_recording__file', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('video_recording__file', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('video_recording__file', 'file_id', 'fm_facial_behavior_estimation.video_recording__file.file_id');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."_recording_info" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"px_height" integer NOT NULL,
"px_width" integer NOT NULL,
"nframes" integer NOT NULL,
"fps" real NOT NULL,
"recording_duration" real NOT NULL,
"recording_time" timestamp DEFAULT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id") REFERENCES "fm_facial_behavior_estimation"."video_recording" ("subject", "session_datetime", "recording_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."_recording_info" IS 'read from the video files themselves';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_recording_info"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_recording_info"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_recording_info"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_recording_info"."px_height" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_recording_info"."px_width" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_recording_info"."nframes" IS ':int32:decoded frame count, summed over files';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_recording_info"."fps" IS ':float32:frames per second (fractional)';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_recording_info"."recording_duration" IS ':float32:seconds';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_recording_info"."recording_time" IS ':datetime:from the container''s creation time when present';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_recording_info', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_recording_info', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_recording_info', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');

CREATE TYPE "fm_facial_behavior_estimation"."enum_173a4515" AS ENUM ('load', 'trigger');
CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."facemap_task" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
"facemap_output_dir" varchar(1024) NOT NULL DEFAULT '',
"task_mode" "fm_facial_behavior_estimation"."enum_173a4515" NOT NULL DEFAULT 'load',
"facemap_params" bytea NOT NULL,
"do_mot_svd" boolean NOT NULL DEFAULT '1',
"do_mov_svd" boolean NOT NULL DEFAULT '0',
"task_description" varchar(128) NOT NULL DEFAULT '',
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id") REFERENCES "fm_facial_behavior_estimation"."video_recording" ("subject", "session_datetime", "recording_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."facemap_task" IS 'pairs a recording with processing parameters';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."facemap_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."facemap_output_dir" IS ':varchar(1024):relative to a data root (see pipeline/task_paths.hpp)';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."task_mode" IS ':enum(''load'', ''trigger''):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."facemap_params" IS ':<blob>:dict: sbin, rois (list of dicts), ...';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."do_mot_svd" IS ':bool:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."do_mov_svd" IS ':bool:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."facemap_task"."task_description" IS ':varchar(128):';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_task', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_task', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_task', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('facemap_task', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."__facemap_processing" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
"processing_time" timestamp NOT NULL,
"package_version" varchar(16) NOT NULL DEFAULT '',
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "facemap_task_id") REFERENCES "fm_facial_behavior_estimation"."facemap_task" ("subject", "session_datetime", "recording_id", "facemap_task_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."__facemap_processing" IS 'runs (trigger) or finds (load) the analysis';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."__facemap_processing"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."__facemap_processing"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."__facemap_processing"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."__facemap_processing"."facemap_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."__facemap_processing"."processing_time" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."__facemap_processing"."package_version" IS ':varchar(16):';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_processing', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_processing', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_processing', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('__facemap_processing', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."_facial_signal" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "facemap_task_id") REFERENCES "fm_facial_behavior_estimation"."__facemap_processing" ("subject", "session_datetime", "recording_id", "facemap_task_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."_facial_signal" IS 'results of the SVD analysis';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal"."facemap_task_id" IS ':int16:';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."_facial_signal__region" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
"roi_no" integer NOT NULL,
"roi_name" varchar(16) NOT NULL DEFAULT '',
"xrange" bytea DEFAULT NULL,
"yrange" bytea DEFAULT NULL,
"xrange_bin" bytea DEFAULT NULL,
"yrange_bin" bytea DEFAULT NULL,
"motion" bytea DEFAULT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "facemap_task_id") REFERENCES "fm_facial_behavior_estimation"."_facial_signal" ("subject", "session_datetime", "recording_id", "facemap_task_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."_facial_signal__region" IS '';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."facemap_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."roi_no" IS ':int32:0 = full frame when the full-frame SVD was computed';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."roi_name" IS ':varchar(16):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."xrange" IS ':<blob>:pixel indices, full resolution';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."yrange" IS ':<blob>:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."xrange_bin" IS ':<blob>:indices after spatial binning';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."yrange_bin" IS ':<blob>:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__region"."motion" IS ':<blob>:motion energy per frame (nframes)';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__region', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__region', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__region', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__region', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__region', 'roi_no', 'fm_facial_behavior_estimation._facial_signal__region.roi_no');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
"roi_no" integer NOT NULL,
"component_id" integer NOT NULL,
"singular_value" real DEFAULT NULL,
"motmask" bytea NOT NULL,
"projection" bytea NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no", "component_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") REFERENCES "fm_facial_behavior_estimation"."_facial_signal__region" ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d" IS '';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d"."facemap_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d"."roi_no" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d"."component_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d"."singular_value" IS ':float32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d"."motmask" IS ':<blob>:(y, x) mask of this component';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__motion_s_v_d"."projection" IS ':<blob>:(nframes) time course of this component';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__motion_s_v_d', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__motion_s_v_d', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__motion_s_v_d', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__motion_s_v_d', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__motion_s_v_d', 'roi_no', 'fm_facial_behavior_estimation._facial_signal__region.roi_no');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__motion_s_v_d', 'component_id', 'fm_facial_behavior_estimation._facial_signal__motion_s_v_d.component_id');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
"roi_no" integer NOT NULL,
"component_id" integer NOT NULL,
"singular_value" real DEFAULT NULL,
"movmask" bytea NOT NULL,
"projection" bytea NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no", "component_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") REFERENCES "fm_facial_behavior_estimation"."_facial_signal__region" ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d" IS '';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d"."facemap_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d"."roi_no" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d"."component_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d"."singular_value" IS ':float32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d"."movmask" IS ':<blob>:(y, x) mask of this component';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__movie_s_v_d"."projection" IS ':<blob>:(nframes) time course of this component';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__movie_s_v_d', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__movie_s_v_d', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__movie_s_v_d', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__movie_s_v_d', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__movie_s_v_d', 'roi_no', 'fm_facial_behavior_estimation._facial_signal__region.roi_no');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__movie_s_v_d', 'component_id', 'fm_facial_behavior_estimation._facial_signal__movie_s_v_d.component_id');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."_facial_signal__summary" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
"sbin" integer NOT NULL,
"avgframe" bytea NOT NULL,
"avgmotion" bytea NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "facemap_task_id") REFERENCES "fm_facial_behavior_estimation"."_facial_signal" ("subject", "session_datetime", "recording_id", "facemap_task_id") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."_facial_signal__summary" IS '';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__summary"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__summary"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__summary"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__summary"."facemap_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__summary"."sbin" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__summary"."avgframe" IS ':<blob>:(y, x) mean binned frame';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__summary"."avgmotion" IS ':<blob>:(y, x) mean binned motion frame';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__summary', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__summary', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__summary', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__summary', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."_facial_signal__pupil" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
"roi_no" integer NOT NULL,
"area" bytea NOT NULL,
"area_smooth" bytea NOT NULL,
"com" bytea NOT NULL,
"com_smooth" bytea NOT NULL,
"axdir" bytea NOT NULL,
"axlen" bytea NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") REFERENCES "fm_facial_behavior_estimation"."_facial_signal__region" ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."_facial_signal__pupil" IS 'pupil regions (new)';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."facemap_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."roi_no" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."area" IS ':<blob>:(nframes) pixels^2';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."area_smooth" IS ':<blob>:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."com" IS ':<blob>:(nframes, 2) row, col in full-frame pixels';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."com_smooth" IS ':<blob>:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."axdir" IS ':<blob>:(nframes, 2, 2)';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__pupil"."axlen" IS ':<blob>:(nframes, 2)';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__pupil', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__pupil', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__pupil', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__pupil', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__pupil', 'roi_no', 'fm_facial_behavior_estimation._facial_signal__region.roi_no');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."_facial_signal__blink" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
"roi_no" integer NOT NULL,
"blink" bytea NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") REFERENCES "fm_facial_behavior_estimation"."_facial_signal__region" ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."_facial_signal__blink" IS 'blink regions (new)';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__blink"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__blink"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__blink"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__blink"."facemap_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__blink"."roi_no" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__blink"."blink" IS ':<blob>:(nframes)';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__blink', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__blink', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__blink', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__blink', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__blink', 'roi_no', 'fm_facial_behavior_estimation._facial_signal__region.roi_no');

CREATE TABLE IF NOT EXISTS "fm_facial_behavior_estimation"."_facial_signal__running" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"recording_id" integer NOT NULL,
"facemap_task_id" smallint NOT NULL,
"roi_no" integer NOT NULL,
"dy" bytea NOT NULL,
"dx" bytea NOT NULL,
PRIMARY KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no"),
FOREIGN KEY ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") REFERENCES "fm_facial_behavior_estimation"."_facial_signal__region" ("subject", "session_datetime", "recording_id", "facemap_task_id", "roi_no") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_facial_behavior_estimation"."_facial_signal__running" IS 'running regions (new)';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__running"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__running"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__running"."recording_id" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__running"."facemap_task_id" IS ':int16:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__running"."roi_no" IS ':int32:';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__running"."dy" IS ':<blob>:(nframes) frame-to-frame shift, pixels';
COMMENT ON COLUMN "fm_facial_behavior_estimation"."_facial_signal__running"."dx" IS ':<blob>:';
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__running', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__running', 'session_datetime', 'fm_session.session.session_datetime');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__running', 'recording_id', 'fm_facial_behavior_estimation.video_recording.recording_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__running', 'facemap_task_id', 'fm_facial_behavior_estimation.facemap_task.facemap_task_id');
INSERT INTO "fm_facial_behavior_estimation"."~lineage" (table_name, attribute_name, lineage) VALUES ('_facial_signal__running', 'roi_no', 'fm_facial_behavior_estimation._facial_signal__region.roi_no');

