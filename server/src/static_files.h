// The files of web/, read into memory once at start.
//
// Nothing outside the directory is reachable by construction: a request can
// only name a key of the map built here. Immutable after load; thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "hipcoach/core/result.h"

namespace hipcoach::server {

// Files larger than this are refused at start: web/ holds small assets.
inline constexpr std::uintmax_t kMaxStaticFileBytes = 16 * 1024 * 1024;

// Returns the Content-Type for a file name by its extension (ignoring case):
// html, css, mjs/js (text/javascript), svg, png, json, ico, webmanifest and
// txt; anything else is application/octet-stream. Text types carry
// "; charset=utf-8".
std::string_view content_type_for(std::string_view file_name);

// Relative path with '/' separators (e.g. "css/app.css") -> contents.
using StaticFileMap = std::map<std::string, std::string, std::less<>>;

// Reads every regular file under `dir`, recursively, skipping names that
// start with '.' (like .git) and symbolic links. Returns kNotFound when `dir`
// does not exist or is not a directory, kInvalidInput when a file is larger
// than kMaxStaticFileBytes, kUnavailable when a file cannot be read; the
// where is the path concerned.
core::Result<StaticFileMap> load_static_files(const std::filesystem::path& dir);

}  // namespace hipcoach::server
