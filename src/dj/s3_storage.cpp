// The s3 protocol (dj/storage.hpp) over libcurl, which signs each request with AWS Signature
// Version 4 itself (CURLOPT_AWS_SIGV4). Path-style URLs (endpoint/bucket/key) work with AWS,
// MinIO and Ceph alike. An object is written by one PUT, which S3 makes visible whole or not at
// all.

#include <curl/curl.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "dj/storage.hpp"
#include "storage_protocols.hpp"

namespace dj {
namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// S3's URI encoding: every byte but the unreserved characters (and '/' between path segments)
// as %XX, which is also how the signature's canonical request spells the path.
std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                            c == '~' || (keep_slash && c == '/');
    if (unreserved) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 15];
    }
  }
  return encoded;
}

std::string xml_unescape(std::string_view text) {
  std::string plain;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      plain += text[i];
      continue;
    }
    const std::size_t end = text.find(';', i);
    const std::string_view entity = text.substr(i + 1, end - i - 1);
    if (entity == "amp") plain += '&';
    else if (entity == "lt") plain += '<';
    else if (entity == "gt") plain += '>';
    else if (entity == "quot") plain += '"';
    else if (entity == "apos") plain += '\'';
    else plain += std::string(text.substr(i, end - i + 1));
    i = end;
  }
  return plain;
}

// The text of each <tag>...</tag> in `xml`, in order. S3's list and error replies are flat
// enough that this is all the XML reading they need.
std::vector<std::string> elements(std::string_view xml, const std::string& tag) {
  std::vector<std::string> found;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (std::size_t at = xml.find(open); at != std::string_view::npos; at = xml.find(open, at)) {
    const std::size_t end = xml.find(close, at);
    if (end == std::string_view::npos) break;
    found.push_back(xml_unescape(xml.substr(at + open.size(), end - at - open.size())));
    at = end + close.size();
  }
  return found;
}

// The hex SHA-256 of a payload. S3 wants it in x-amz-content-sha256, and libcurl then signs that
// header with the rest.
std::string payload_hash(std::string_view payload) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(payload.data(), payload.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

struct Response {
  long status = 0;
  std::string body;
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* response) {
  static_cast<Response*>(response)->body.append(data, size * count);
  return size * count;
}

class S3Storage : public Storage {
 public:
  explicit S3Storage(StoreSpec spec) : Storage(std::move(spec)) {
    static std::once_flag curl_initialised;
    std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    const StoreSpec& s = this->spec();
    bucket_url_ = std::string(s.secure ? "https://" : "http://") + s.endpoint + "/" +
                  uri_encode(s.bucket, false);
    prefix_ = s.location;
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
    while (!prefix_.empty() && prefix_.front() == '/') prefix_.erase(prefix_.begin());
    access_key_ = s.access_key.empty() ? environment("AWS_ACCESS_KEY_ID") : s.access_key;
    secret_key_ = s.access_key.empty() ? environment("AWS_SECRET_ACCESS_KEY") : s.secret_key;
    region_ = environment("AWS_REGION");
    if (region_.empty()) region_ = environment("AWS_DEFAULT_REGION");
    if (region_.empty()) region_ = "us-east-1";
  }

  void put(const std::string& path, std::string_view bytes) override {
    expect_success(path, request("PUT", object_url(path), &bytes), "cannot be written");
  }

  std::string get(const std::string& path) const override {
    Response response = request("GET", object_url(path));
    if (response.status == 404) throw error(path, "does not exist");
    expect_success(path, response, "cannot be read");
    return std::move(response.body);
  }

  bool exists(const std::string& path) const override {
    const Response response = request("HEAD", object_url(path));
    if (response.status == 404) return false;
    expect_success(path, response, "cannot be looked up");
    return true;
  }

  void remove(const std::string& path) override {
    expect_success(path, request("DELETE", object_url(path)), "cannot be removed");
  }

  std::vector<StoredObject> list(const std::string& prefix) const override {
    std::string key_prefix = prefix_;
    if (!prefix.empty()) key_prefix += (key_prefix.empty() ? "" : "/") + prefix;
    if (!key_prefix.empty()) key_prefix += "/";
    std::vector<StoredObject> objects;
    std::string token;
    do {
      // Query parameters in sorted order, as the signature's canonical request has them.
      std::string query = "?";
      if (!token.empty()) query += "continuation-token=" + uri_encode(token, false) + "&";
      query += "list-type=2&prefix=" + uri_encode(key_prefix, false);
      const Response response = request("GET", bucket_url_ + "/" + query);
      expect_success(prefix, response, "cannot be listed");
      const std::vector<std::string> keys = elements(response.body, "Key");
      const std::vector<std::string> sizes = elements(response.body, "Size");
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::size_t strip = prefix_.empty() ? 0 : prefix_.size() + 1;
        objects.push_back({keys[i].substr(strip),
                           i < sizes.size() ? std::stoull(sizes[i]) : std::uint64_t{0}});
      }
      const auto truncated = elements(response.body, "IsTruncated");
      const auto next = elements(response.body, "NextContinuationToken");
      token = !truncated.empty() && truncated.front() == "true" && !next.empty() ? next.front() : "";
    } while (!token.empty());
    return objects;
  }

 private:
  std::string object_url(const std::string& path) const {
    return bucket_url_ + "/" + uri_encode(prefix_.empty() ? path : prefix_ + "/" + path, true);
  }

  // One signed request. A transport failure (no connection, a timeout) is a StoreError naming
  // the store; HTTP errors are left to the caller, which knows what 404 means.
  Response request(const std::string& method, const std::string& url,
                   const std::string_view* body = nullptr) const {
    CURL* curl = curl_easy_init();
    if (!curl) throw StoreError(spec().describe() + ": libcurl could not start a request");
    Response response;
    curl_slist* headers = nullptr;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (body) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
      headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
    }
    const std::string content_hash =
        "x-amz-content-sha256: " + payload_hash(body ? *body : std::string_view());
    headers = curl_slist_append(headers, content_hash.c_str());
    if (!access_key_.empty()) {
      const std::string signing = "aws:amz:" + region_ + ":s3";
      const std::string credentials = access_key_ + ":" + secret_key_;
      curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, signing.c_str());
      curl_easy_setopt(curl, CURLOPT_USERPWD, credentials.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    const CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK)
      throw StoreError(spec().describe() + " cannot be reached: " + curl_easy_strerror(code));
    return response;
  }

  void expect_success(const std::string& path, const Response& response,
                      const std::string& what) const {
    if (response.status >= 200 && response.status < 300) return;
    const auto codes = elements(response.body, "Code");
    throw error(path, what + ": HTTP " + std::to_string(response.status) +
                          (codes.empty() ? "" : " " + codes.front()));
  }

  std::string bucket_url_;
  std::string prefix_;
  std::string access_key_;
  std::string secret_key_;
  std::string region_;
};

}  // namespace

std::unique_ptr<Storage> open_s3_storage(const StoreSpec& spec) {
  return std::make_unique<S3Storage>(spec);
}

}  // namespace dj
