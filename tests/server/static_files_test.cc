#include "static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace hipcoach::server {
namespace {

const std::filesystem::path kWeb = std::filesystem::path(HIPCOACH_SERVER_TESTDATA_DIR) / "web";

TEST(ContentTypeFor, MapsEachKnownExtension) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"index.html", "text/html; charset=utf-8"},
      {"INDEX.HTML", "text/html; charset=utf-8"},
      {"css/app.css", "text/css; charset=utf-8"},
      {"js/app.mjs", "text/javascript; charset=utf-8"},
      {"js/old.js", "text/javascript; charset=utf-8"},
      {"img/map.svg", "image/svg+xml"},
      {"icon.png", "image/png"},
      {"data.json", "application/json"},
      {"favicon.ico", "image/x-icon"},
      {"app.webmanifest", "application/manifest+json"},
      {"robots.txt", "text/plain; charset=utf-8"},
      {"archive.tar.gz", "application/octet-stream"},
      {"README", "application/octet-stream"},
      {"dir.html/file", "application/octet-stream"},
      {".html", "text/html; charset=utf-8"},
  };
  for (const auto& [name, type] : cases) EXPECT_EQ(content_type_for(name), type) << name;
}

TEST(LoadStaticFiles, ReadsEveryFileByRelativePath) {
  const auto files = load_static_files(kWeb);
  ASSERT_TRUE(files) << files.error().to_string();
  EXPECT_TRUE(files->contains("index.html"));
  EXPECT_TRUE(files->contains("css/app.css"));
  EXPECT_TRUE(files->contains("js/app.mjs"));
}

TEST(LoadStaticFiles, SkipsHiddenFilesAndDirectories) {
  const auto dir = std::filesystem::temp_directory_path() / "hipcoach-static-files-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / ".git");
  std::ofstream(dir / ".git" / "config") << "secret";
  std::ofstream(dir / ".env") << "secret";
  std::ofstream(dir / "index.html") << "<!doctype html>";
  const auto files = load_static_files(dir);
  ASSERT_TRUE(files) << files.error().to_string();
  EXPECT_EQ(files->size(), 1u);
  EXPECT_TRUE(files->contains("index.html"));
  std::filesystem::remove_all(dir);
}

TEST(LoadStaticFiles, ReportsAMissingDirectory) {
  const auto files = load_static_files(kWeb / "does-not-exist");
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(files.error().where(), (kWeb / "does-not-exist").string());
  EXPECT_EQ(files.error().message(), "the web directory does not exist or is not a directory");
}

}  // namespace
}  // namespace hipcoach::server
