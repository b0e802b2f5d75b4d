#pragma once
// The name of a hash-addressed object in a store, as DataJoint 2.x computes it
// (hash_registry.py): the MD5 digest of exactly the bytes stored, in RFC 4648 base32, lower case,
// without padding: 26 characters of [a-z2-7]. The same bytes get the same name in every schema
// and from either client, which is what lets a store deduplicate and datajoint-python read ours.

#include <string>
#include <string_view>

namespace dj {

/// The content hash of `bytes`, e.g. "saavbgb42jh3bvuwh56sryl7oi" for "abc".
std::string content_hash(std::string_view bytes);

/// Whether `text` has the form of a content hash (26 characters of [a-z2-7]).
bool is_content_hash(std::string_view text);

}  // namespace dj
