#include "pipeline/sql_helpers.hpp"

#include <pqxx/pqxx>

#include "dj/identifiers.hpp"

namespace pipeline {
namespace {

// The decoder, in Python, kept in the session's shared dictionary GD by one function and used by
// the others, so that its source exists once. It reads the DataJoint blob format
// (docs: datajoint-compat.md): an optional "ZL123\0" + u64 length + zlib envelope, the
// "mYm\0" / "dj0\0" header, then an 'A' array: u64 ndim, u64 shape[ndim], u32 class id,
// u32 complex flag, the elements in column-major order.
constexpr const char* kDecoderBody = R"py(
import struct
import zlib

# element formats of struct by MATLAB class id (DataJoint's numeric dtypes)
FORMATS = {3: ("bool", "?"), 6: ("float64", "d"), 7: ("float32", "f"), 8: ("int8", "b"),
           9: ("uint8", "B"), 10: ("int16", "h"), 11: ("uint16", "H"), 12: ("int32", "i"),
           13: ("uint32", "I"), 14: ("int64", "q"), 15: ("uint64", "Q")}


def decode(blob):
    """(dtype, shape, elements in column-major order) of a numeric DataJoint blob."""
    data = bytes(blob)
    if data[:6] == b"ZL123\0":
        length = struct.unpack_from("<Q", data, 6)[0]
        data = zlib.decompress(data[14:])
        if len(data) != length:
            plpy.error("DataJoint blob: the compressed blob inflates to %d bytes, not %d"
                       % (len(data), length))
    if data[:4] not in (b"mYm\0", b"dj0\0"):
        plpy.error("not a DataJoint blob (no mYm/dj0 header)")
    if data[4:5] != b"A":
        plpy.error("DataJoint blob: holds a %r value, not a numeric array" % data[4:5])
    ndim = struct.unpack_from("<Q", data, 5)[0]
    shape = list(struct.unpack_from("<%dQ" % ndim, data, 13))
    offset = 13 + 8 * ndim
    class_id, is_complex = struct.unpack_from("<II", data, offset)
    if class_id not in FORMATS or is_complex:
        plpy.error("DataJoint blob: class id %d%s is not a real numeric type"
                   % (class_id, " (complex)" if is_complex else ""))
    dtype, code = FORMATS[class_id]
    count = 1
    for n in shape:
        count *= n
    values = struct.unpack_from("<%d%s" % (count, code), data, offset + 8)
    return dtype, shape, values


def nested(values, shape):
    """Column-major elements as nested row-major lists (a PostgreSQL multi-dimensional array)."""
    if len(shape) <= 1:
        return list(values)
    strides = [1]
    for n in shape[:-1]:
        strides.append(strides[-1] * n)

    def build(dim, base):
        if dim == len(shape) - 1:
            return [values[base + i * strides[dim]] for i in range(shape[dim])]
        return [build(dim + 1, base + i * strides[dim]) for i in range(shape[dim])]
    return build(0, 0)


GD["dj_blob"] = (decode, nested)
)py";

// Each function's body starts by loading the decoder into GD, once per session.
std::string python_function(const std::string& schema, const std::string& signature,
                            const std::string& returns, const std::string& comment,
                            const std::string& body) {
  const std::string name = signature.substr(0, signature.find('('));
  return "CREATE OR REPLACE FUNCTION " + schema + "." + signature + " RETURNS " + returns +
         "\nLANGUAGE plpython3u IMMUTABLE STRICT PARALLEL SAFE AS $py$\n"
         "if \"dj_blob\" not in GD:\n    plpy.execute('SELECT " +
         schema + "._load_blob_decoder()')\ndecode, nested = GD[\"dj_blob\"]\n" + body +
         "$py$;\nCOMMENT ON FUNCTION " + schema + "." + signature + " IS '" + comment + "';\n\n";
}

std::string functions(const std::string& schema) {
  std::string sql = "CREATE OR REPLACE FUNCTION " + schema +
                    "._load_blob_decoder() RETURNS void\nLANGUAGE plpython3u AS $py$" +
                    kDecoderBody + "$py$;\n\n";
  sql += python_function(schema, "blob_shape(blob bytea)", "bigint[]",
                         "the shape of a numeric DataJoint blob", "return decode(blob)[1]\n");
  sql += python_function(schema, "blob_dtype(blob bytea)", "text",
                         "the numpy dtype of a numeric DataJoint blob", "return decode(blob)[0]\n");
  sql += python_function(
      schema, "blob_float8(blob bytea)", "double precision[]",
      "a numeric DataJoint blob as an array of its shape (element [i][j] is numpy''s [i-1, j-1])",
      "dtype, shape, values = decode(blob)\nreturn nested([float(v) for v in values], shape)\n");
  sql += python_function(schema, "blob_int8(blob bytea)", "bigint[]",
                         "an integer or boolean DataJoint blob as an array of its shape",
                         "dtype, shape, values = decode(blob)\n"
                         "if dtype.startswith(\"float\"):\n"
                         "    plpy.error(\"DataJoint blob: %s values are not integers\" % dtype)\n"
                         "return nested([int(v) for v in values], shape)\n");
  sql += python_function(
      schema, "blob_column(blob bytea, col integer)", "double precision[]",
      "column col (1-based) of a 2-d numeric DataJoint blob, e.g. the x of (nframes, 2) positions",
      "dtype, shape, values = decode(blob)\n"
      "if len(shape) != 2 or not 1 <= col <= shape[1]:\n"
      "    plpy.error(\"DataJoint blob: no column %d in an array of shape %s\" % (col, shape))\n"
      "rows = shape[0]\nreturn [float(v) for v in values[(col - 1) * rows:col * rows]]\n");
  return sql;
}

struct ViewSpec {
  const char* name;
  const char* comment;
  const char* select;  ///< with {fbe} for the facial_behavior_estimation schema, {inf}, {v}
};

// The views. Keys come first, then values; blobs become arrays through the functions above.
// Unused columns of a view cost nothing: PostgreSQL drops them when it inlines the view.
constexpr ViewSpec kViews[] = {
    {"recording", "recordings with what their videos hold",
     "SELECT r.subject, r.session_datetime, r.recording_id, r.device, i.nframes, i.fps,\n"
     "  i.px_height, i.px_width, i.recording_duration, i.recording_time\n"
     "FROM {fbe}.video_recording r LEFT JOIN {fbe}._recording_info i\n"
     "  USING (subject, session_datetime, recording_id)"},
    {"region", "analysed regions (roi_no 0: the full frame) with their motion energy",
     "SELECT subject, session_datetime, recording_id, facemap_task_id, roi_no, roi_name,\n"
     "  {v}.blob_float8(motion) AS motion_energy\nFROM {fbe}._facial_signal__region"},
    {"motion_svd", "motion SVD components: singular value, mask (y, x) and time course",
     "SELECT subject, session_datetime, recording_id, facemap_task_id, roi_no, component_id,\n"
     "  singular_value, {v}.blob_float8(motmask) AS mask, {v}.blob_float8(projection) AS "
     "projection\nFROM {fbe}._facial_signal__motion_s_v_d"},
    {"movie_svd", "movie SVD components: singular value, mask (y, x) and time course",
     "SELECT subject, session_datetime, recording_id, facemap_task_id, roi_no, component_id,\n"
     "  singular_value, {v}.blob_float8(movmask) AS mask, {v}.blob_float8(projection) AS "
     "projection\nFROM {fbe}._facial_signal__movie_s_v_d"},
    {"pupil", "pupil area (pixels^2) and centre (full-frame pixels) per frame",
     "SELECT subject, session_datetime, recording_id, facemap_task_id, roi_no,\n"
     "  {v}.blob_float8(area) AS area, {v}.blob_float8(area_smooth) AS area_smooth,\n"
     "  {v}.blob_column(com, 1) AS center_y, {v}.blob_column(com, 2) AS center_x,\n"
     "  {v}.blob_column(com_smooth, 1) AS center_y_smooth,\n"
     "  {v}.blob_column(com_smooth, 2) AS center_x_smooth\nFROM {fbe}._facial_signal__pupil"},
    {"blink", "blink trace per frame",
     "SELECT subject, session_datetime, recording_id, facemap_task_id, roi_no,\n"
     "  {v}.blob_float8(blink) AS blink\nFROM {fbe}._facial_signal__blink"},
    {"running", "running: frame-to-frame shift of the wheel (pixels)",
     "SELECT subject, session_datetime, recording_id, facemap_task_id, roi_no,\n"
     "  {v}.blob_float8(dy) AS dy, {v}.blob_float8(dx) AS dx\nFROM {fbe}._facial_signal__running"},
    {"keypoints", "keypoint positions (full-frame pixels) and likelihood per frame",
     "SELECT subject, session_datetime, recording_id, model_id, body_part,\n"
     "  {v}.blob_float8(x_pos) AS x, {v}.blob_float8(y_pos) AS y,\n"
     "  {v}.blob_float8(likelihood) AS likelihood\n"
     "FROM {inf}.__facemap_inference__body_part_position"},
};

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string sql_helpers_script(const std::string& prefix) {
  dj::validate_schema_name(prefix + "views");
  const std::string views = dj::quote_identifier(prefix + "views");
  const std::string fbe = dj::quote_identifier(prefix + "facial_behavior_estimation");
  const std::string inference = dj::quote_identifier(prefix + "facemap_inference");
  std::string sql =
      "-- SQL helpers of facemap-pipeline (generated by `fmpipe init`; see\n"
      "-- include/pipeline/sql_helpers.hpp). Blob decoding needs PL/Python.\n"
      "CREATE EXTENSION IF NOT EXISTS plpython3u;\n"
      "CREATE SCHEMA IF NOT EXISTS " +
      views + ";\n\n" + functions(views);
  for (const ViewSpec& view : kViews) {
    std::string select = replace_all(view.select, "{fbe}", fbe);
    select = replace_all(select, "{inf}", inference);
    select = replace_all(select, "{v}", views);
    sql += "CREATE OR REPLACE VIEW " + views + "." + view.name + " AS\n" + select + ";\n";
    sql += "COMMENT ON VIEW " + views + "." + view.name + " IS '" + view.comment + "';\n\n";
  }
  return sql;
}

void install_sql_helpers(const Pipeline& pipe) {
  pqxx::work work(pipe.connection().native());
  work.exec(sql_helpers_script(pipe.prefix()));
  work.commit();
}

}  // namespace pipeline
