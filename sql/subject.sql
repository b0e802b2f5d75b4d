-- fm_subject: generated from schemas/subject.dj by the declaration layer (fmpipe init --write-sql); do not edit.

CREATE SCHEMA "fm_subject";

CREATE TYPE "fm_subject"."enum_e54fc739" AS ENUM ('M', 'F', 'U');
CREATE TABLE IF NOT EXISTS "fm_subject"."subject" (
"subject" varchar(64) NOT NULL,
"subject_nickname" varchar(64) NOT NULL DEFAULT '',
"sex" "fm_subject"."enum_e54fc739" NOT NULL,
"subject_birth_date" date NOT NULL,
"subject_description" varchar(1024) NOT NULL DEFAULT '',
PRIMARY KEY ("subject")
) ;
COMMENT ON TABLE "fm_subject"."subject" IS '';
COMMENT ON COLUMN "fm_subject"."subject"."subject" IS ':varchar(64):the lab identifier, up to 64 characters, for colony and LIMS ids or a UUID with a prefix';
COMMENT ON COLUMN "fm_subject"."subject"."subject_nickname" IS ':varchar(64):';
COMMENT ON COLUMN "fm_subject"."subject"."sex" IS ':enum(''M'', ''F'', ''U''):';
COMMENT ON COLUMN "fm_subject"."subject"."subject_birth_date" IS ':date:';
COMMENT ON COLUMN "fm_subject"."subject"."subject_description" IS ':varchar(1024):';
INSERT INTO "fm_subject"."~lineage" (table_name, attribute_name, lineage) VALUES ('subject', 'subject', 'fm_subject.subject.subject');

