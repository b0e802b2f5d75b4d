// The blob codec against bytes datajoint-python 2.x produced (tests/data/datajoint/
// example_blob.txt, a copy of the shared design documents' capture), plus round trips of every
// dtype, the compression rule, MATLAB encodings and corrupt input.

#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <regex>

#include <gtest/gtest.h>

#include "dj/blob.hpp"
#include "support/test_database.hpp"

namespace {

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) hex += {digits[c >> 4], digits[c & 15]};
  return hex;
}

std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return bytes;
}

// Little-endian wire bytes built by hand, to state expected layouts independently of the codec.
struct Wire {
  std::string bytes;
  template <class... T>
  Wire& put(T... values) {
    (bytes.append(reinterpret_cast<const char*>(&values), sizeof values), ...);
    return *this;
  }
  template <class... T>
  Wire& u64(T... values) {
    return put(static_cast<std::uint64_t>(values)...);
  }
  template <class... T>
  Wire& u32(T... values) {
    return put(static_cast<std::uint32_t>(values)...);
  }
  Wire& text(std::string_view raw) {
    bytes.append(raw);
    return *this;
  }
};

// The label -> bytes pairs of the capture file: a line "<label>: <n> bytes[; ...]" followed by a
// line of hex.
std::map<std::string, std::string> captured_vectors() {
  std::ifstream in(fmtest::test_data("datajoint/example_blob.txt"));
  EXPECT_TRUE(in) << "tests/data/datajoint/example_blob.txt is missing";
  const std::regex label_line(R"(^(.*): (\d+) bytes(;.*)?$)");
  const std::regex hex_line("^[0-9a-f]+$");
  std::map<std::string, std::string> vectors;
  std::string line, label;
  std::size_t size = 0;
  std::smatch match;
  while (std::getline(in, line)) {
    if (std::regex_match(line, match, label_line)) {
      label = match[1];
      size = std::stoul(match[2]);
    } else if (!label.empty() && std::regex_match(line, hex_line)) {
      EXPECT_EQ(line.size(), 2 * size) << label;
      vectors[label] = from_hex(line);
      label.clear();
    }
  }
  return vectors;
}

dj::ColumnMajorArray matrix_3x4() {
  std::vector<double> column_major;
  for (int c = 0; c < 4; ++c)
    for (int r = 0; r < 3; ++r) column_major.push_back(4 * r + c);
  return dj::ColumnMajorArray::from_column_major({3, 4}, column_major);
}

dj::ColumnMajorArray float32_arange(int n) {
  std::vector<float> values(n);
  for (int i = 0; i < n; ++i) values[i] = static_cast<float>(i);
  return dj::ColumnMajorArray::from_vector(values);
}

// The C++ value of each captured vector, keyed by its label in the capture file.
std::map<std::string, dj::BlobValue> expected_values() {
  const std::string m1 = "[m1 2024-05-06 07:08:09 roi=0 component=";
  return {
      {m1 + "0] motmask", matrix_3x4()},
      {m1 + "0] projection", float32_arange(5)},
      {m1 + "1] motmask", dj::ColumnMajorArray(dj::DType::float64, {40, 40})},
      {m1 + "1] projection", dj::BlobDict{{{"a", 1}, {"b", "x"}}}},
      {"np.array([[1., 2., 3.], [4., 5., 6.]])",
       dj::ColumnMajorArray::from_column_major<double>({2, 3}, {1, 4, 2, 5, 3, 6})},
      {"np.arange(3, dtype=np.int32)", dj::ColumnMajorArray::from_vector<std::int32_t>({0, 1, 2})},
      {"np.array([1+2j])", dj::ColumnMajorArray::from_vector<std::complex<double>>({{1, 2}})},
      {"np.array([True, False])", dj::ColumnMajorArray::from_vector<bool>({true, false})},
      {"np.float64(2.5)  (0-d -> dj0)", dj::ColumnMajorArray::scalar(2.5)},
      {"2.5  (python float)", 2.5},
      {"7  (python int)", 7},
      {"-300  (python int)", -300},
      {"True  (python bool)", true},
      {"None", dj::BlobValue()},
      {"'hello'  (str)", "hello"},
      {"b'\\x00\\x01'  (bytes)", dj::BlobBytes{std::string("\0\1", 2)}},
      {"[1, 'a']  (list)", dj::BlobList{{1, "a"}}},
      {"(1.5,)  (tuple)", dj::BlobTuple{{1.5}}},
      {"{'a': 1, 'b': [2.0]}  (dict)", dj::BlobDict{{{"a", 1}, {"b", dj::BlobList{{2.0}}}}}},
      {"datetime.datetime(2024, 5, 6, 7, 8, 9, 10)",
       dj::DateTime{dj::Date{2024, 5, 6}, dj::TimeOfDay{7, 8, 9, 10}}},
      {"datetime.date(2024, 5, 6)", dj::DateTime{dj::Date{2024, 5, 6}, std::nullopt}},
      {"uuid.UUID('12345678-1234-5678-1234-567812345678')",
       dj::Uuid::parse("12345678-1234-5678-1234-567812345678")},
      {"decimal.Decimal('1.50')", dj::Decimal{"1.50"}},
      {"np.array(['ab', 'c'])  (unicode array)", dj::ObjectArray{{2}, {"ab", "c"}}},
      {"np.array([b'ab'], dtype='S1')? -> np.array(list(b'ab'), dtype='c')",
       dj::ColumnMajorArray::from_vector<char16_t>({u'a', u'b'})},
      {"np.zeros((20, 20))  (compressed, > 1000 bytes)", dj::ColumnMajorArray(dj::DType::float64, {20, 20})},
  };
}

TEST(Blob, EveryCapturedVectorPacksByteExactAndUnpacksBack) {
  const auto vectors = captured_vectors();
  const auto values = expected_values();
  ASSERT_EQ(vectors.size(), 26u);
  for (const auto& [label, bytes] : vectors) {
    const auto value = values.find(label);
    ASSERT_NE(value, values.end()) << "no C++ value for the captured vector " << label;
    EXPECT_EQ(to_hex(dj::pack_blob(value->second)), to_hex(bytes)) << label;
    EXPECT_EQ(dj::unpack_blob(bytes), value->second) << label;
  }
  EXPECT_EQ(values.size(), vectors.size());
}

// Random elements of any dtype: raw random bytes, except logical ones (0 or 1).
dj::ColumnMajorArray random_array(dj::DType dtype, dj::Shape shape, std::mt19937_64& rng) {
  const auto unit = static_cast<dj::TimeUnit>(rng() % 13);
  dj::ColumnMajorArray array(dtype, std::move(shape), unit);
  for (std::byte& b : array.bytes())
    b = static_cast<std::byte>(dtype == dj::DType::boolean ? rng() % 2 : rng() % 256);
  return array;
}

TEST(Blob, RandomArraysOfEveryDtypeAndNdimRoundTripExactly) {
  std::mt19937_64 rng(7);
  int checked = 0;
  for (int d = 0; d <= static_cast<int>(dj::DType::datetime64); ++d) {
    const auto dtype = static_cast<dj::DType>(d);
    for (std::size_t ndim = 0; ndim <= 4; ++ndim) {
      for (int repeat = 0; repeat < 4; ++repeat) {
        dj::Shape shape(ndim);
        for (auto& extent : shape) extent = rng() % (repeat == 0 ? 3 : 9);  // zeros included
        const dj::ColumnMajorArray array = random_array(dtype, shape, rng);
        for (bool compress : {false, true}) {
          const std::string packed = dj::pack_blob(array, compress);
          const bool python_only =
              dtype == dj::DType::datetime64 || (ndim == 0 && dtype != dj::DType::character);
          if (packed.compare(0, 5, "ZL123") != 0) {
            EXPECT_EQ(packed.substr(0, 3), python_only ? "dj0" : "mYm") << array.describe();
          }
          const dj::BlobValue back = dj::unpack_blob(packed);
          ASSERT_TRUE(back.is<dj::ColumnMajorArray>()) << array.describe();
          EXPECT_EQ(back.as<dj::ColumnMajorArray>(), array) << array.describe();
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 15 * 5 * 4 * 2);
}

TEST(Blob, ComplexArraysWriteAllRealPartsThenAllImaginaryParts) {
  const auto array = dj::ColumnMajorArray::from_vector<std::complex<float>>({{1, 2}, {3, 4}});
  const std::string expected =
      Wire{}.text(std::string("mYm\0A", 5)).u64(1, 2).u32(7, 1).put(1.f, 3.f, 2.f, 4.f).bytes;
  EXPECT_EQ(to_hex(dj::pack_blob(array)), to_hex(expected));
}

TEST(Blob, Datetime64ArraysUseTheUnitsClassIdAndDj0) {
  dj::ColumnMajorArray array(dj::DType::datetime64, {1}, dj::TimeUnit::millisecond);
  array.data<std::int64_t>()[0] = 1715000000000;
  const std::string expected =
      Wire{}.text(std::string("dj0\0A", 5)).u64(1, 1).u32(65536 + 7, 0).put(1715000000000LL).bytes;
  EXPECT_EQ(to_hex(dj::pack_blob(array)), to_hex(expected));
  EXPECT_EQ(dj::unpack_blob(expected), dj::BlobValue(array));
}

TEST(Blob, PythonIntsUseBitLengthOverEightPlusOneBytes) {
  const std::vector<std::pair<std::int64_t, std::string>> cases = {
      {0, "0a010000"},
      {127, "0a01007f"},
      {128, "0a02008000"},
      {-128, "0a020080ff"},
      {-129, "0a02007fff"},
      {INT64_MAX, "0a0800ffffffffffffff7f"},
      {INT64_MIN, "0a09000000000000000080ff"},
  };
  for (const auto& [value, hex] : cases) {
    const std::string packed = dj::pack_blob(value);
    EXPECT_EQ(to_hex(packed), "646a3000" + hex) << value;
    EXPECT_EQ(dj::unpack_blob(packed).as<std::int64_t>(), value);
  }
  EXPECT_THROW(dj::BlobValue(std::uint64_t{1} << 63), std::out_of_range);
  // 2^63 needs 9 bytes and is beyond int64.
  EXPECT_THROW(dj::unpack_blob(from_hex("646a30000a0900000000000000008000")), dj::BlobFormatError);
}

TEST(Blob, CompressesOnlyAboveOneThousandBytesAndOnlyWhenSmaller) {
  // A 1-D uint8 array of n elements packs to 29 + n bytes (header, code, ndim, shape, type).
  const auto zeros = [](std::uint64_t n) { return dj::ColumnMajorArray(dj::DType::uint8, {n}); };
  EXPECT_EQ(dj::pack_blob(zeros(971)).size(), 1000u);  // exactly 1000: left alone
  const std::string compressed = dj::pack_blob(zeros(972));
  ASSERT_EQ(compressed.substr(0, 6), std::string("ZL123\0", 6));
  std::uint64_t length = 0;
  std::memcpy(&length, compressed.data() + 6, 8);
  EXPECT_EQ(length, 1001u);
  EXPECT_EQ(to_hex(compressed.substr(14, 2)), "789c");  // zlib header of level 6
  EXPECT_LT(compressed.size(), 100u);
  EXPECT_EQ(dj::unpack_blob(compressed), dj::BlobValue(zeros(972)));
  EXPECT_EQ(dj::pack_blob(zeros(972), false).size(), 1001u);

  std::mt19937_64 rng(3);
  const dj::ColumnMajorArray noise = random_array(dj::DType::uint8, {5000}, rng);
  EXPECT_EQ(dj::pack_blob(noise).size(), 5029u);  // zlib would only add bytes
  EXPECT_EQ(dj::pack_blob(noise).substr(0, 3), "mYm");
}

TEST(Blob, EigenRowAndColumnMajorMatricesPackLikeNumpy) {
  Eigen::Matrix<double, 2, 3, Eigen::RowMajor> row_major;
  row_major << 1, 2, 3, 4, 5, 6;
  const Eigen::MatrixXd column_major = row_major;
  const std::string expected = captured_vectors().at("np.array([[1., 2., 3.], [4., 5., 6.]])");
  EXPECT_EQ(to_hex(dj::pack_blob(dj::ColumnMajorArray::from_eigen(row_major))), to_hex(expected));
  EXPECT_EQ(to_hex(dj::pack_blob(dj::ColumnMajorArray::from_eigen(column_major))), to_hex(expected));
  // A vector type is 1-D, as numpy's np.arange(5, dtype=float32).
  const Eigen::VectorXf projection = Eigen::VectorXf::LinSpaced(5, 0, 4);
  EXPECT_EQ(to_hex(dj::pack_blob(dj::ColumnMajorArray::from_eigen(projection))),
            to_hex(captured_vectors().at("[m1 2024-05-06 07:08:09 roi=0 component=0] projection")));
}

TEST(Blob, MatlabStructAndCellArraysKeepTheMymHeader) {
  dj::StructArray params{{1, 1}, {"a", "bc"}, {}};
  params.values = {dj::ColumnMajorArray::from_column_major<double>({1, 1}, {2}),
                   dj::CellArray{{1, 2},
                                 {dj::ColumnMajorArray::from_vector<std::uint8_t>({9}),
                                  dj::ColumnMajorArray::from_vector<char16_t>({u'x'})}}};
  const std::string number = Wire{}.text("A").u64(2, 1, 1).u32(6, 0).put(2.0).bytes;
  const std::string byte = Wire{}.text("A").u64(1, 1).u32(9, 0).text("\x09").bytes;
  const std::string character = Wire{}.text("A").u64(1, 1).u32(4, 0).put(u'x').bytes;
  const std::string cell = Wire{}.text("C").u64(2, 1, 2, byte.size()).text(byte).bytes +
                           Wire{}.u64(character.size()).text(character).bytes;
  const std::string expected = Wire{}
                                   .text(std::string("mYm\0S", 5))
                                   .u64(2, 1, 1)
                                   .u32(2)
                                   .text(std::string("a\0bc\0", 5))
                                   .u64(number.size())
                                   .text(number)
                                   .u64(cell.size())
                                   .text(cell)
                                   .bytes;
  EXPECT_EQ(to_hex(dj::pack_blob(params)), to_hex(expected));
  const dj::BlobValue back = dj::unpack_blob(expected);
  EXPECT_EQ(back, dj::BlobValue(params));
  EXPECT_EQ(back.as<dj::StructArray>().at(0, "a").as<dj::ColumnMajorArray>().item<double>(), 2.0);

  // A Python value anywhere inside switches the whole blob to dj0.
  EXPECT_EQ(dj::pack_blob(dj::CellArray{{1}, {7}}).substr(0, 3), "dj0");
  EXPECT_THROW(dj::pack_blob(dj::StructArray{{1}, {}, {}}), std::invalid_argument);
  EXPECT_THROW(dj::pack_blob(dj::CellArray{{2}, {1}}), std::invalid_argument);
}

TEST(Blob, RecordArraysWriteEachFieldWithoutLengthPrefix) {
  const auto x = dj::ColumnMajorArray::from_vector<std::int32_t>({1, 2});
  const auto y = dj::ColumnMajorArray::from_vector<double>({0.5, 1.5});
  const dj::RecordArray records{{"x", "y"}, {x, y}};
  const std::string x_bytes = Wire{}.text("A").u64(1, 2).u32(12, 0).put(1, 2).bytes;
  const std::string y_bytes = Wire{}.text("A").u64(1, 2).u32(6, 0).put(0.5, 1.5).bytes;
  const std::string expected =
      Wire{}.text(std::string("dj0\0F", 5)).u32(2).text(std::string("x\0y\0", 4)).bytes + x_bytes +
      y_bytes;
  EXPECT_EQ(to_hex(dj::pack_blob(records)), to_hex(expected));
  EXPECT_EQ(dj::unpack_blob(expected), dj::BlobValue(records));
  const dj::RecordArray uneven{{"x", "z"}, {x, dj::ColumnMajorArray::from_vector<double>({1})}};
  EXPECT_THROW(dj::pack_blob(uneven), std::invalid_argument);
}

TEST(Blob, NestedPythonValuesRoundTrip) {
  const dj::BlobValue value = dj::BlobDict{{
      {7, dj::BlobSet{{1, 2.5, "three"}}},
      {dj::BlobTuple{{1, 2}},
       dj::ObjectArray{{2, 1}, {dj::ColumnMajorArray::scalar<std::int16_t>(-3), dj::BlobValue()}}},
      {"when", dj::DateTime{std::nullopt, dj::TimeOfDay{23, 59, 58, 999999}}},
      {"z", std::complex<double>(-1, 0.25)},
      {"big", dj::ColumnMajorArray::from_eigen(Eigen::MatrixXf::Constant(30, 30, 1.5f))},
  }};
  const std::string packed = dj::pack_blob(value);
  EXPECT_EQ(packed.substr(0, 5), std::string("ZL123", 5));
  EXPECT_EQ(dj::unpack_blob(packed), value);
  EXPECT_EQ(dj::unpack_blob(dj::pack_blob(value, false)), value);
  const dj::BlobValue unpacked = dj::unpack_blob(packed);
  const auto& dict = unpacked.as<dj::BlobDict>();
  EXPECT_EQ(dict.at(7).as<dj::BlobSet>().items.at(2).as<std::string>(), "three");
  EXPECT_THROW(dict.at("missing"), std::out_of_range);
  EXPECT_THROW(dict.at("z").as<double>(), std::invalid_argument);
  EXPECT_THROW(dj::pack_blob(dj::DateTime{dj::Date{2023, 2, 29}, std::nullopt}),
               std::invalid_argument);
}

// Every exception unpack raises for bad bytes must be a BlobFormatError.
void expect_format_error(const std::string& bytes, const std::string& needle) {
  try {
    dj::unpack_blob(bytes);
    ADD_FAILURE() << "no error for " << to_hex(bytes);
  } catch (const dj::BlobFormatError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Blob, CorruptOrTruncatedInputNamesTheOffsetAndWhatWasExpected) {
  const std::string matrix = dj::pack_blob(matrix_3x4());
  expect_format_error(matrix.substr(0, 100),
                      "offset 37: truncated: expected array data (96 bytes), 63 left");
  expect_format_error(matrix + "x", "offset 133: 1 bytes follow the end of the value");
  expect_format_error("mYm", "offset 0: expected the header");
  expect_format_error(std::string("XYZ\0\xff", 5), "expected the header");
  expect_format_error(std::string("dj0\0q", 5), "offset 4: unknown type code 0x71");
  expect_format_error(std::string("mYm\0P", 5), "sparse arrays are not supported");
  const std::string array_code = std::string("mYm\0A", 5);
  expect_format_error(Wire{}.text(array_code).u64(2, 1ull << 30, 1ull << 30).u32(6, 0).bytes,
                      "truncated: expected array data");
  expect_format_error(Wire{}.text(array_code).u64(1, 1).u32(99, 0).bytes,
                      "offset 21: unsupported array class id 99");
  expect_format_error(Wire{}.text(std::string("dj0\0\x02", 5)).u64(1ull << 60).bytes,
                      "values cannot fit");
  // A nested value shorter than its length prefix says.
  expect_format_error(Wire{}.text(std::string("dj0\0\x02", 5)).u64(1, 3).text("\xff\xff\xff").bytes,
                      "offset 21: the nested value takes 1 bytes, its length prefix says 3");

  const std::string compressed = dj::pack_blob(dj::ColumnMajorArray(dj::DType::float64, {20, 20}));
  std::string wrong_length = compressed;
  wrong_length[6] = 0x01;
  expect_format_error(wrong_length, "does not decompress to the");
  std::string corrupt_stream = compressed;
  corrupt_stream[20] ^= 0x55;
  expect_format_error(corrupt_stream, "zlib stream");
  std::string absurd_length = compressed;
  absurd_length[13] = 0x7f;
  expect_format_error(absurd_length, "is impossible");
  expect_format_error(compressed.substr(0, 10), "expected the uncompressed length");
}

TEST(Blob, EveryTruncationAndRandomCorruptionFailsCleanly) {
  const dj::BlobValue value = dj::BlobDict{{
      {"m", dj::CellArray{{1, 2}, {matrix_3x4(), dj::StructArray{{1}, {"f"}, {"g"}}}}},
      {"r", dj::RecordArray{{"x"}, {float32_arange(3)}}},
      {dj::Uuid{}, dj::BlobList{{dj::Decimal{"2"}, dj::BlobBytes{"\x01"}, true, -5}}},
  }};
  const std::string packed = dj::pack_blob(value);
  ASSERT_EQ(dj::unpack_blob(packed), value);
  for (std::size_t size = 0; size < packed.size(); ++size)
    EXPECT_THROW(dj::unpack_blob(packed.substr(0, size)), dj::BlobFormatError) << size;

  std::mt19937_64 rng(11);
  int decoded = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string mutated = packed;
    for (int flips = 1 + rng() % 3; flips > 0; --flips)
      mutated[4 + rng() % (mutated.size() - 4)] = static_cast<char>(rng());
    try {
      dj::unpack_blob(mutated);
      ++decoded;
    } catch (const dj::BlobFormatError&) {
    }
  }
  EXPECT_GT(decoded, 0);  // some flips only change array data
}

}  // namespace
