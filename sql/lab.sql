-- fm_lab: generated from schemas/lab.dj by the declaration layer (fmpipe init --write-sql); do not edit.

CREATE SCHEMA "fm_lab";

CREATE TABLE IF NOT EXISTS "fm_lab"."#device" (
"device" varchar(64) NOT NULL,
"modality" varchar(64) NOT NULL,
"description" varchar(256) NOT NULL DEFAULT '',
PRIMARY KEY ("device")
) ;
COMMENT ON TABLE "fm_lab"."#device" IS 'cameras and other acquisition devices';
COMMENT ON COLUMN "fm_lab"."#device"."device" IS ':varchar(64):up to 64 characters, for a rig, a camera model and its serial number';
COMMENT ON COLUMN "fm_lab"."#device"."modality" IS ':varchar(64):';
COMMENT ON COLUMN "fm_lab"."#device"."description" IS ':varchar(256):';
INSERT INTO "fm_lab"."~lineage" (table_name, attribute_name, lineage) VALUES ('#device', 'device', 'fm_lab.#device.device');

