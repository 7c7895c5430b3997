#include "static_files.h"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

namespace hipcoach::server {
namespace {

std::string lowercase(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

}  // namespace

std::string_view content_type_for(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kTypes{{
      {"html", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"json", "application/json"},
      {"ico", "image/x-icon"},
      {"webmanifest", "application/manifest+json"},
      {"txt", "text/plain; charset=utf-8"},
      {"map", "application/json"},
  }};
  const auto slash = file_name.rfind('/');
  const std::string_view base =
      slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const auto dot = base.rfind('.');
  if (dot != std::string_view::npos) {
    const std::string extension = lowercase(base.substr(dot + 1));
    for (const auto& [known, type] : kTypes) {
      if (extension == known) return type;
    }
  }
  return "application/octet-stream";
}

core::Result<StaticFileMap> load_static_files(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return core::Error::not_found(dir.string(),
                                  "the web directory does not exist or is not a directory");
  }
  StaticFileMap files;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  const fs::recursive_directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    if (name.starts_with('.')) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_symlink(ec) || !entry.is_regular_file(ec)) continue;
    const std::string where = entry.path().string();
    const auto size = entry.file_size(ec);
    if (ec) break;
    if (size > kMaxStaticFileBytes) {
      return core::Error::invalid_input(
          where, fmt::format("a web file may be at most {} bytes, this one has {}",
                             kMaxStaticFileBytes, size));
    }
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) return core::Error::unavailable(where, "cannot open the file");
    std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return core::Error::unavailable(where, "cannot read the file");
    files.emplace(fs::relative(entry.path(), dir).generic_string(), std::move(contents));
  }
  if (ec)
    return core::Error::unavailable(dir.string(), "cannot list the web directory: " + ec.message());
  return files;
}

}  // namespace hipcoach::server
