// A response body prepared once at start: its content type, strong ETag and,
// when worth it, a gzip copy. Also the parsing of the request headers that
// choose between them (Accept-Encoding, If-None-Match).
//
// A Representation is immutable after make_representation() and safe to share
// between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace hipcoach::server {

// Bodies at most this long are sent as they are: gzip saves too little.
inline constexpr std::size_t kMinGzipBytes = 1024;

struct Representation {
  std::string content_type;
  std::string cache_control;
  std::shared_ptr<const std::string> body;       // Never null.
  std::string etag;                              // Quoted strong ETag of body.
  std::shared_ptr<const std::string> gzip_body;  // Null when not compressed.
  std::string gzip_etag;                         // Quoted; empty when gzip_body is null.
};

// Builds the representation of `body`. It gets a gzip copy when the content
// type is compressible (text, JSON, SVG, JavaScript), the body is longer than
// kMinGzipBytes and the copy is smaller. `cache_control` is sent as is.
Representation make_representation(std::string body, std::string content_type,
                                   std::string cache_control);

// Returns the strong ETag of `bytes`, quoted: "\"<16 hex>-<size hex>\"".
std::string strong_etag(std::string_view bytes);

// Returns true when `content_type` names a format that gzip shrinks.
bool is_compressible(std::string_view content_type);

// Returns `bytes` compressed as a gzip member (RFC 1952), or an empty string
// when zlib fails.
std::string gzip_compress(std::string_view bytes);

// Returns true when the Accept-Encoding header value allows gzip: "gzip" or
// "x-gzip" or "*" listed with a q-value above 0. An empty header allows only
// the identity encoding.
bool accepts_gzip(std::string_view accept_encoding);

// Returns true when the If-None-Match header value is "*" or lists `etag`
// (quoted, as made by strong_etag) under the weak comparison that RFC 9110
// prescribes for If-None-Match, so "W/" prefixes are ignored.
bool matches_if_none_match(std::string_view if_none_match, std::string_view etag);

}  // namespace hipcoach::server
