-- fm_session: generated from schemas/session.dj by the declaration layer (fmpipe init --write-sql); do not edit.

CREATE SCHEMA "fm_session";

CREATE TABLE IF NOT EXISTS "fm_session"."session" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp NOT NULL,
"session_id" integer DEFAULT NULL,
PRIMARY KEY ("subject", "session_datetime"),
FOREIGN KEY ("subject") REFERENCES "fm_subject"."subject" ("subject") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_session"."session" IS '';
COMMENT ON COLUMN "fm_session"."session"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_session"."session"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_session"."session"."session_id" IS ':int32:';
INSERT INTO "fm_session"."~lineage" (table_name, attribute_name, lineage) VALUES ('session', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_session"."~lineage" (table_name, attribute_name, lineage) VALUES ('session', 'session_datetime', 'fm_session.session.session_datetime');

CREATE TABLE IF NOT EXISTS "fm_session"."session_directory" (
"subject" varchar(64) NOT NULL,
"session_datetime" timestamp without time zone NOT NULL,
"session_dir" varchar(1024) NOT NULL,
PRIMARY KEY ("subject", "session_datetime"),
FOREIGN KEY ("subject", "session_datetime") REFERENCES "fm_session"."session" ("subject", "session_datetime") ON UPDATE CASCADE ON DELETE RESTRICT
) ;
COMMENT ON TABLE "fm_session"."session_directory" IS '';
COMMENT ON COLUMN "fm_session"."session_directory"."subject" IS ':varchar(64):';
COMMENT ON COLUMN "fm_session"."session_directory"."session_datetime" IS ':datetime:';
COMMENT ON COLUMN "fm_session"."session_directory"."session_dir" IS ':varchar(1024):relative to a data root, up to 1024 characters for deep folder trees';
INSERT INTO "fm_session"."~lineage" (table_name, attribute_name, lineage) VALUES ('session_directory', 'subject', 'fm_subject.subject.subject');
INSERT INTO "fm_session"."~lineage" (table_name, attribute_name, lineage) VALUES ('session_directory', 'session_datetime', 'fm_session.session.session_datetime');

