// The content hash of store objects (dj/content_hash.hpp). OpenSSL gives the MD5; base32 is
// written here because neither OpenSSL nor any other library the project uses offers it, and it
// is ten lines.

#include "dj/content_hash.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace dj {
namespace {

constexpr std::string_view kBase32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

}  // namespace

std::string content_hash(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_md5(), nullptr) != 1)
    throw std::runtime_error("OpenSSL could not compute an MD5 digest");
  // Base32: every 5 bits of the digest, most significant first, is one letter; the last letter
  // takes the remaining 3 bits of the 128, padded with zero bits (no '=' padding).
  std::string text;
  unsigned int buffer = 0;
  int bits = 0;
  for (unsigned int i = 0; i < length; ++i) {
    buffer = (buffer << 8) | digest[i];
    bits += 8;
    while (bits >= 5) {
      text += kBase32Alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) text += kBase32Alphabet[(buffer << (5 - bits)) & 31];
  return text;
}

bool is_content_hash(std::string_view text) {
  return text.size() == 26 && std::all_of(text.begin(), text.end(), [](char c) {
           return kBase32Alphabet.find(c) != std::string_view::npos;
         });
}

}  // namespace dj
