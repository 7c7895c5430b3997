#include "representation.h"

#include <fmt/format.h>
#include <zlib.h>

#include <array>
#include <cstdint>

namespace hipcoach::server {
namespace {

constexpr std::string_view kWhitespace = " \t";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kWhitespace);
  return text.substr(first, last - first + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// Returns false when the parameters of one Accept-Encoding element hold
// "q=0" (or "q=0.0", "q=0.000"); a malformed q-value counts as acceptance.
bool q_above_zero(std::string_view parameters) {
  while (!parameters.empty()) {
    const auto semicolon = parameters.find(';');
    const std::string_view parameter = trim(parameters.substr(0, semicolon));
    parameters =
        semicolon == std::string_view::npos ? std::string_view{} : parameters.substr(semicolon + 1);
    if (!starts_with_ignoring_case(parameter, "q=")) continue;
    const std::string_view value = trim(parameter.substr(2));
    if (value.empty() || value.front() != '0') return true;
    return value.find_first_not_of("0.") != std::string_view::npos;
  }
  return true;
}

}  // namespace

std::string strong_etag(std::string_view bytes) {
  // FNV-1a: the tag only needs to change when the content does; it is no
  // security boundary, and the size in the tag separates most collisions.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("\"{:016x}-{:x}\"", hash, bytes.size());
}

bool is_compressible(std::string_view content_type) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  return starts_with_ignoring_case(type, "text/") || iequals(type, "application/json") ||
         iequals(type, "application/problem+json") || iequals(type, "application/manifest+json") ||
         iequals(type, "application/javascript") || iequals(type, "image/svg+xml");
}

std::string gzip_compress(std::string_view bytes) {
  z_stream stream{};
  // 15 + 16: the largest window, written with a gzip header and trailer.
  constexpr int kGzipWindowBits = 15 + 16;
  constexpr int kMemoryLevel = 8;
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kMemoryLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(bytes.size())), '\0');
  // zlib's API takes a non-const pointer but does not write through next_in.
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  const auto written = stream.total_out;
  deflateEnd(&stream);
  if (status != Z_STREAM_END) return {};
  out.resize(written);
  return out;
}

Representation make_representation(std::string body, std::string content_type,
                                   std::string cache_control) {
  Representation result;
  result.etag = strong_etag(body);
  if (body.size() > kMinGzipBytes && is_compressible(content_type)) {
    std::string compressed = gzip_compress(body);
    if (!compressed.empty() && compressed.size() < body.size()) {
      // A different coding is a different representation, so it gets its
      // own strong tag (RFC 9110, 8.8.3).
      result.gzip_etag = strong_etag(compressed);
      result.gzip_body = std::make_shared<const std::string>(std::move(compressed));
    }
  }
  result.body = std::make_shared<const std::string>(std::move(body));
  result.content_type = std::move(content_type);
  result.cache_control = std::move(cache_control);
  return result;
}

bool accepts_gzip(std::string_view accept_encoding) {
  bool star = false;
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    const std::string_view element = trim(accept_encoding.substr(0, comma));
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const auto semicolon = element.find(';');
    const std::string_view coding = trim(element.substr(0, semicolon));
    const std::string_view parameters =
        semicolon == std::string_view::npos ? std::string_view{} : element.substr(semicolon + 1);
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) return q_above_zero(parameters);
    if (coding == "*") star = q_above_zero(parameters);
  }
  return star;
}

bool matches_if_none_match(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view tag = trim(if_none_match.substr(0, comma));
    if_none_match =
        comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

}  // namespace hipcoach::server
