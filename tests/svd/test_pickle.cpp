// The pickle reader and writer: hand-made streams for each opcode family, numpy's own pickles
// (made with numpy 1.24, pasted as hex), error reports, write -> read round trips, and the
// pickles inside the genuine fixtures (Facemap's pose metadata, torch.save's state dict).

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "facemap/io/pickle.hpp"
#include "support/test_database.hpp"

using facemap::RowMajorArray;
using facemap::pickle::Dict;
using facemap::pickle::Global;
using facemap::pickle::Items;
using facemap::pickle::Object;
using facemap::pickle::PickleError;
using facemap::pickle::read_pickle;
using facemap::pickle::ReadOptions;
using facemap::pickle::Value;
using facemap::pickle::write_pickle;

namespace {

// Pickles made by Python 3.11 and numpy 1.24.
// np.array([[1.5, -2, 3.25], [4, 5.5, -6]], "<f4"), protocol 2: raw bytes as
// _codecs.encode(text, "latin1")
constexpr const char* float32_protocol2_hex =
    "8002636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d"
    "70790a6e6461727261790a71014b00857102635f636f646563730a656e636f64650a71035801000000627104"
    "58060000006c6174696e317105867106527107877108527109284b014b024b0386710a636e756d70790a6474"
    "7970650a710b58020000006634710c898887710d52710e284b0358010000003c710f4e4e4e4affffffff4aff"
    "ffffff4b0074711062896803581e0000000000c3803f000000c380000050400000c280400000c2b0400000c3"
    "80c38071116805867112527113747114622e";

// np.asfortranarray(np.arange(6, dtype=">i8").reshape(2, 3)), protocol 3
constexpr const char* fortran_big_endian_hex =
    "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d"
    "70790a6e6461727261790a71014b008571024301627103877104527105284b014b024b03867106636e756d70"
    "790a64747970650a7107580200000069387108898887710952710a284b0358010000003e710b4e4e4e4affff"
    "ffff4affffffff4b0074710c6288433000000000000000000000000000000003000000000000000100000000"
    "0000000400000000000000020000000000000005710d74710e622e";

// the same in float64 with protocol 5: _frombuffer(bytearray, dtype, shape, "F")
constexpr const char* frombuffer_protocol5_hex =
    "800595a5000000000000008c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d6275666665"
    "729493942896300000000000000000000000000000000000000000000840000000000000f03f000000000000"
    "104000000000000000400000000000001440948c056e756d7079948c0564747970659493948c026638948988"
    "87945294284b038c013c944e4e4e4affffffff4affffffff4b007494624b024b0386948c014694749452942e";

// np.array([True, False, True]), protocol 3
constexpr const char* bool_array_hex =
    "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d"
    "70790a6e6461727261790a71014b008571024301627103877104527105284b014b03857106636e756d70790a"
    "64747970650a7107580200000062317108898887710952710a284b0358010000007c710b4e4e4e4affffffff"
    "4affffffff4b0074710c62894303010001710d74710e622e";

// np.array([{"a": 1}, None, "x"], dtype=object), protocol 3
constexpr const char* object_vector_hex =
    "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d"
    "70790a6e6461727261790a71014b008571024301627103877104527105284b014b03857106636e756d70790a"
    "64747970650a710758020000004f387108898887710952710a284b0358010000007c710b4e4e4e4affffffff"
    "4affffffff4b3f74710c62895d710d287d710e580100000061710f4b01734e58010000007871106574711162"
    "2e";

// np.array([[1, "b"], [2.5, None]], dtype=object), protocol 3
constexpr const char* object_matrix_hex =
    "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d"
    "70790a6e6461727261790a71014b008571024301627103877104527105284b014b024b02867106636e756d70"
    "790a64747970650a710758020000004f387108898887710952710a284b0358010000007c710b4e4e4e4affff"
    "ffff4affffffff4b3f74710c62895d710d284b01580100000062710e4740040000000000004e6574710f622e";

// (np.int64(40), np.float32(0.5), np.bool_(True), np.uint8(200)), protocol 3
constexpr const char* numpy_scalars_hex =
    "800328636e756d70792e636f72652e6d756c746961727261790a7363616c61720a7100636e756d70790a6474"
    "7970650a71015802000000693871028988877103527104284b0358010000003c71054e4e4e4affffffff4aff"
    "ffffff4b00747106624308280000000000000071078671085271096800680158020000006634710a89888771"
    "0b52710c284b0368054e4e4e4affffffff4affffffff4b0074710d6243040000003f710e86710f5271106800"
    "68015802000000623171118988877112527113284b0358010000007c71144e4e4e4affffffff4affffffff4b"
    "0074711562430101711686711752711868006801580200000075317119898887711a52711b284b0368144e4e"
    "4e4affffffff4affffffff4b0074711c624301c8711d86711e52711f7471202e";

// od = OrderedDict([("w", 1)]); od._metadata = OrderedDict([("", {"version": 1})]),
// protocol 2 (torch's state dicts look like this)
constexpr const char* ordered_dict_hex =
    "800263636f6c6c656374696f6e730a4f726465726564446963740a71002952710158010000007771024b0173"
    "7d710358090000005f6d657461646174617104680029527105580000000071067d7107580700000076657273"
    "696f6e71084b01737373622e";

// np.array(["ab"]), protocol 3: a unicode dtype, which RowMajorArray does not hold
constexpr const char* unicode_array_hex =
    "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d"
    "70790a6e6461727261790a71014b008571024301627103877104527105284b014b01857106636e756d70790a"
    "64747970650a7107580200000055327108898887710952710a284b0358010000003c710b4e4e4e4b084b044b"
    "0874710c628943086100000062000000710d74710e622e";

std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t at = 0; at + 1 < hex.size(); at += 2)
    bytes += static_cast<char>(std::stoi(hex.substr(at, 2), nullptr, 16));
  return bytes;
}

// The message of the PickleError that reading `stream` throws ("" when it throws none).
std::string read_error(const std::string& stream, const ReadOptions& options = {}) {
  try {
    read_pickle(stream, options);
  } catch (const PickleError& error) {
    return error.what();
  }
  return "";
}

// A resolver that describes any global call as an Object, as a permissive loader would.
ReadOptions describing_objects() {
  ReadOptions options;
  options.resolve_global = [](const Global& callable, const Value& args) {
    return Value::object(Object{callable, args, Value(), {}});
  };
  return options;
}

}  // namespace

TEST(PickleReader, ScalarsStringsAndBytes) {
  const Value value =
      read_pickle(from_hex("8004"                  // PROTO 4
                           "28"                    // MARK
                           "4b054d2c01"            // BININT1 5, BININT2 300
                           "4af9ffffff"            // BININT -7
                           "8a008a02ff7f"          // LONG1 0 (empty), LONG1 32767
                           "8a027fff"              // LONG1 -129
                           "8a080000000000000080"  // LONG1 -2^63
                           "8b03000000010000"      // LONG4 of 3 bytes: 1
                           "88894e"                // NEWTRUE, NEWFALSE, NONE
                           "473ff8000000000000"    // BINFLOAT 1.5
                           "8c0668c3a96c6c6f"      // SHORT_BINUNICODE "héllo"
                           "58020000006162"        // BINUNICODE "ab"
                           "8d010000000000000063"  // BINUNICODE8 "c"
                           "43020001"              // SHORT_BINBYTES b"\x00\x01"
                           "42010000007a"          // BINBYTES b"z"
                           "8e01000000000000007a"  // BINBYTES8 b"z"
                           "9601000000000000007a"  // BYTEARRAY8 bytearray(b"z")
                           "742e"));               // TUPLE, STOP
  const Items& items = value.as_tuple();
  ASSERT_EQ(items.size(), 19u);
  EXPECT_EQ(items[0].as_int(), 5);
  EXPECT_EQ(items[1].as_int(), 300);
  EXPECT_EQ(items[2].as_int(), -7);
  EXPECT_EQ(items[3].as_int(), 0);
  EXPECT_EQ(items[4].as_int(), 32767);
  EXPECT_EQ(items[5].as_int(), -129);
  EXPECT_EQ(items[6].as_int(), INT64_MIN);
  EXPECT_EQ(items[7].as_int(), 1);
  EXPECT_TRUE(items[8].as_bool());
  EXPECT_FALSE(items[9].as_bool());
  EXPECT_TRUE(items[10].is_none());
  EXPECT_EQ(items[11].as_double(), 1.5);
  EXPECT_EQ(items[12].as_str(), "h\xc3\xa9llo");
  EXPECT_EQ(items[13].as_str(), "ab");
  EXPECT_EQ(items[14].as_str(), "c");
  EXPECT_EQ(items[15].as_bytes(), std::string("\0\1", 2));
  for (int i = 16; i < 19; ++i) EXPECT_EQ(items[i].as_bytes(), "z");
}

TEST(PickleReader, ContainersMemoAndStackOpcodes) {
  const Value value =
      read_pickle(from_hex("8004950000000000000000"      // PROTO 4, FRAME (length not used)
                           "7d94"                        // EMPTY_DICT, MEMOIZE 0
                           "28"                          // MARK
                           "8c016c5d94"                  //  "l": EMPTY_LIST, MEMOIZE 1,
                           "4b0161"                      //   1 APPEND,
                           "284b024b0365"                //   MARK 2 3 APPENDS
                           "8c01744b0185"                //  "t": (1,)
                           "8c01754b014b0286"            //  "u": (1, 2)
                           "8c01764b014b024b0387"        //  "v": (1, 2, 3)
                           "8c0177284b014b024b034b0474"  //  "w": (1, 2, 3, 4)
                           "8c017829"                    //  "x": ()
                           "8c01796801"                  //  "y": BINGET 1 (the same list)
                           "8c017a284b074b086c"          //  "z": MARK 7 8 LIST
                           "75"                          // SETITEMS
                           "8c0164288c016b4b096473"      // "d": MARK "k" 9 DICT, SETITEM
                           "8c01654e323073"              // "e": NONE DUP POP, SETITEM
                           "8c01664b05284b063173"        // "f": 5, MARK 6 POP_MARK, SETITEM
                           "8c01676a0100000073"          // "g": LONG_BINGET 1, SETITEM
                           "8c01684b2a720500000073"      // "h": 42 LONG_BINPUT 5, SETITEM
                           "8c016968057107732e"));       // "i": BINGET 5, BINPUT 7, SETITEM; STOP
  const Dict& dict = value.as_dict();
  ASSERT_EQ(dict.size(), 14u);
  EXPECT_EQ(dict.entries()[0].first.as_str(), "l");  // insertion order kept
  const Value& list = dict.at("l");
  EXPECT_EQ(list, Value::list({Value::integer(1), Value::integer(2), Value::integer(3)}));
  EXPECT_TRUE(list.same_as(dict.at("y")));
  EXPECT_TRUE(list.same_as(dict.at("g")));
  EXPECT_EQ(dict.at("t").as_tuple().size(), 1u);
  EXPECT_EQ(dict.at("u").as_tuple()[1].as_int(), 2);
  EXPECT_EQ(dict.at("v").as_tuple()[2].as_int(), 3);
  EXPECT_EQ(dict.at("w").as_tuple().size(), 4u);
  EXPECT_TRUE(dict.at("x").as_tuple().empty());
  EXPECT_EQ(dict.at("z").as_list()[1].as_int(), 8);
  EXPECT_EQ(dict.at("d").as_dict().at("k").as_int(), 9);
  EXPECT_TRUE(dict.at("e").is_none());
  EXPECT_EQ(dict.at("f").as_int(), 5);
  EXPECT_EQ(dict.at("h").as_int(), 42);
  EXPECT_EQ(dict.at("i").as_int(), 42);
  EXPECT_THROW(dict.at("missing"), std::out_of_range);
  EXPECT_THROW(dict.at("l").as_dict(), std::invalid_argument);
}

TEST(PickleReader, GlobalsGoThroughTheResolver) {
  // GLOBAL mymod.Point, (1, 2), REDUCE, {"z": 3}, BUILD
  const std::string reduce_and_build = from_hex(
      "8002"
      "636d796d6f640a506f696e740a"
      "4b014b0286"
      "52"
      "7d288c017a4b0375"
      "62"
      "2e");
  const Value point = read_pickle(reduce_and_build, describing_objects());
  const Object& object = point.as_object();
  EXPECT_EQ(object.callable.qualified(), "mymod.Point");
  EXPECT_EQ(object.args.as_tuple()[1].as_int(), 2);
  EXPECT_EQ(object.state.as_dict().at("z").as_int(), 3);

  // STACK_GLOBAL and NEWOBJ reach the same hook; a resolver may build any value.
  ReadOptions options;
  options.resolve_global = [](const Global& callable, const Value& args) -> std::optional<Value> {
    if (callable.name != "Point") return std::nullopt;
    return Value::integer(10 * args.as_tuple()[0].as_int());
  };
  const std::string newobj = from_hex(
      "8004"
      "8c056d796d6f64"
      "8c05506f696e74"
      "93"
      "4b0785"
      "81"
      "2e");
  EXPECT_EQ(read_pickle(newobj, options).as_int(), 70);

  // Declined or without a resolver: the error names the global, the opcode and its offset.
  EXPECT_EQ(read_error(reduce_and_build),
            "pickle: unsupported global mymod.Point (opcode REDUCE at byte 20)");
  options.source = "points.pkl";
  options.resolve_global = [](const Global&, const Value&) { return std::optional<Value>(); };
  EXPECT_EQ(read_error(reduce_and_build, options),
            "points.pkl: unsupported global mymod.Point (opcode REDUCE at byte 20)");
}

TEST(PickleReader, PersistentIdsGoThroughTheirHook) {
  // MARK "storage" GLOBAL torch.FloatStorage "0" "cpu" 4 TUPLE BINPERSID
  const std::string stream = from_hex(
      "8002"
      "28"
      "580700000073746f72616765"
      "63746f7263680a466c6f617453746f726167650a"
      "580100000030"
      "5803000000637075"
      "4b04"
      "74"
      "51"
      "2e");
  ReadOptions options;
  options.persistent_load = [](const Value& id) {
    const Items& fields = id.as_tuple();
    EXPECT_EQ(fields[1].as_global(), (Global{"torch", "FloatStorage"}));
    return Value::bytes(fields[0].as_str() + "/" + fields[2].as_str());
  };
  EXPECT_EQ(read_pickle(stream, options).as_bytes(), "storage/0");
  EXPECT_NE(read_error(stream).find("persistent id without a persistent_load hook (opcode "
                                    "BINPERSID at byte 52)"),
            std::string::npos);
}

TEST(PickleReader, NumpyArraysInEveryLayout) {
  const Value float32 = read_pickle(from_hex(float32_protocol2_hex));
  const RowMajorArray& matrix = float32.as_ndarray();
  EXPECT_EQ(matrix.shape(), (RowMajorArray::Shape{2, 3}));
  EXPECT_EQ(matrix.dtype(), facemap::DType::of<float>());
  EXPECT_EQ(matrix.values<float>(), (std::vector<float>{1.5f, -2, 3.25f, 4, 5.5f, -6}));

  const Value fortran = read_pickle(from_hex(fortran_big_endian_hex));
  EXPECT_EQ(fortran.as_ndarray().values<std::int64_t>(),
            (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));

  const Value frombuffer = read_pickle(from_hex(frombuffer_protocol5_hex));
  EXPECT_EQ(frombuffer.as_ndarray().values<double>(), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(frombuffer.as_ndarray().shape(), (RowMajorArray::Shape{2, 3}));

  const Value booleans = read_pickle(from_hex(bool_array_hex));
  EXPECT_EQ(booleans.as_ndarray().values<bool>(), (std::vector<bool>{true, false, true}));
}

TEST(PickleReader, NumpyObjectArraysBecomeLists) {
  const Value vector = read_pickle(from_hex(object_vector_hex));
  const Items& elements = vector.as_list();
  ASSERT_EQ(elements.size(), 3u);
  EXPECT_EQ(elements[0].as_dict().at("a").as_int(), 1);
  EXPECT_TRUE(elements[1].is_none());
  EXPECT_EQ(elements[2].as_str(), "x");

  const Value matrix = read_pickle(from_hex(object_matrix_hex));
  EXPECT_EQ(matrix.as_list()[0].as_list()[1].as_str(), "b");
  EXPECT_EQ(matrix.as_list()[1].as_list()[0].as_double(), 2.5);
}

TEST(PickleReader, NumpyScalarsAndOrderedDicts) {
  const Value scalars = read_pickle(from_hex(numpy_scalars_hex));
  EXPECT_EQ(scalars.as_tuple()[0], Value::integer(40));
  EXPECT_EQ(scalars.as_tuple()[1], Value::real(0.5));
  EXPECT_EQ(scalars.as_tuple()[2], Value::boolean(true));
  EXPECT_EQ(scalars.as_tuple()[3], Value::integer(200));

  const Value ordered = read_pickle(from_hex(ordered_dict_hex));
  EXPECT_EQ(ordered.as_dict().at("w").as_int(), 1);
  EXPECT_EQ(ordered.as_dict()
                .attributes.as_dict()
                .at("_metadata")
                .as_dict()
                .at("")
                .as_dict()
                .at("version"),
            Value::integer(1));
}

TEST(PickleReader, ErrorsNameTheReasonOpcodeAndOffset) {
  EXPECT_EQ(read_error(from_hex("8003"
                                "580a0000006162")),
            "pickle: truncated stream: needs 10 more bytes, 2 left (opcode BINUNICODE at byte 2)");
  EXPECT_EQ(read_error(from_hex("8003"
                                "4b01")),
            "pickle: truncated stream: ends at byte 4 without STOP");
  EXPECT_EQ(read_error(from_hex("8003"
                                "ff")),
            "pickle: unknown opcode (opcode 0xff at byte 2)");
  EXPECT_EQ(read_error(from_hex("8004"
                                "8f"
                                "2e")),
            "pickle: unsupported opcode EMPTY_SET (opcode EMPTY_SET at byte 2)");
  EXPECT_EQ(read_error(from_hex("8002"
                                "8a09000000000000000001"
                                "2e")),
            "pickle: integer of 9 bytes does not fit a signed 64-bit integer (opcode LONG1 at "
            "byte 2)");
  EXPECT_EQ(read_error(from_hex("8002"
                                "6805"
                                "2e")),
            "pickle: memo entry 5 missing (opcode BINGET at byte 2)");
  EXPECT_EQ(read_error(from_hex("8002"
                                "61")),
            "pickle: stack underflow (opcode APPEND at byte 2)");
  EXPECT_EQ(read_error(from_hex("8002"
                                "4b014b0261"
                                "2e")),
            "pickle: APPEND to a int (opcode APPEND at byte 6)");
  EXPECT_EQ(read_error(from_hex("8006"
                                "2e")),
            "pickle: pickle protocol 6 is newer than 5 (opcode PROTO at byte 0)");
  EXPECT_EQ(read_error(from_hex(unicode_array_hex)),
            "pickle: unsupported numpy dtype '<U2' (supported: b1, i1-i8, u1-u8, f2, f4, f8, c8, "
            "c16) (opcode BUILD at byte 153)");
}

TEST(PickleWriter, RoundTripsPlainValuesAndArrays) {
  Dict inner;
  inner.set("sbin", Value::integer(4));
  inner.set("name", Value::str("synth_face.avi"));
  Dict dict;
  dict.set("none", Value());
  dict.set("flags", Value::list({Value::boolean(true), Value::boolean(false)}));
  dict.set("integers", Value::tuple({Value::integer(0), Value::integer(255), Value::integer(256),
                                     Value::integer(65536), Value::integer(-1),
                                     Value::integer(INT64_MAX), Value::integer(INT64_MIN)}));
  dict.set("real", Value::real(-0.125));
  dict.set("bytes", Value::bytes(std::string(300, '\xff')));
  dict.set("inner", Value::dict(inner));
  dict.set("mask", Value::ndarray(RowMajorArray::from_values<float>({2, 2}, {1, 2, 3, 4})));
  dict.set("ranges",
           Value::list({Value::ndarray(RowMajorArray::from_values<std::int32_t>({3}, {7, 8, 9})),
                        Value::ndarray(RowMajorArray::from_values<bool>({1}, {true}))}));
  Items many;
  for (int i = 0; i < 2500; ++i) many.push_back(Value::integer(i));  // more than one APPENDS batch
  dict.set("many", Value::list(many));
  dict.set(Value::integer(3), Value::str("int key"));
  const Value original = Value::dict(dict);

  const Value back = read_pickle(write_pickle(original));
  EXPECT_EQ(back, original);
  EXPECT_EQ(back.as_dict().entries().back().first, Value::integer(3));
}

TEST(PickleWriter, ZeroDimensionalArraysAreNumpyScalars) {
  const Value scalar = Value::ndarray(RowMajorArray::from_values<std::int64_t>({}, {40}));
  EXPECT_EQ(read_pickle(write_pickle(scalar)), Value::integer(40));
  const Value real = Value::ndarray(RowMajorArray::from_values<float>({}, {0.5f}));
  EXPECT_EQ(read_pickle(write_pickle(real)), Value::real(0.5));
}

TEST(PickleWriter, ObjectArrayWrapsOneValue) {
  Dict dict;
  dict.set("Ly", Value::list({Value::integer(160)}));
  const std::string stream = facemap::pickle::write_pickle_in_object_array(Value::dict(dict));
  EXPECT_EQ(read_pickle(stream), Value::dict(dict));
  EXPECT_NE(stream.find("numpy.core.multiarray\n_reconstruct"), std::string::npos);
}

TEST(PickleWriter, RefusesObjects) {
  const Value object = Value::object(Object{Global{"mymod", "Point"}, Value::tuple(), {}, {}});
  EXPECT_THROW(write_pickle(object), PickleError);
}

TEST(PickleFixtures, FacemapPoseMetadata) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, "fmnet/pose_synth_160x200_FacemapPose_metadata.pkl");
  const Value metadata = facemap::pickle::read_pickle_file(path);  // protocol 5, numpy scalars
  const Dict& dict = metadata.as_dict();
  EXPECT_EQ(dict.at("batch_size").as_int(), 1);
  EXPECT_EQ(dict.at("total_frames").as_int(), 30);
  EXPECT_EQ(dict.at("image_size").as_tuple()[0].as_list()[0].as_int(), 160);
  EXPECT_EQ(dict.at("bbox").as_list()[3].as_int(), 200);
  const Items& bodyparts = dict.at("bodyparts").as_list();
  ASSERT_EQ(bodyparts.size(), 15u);
  EXPECT_EQ(bodyparts[0].as_str(), "eye(back)");
  EXPECT_EQ(bodyparts[13].as_str(), "whisker(III)");
  EXPECT_GT(dict.at("inference_speed").as_double(), 0);
}

TEST(PickleFixtures, TorchStateDictThroughTheHooks) {
  FMPIPE_SKIP_WITHOUT_SHARED(path, "fmnet/fmnet_state_seed0.pt");
  std::ifstream file(path, std::ios::binary);
  const std::string zip((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // torch.save writes an uncompressed zip whose first entry is data.pkl; its data begins after
  // the 30-byte local header, the name and the extra field. The pickle ends at its STOP.
  const auto u16 = [&](std::size_t at) {
    return static_cast<std::uint8_t>(zip[at]) | static_cast<std::uint8_t>(zip[at + 1]) << 8;
  };
  ASSERT_EQ(zip.substr(0, 4), "PK\x03\x04");
  ASSERT_EQ(zip.substr(30, u16(26)), "fmnet_state_seed0/data.pkl");
  const std::string_view pickle = std::string_view(zip).substr(30 + u16(26) + u16(28));

  ReadOptions options;
  std::vector<std::string> storages;
  options.persistent_load = [&](const Value& id) {
    const Items& fields = id.as_tuple();  // ("storage", torch.FloatStorage, key, "cpu", numel)
    storages.push_back(fields[1].as_global().name + ":" + fields[2].as_str());
    return Value::str(fields[2].as_str());
  };
  options.resolve_global = [](const Global& callable, const Value& args) -> std::optional<Value> {
    if (callable.qualified() != "torch._utils._rebuild_tensor_v2") return std::nullopt;
    return Value::object(Object{callable, args, Value(), {}});
  };
  const Value state = read_pickle(pickle, options);
  const Dict& tensors = state.as_dict();
  ASSERT_EQ(tensors.size(), 90u);
  EXPECT_EQ(storages.size(), 90u);
  EXPECT_EQ(storages[0], "FloatStorage:0");
  EXPECT_EQ(tensors.entries()[0].first.as_str(), "Conv.conv0.conv.conv_0.0.weight");
  const Items& first_args = tensors.entries()[0].second.as_object().args.as_tuple();
  EXPECT_EQ(first_args[0].as_str(), "0");                       // what persistent_load returned
  EXPECT_EQ(first_args[2], Value::tuple({Value::integer(1)}));  // size (1,)
  const Items& counter =
      tensors.at("Conv.conv0.conv.conv_0.0.num_batches_tracked").as_object().args.as_tuple();
  EXPECT_EQ(counter[2], Value::tuple());  // a 0-d int64 tensor
  EXPECT_TRUE(tensors.attributes.as_dict().contains("_metadata"));
}
