// open_store: which URL opens which store, and how a bad URL is reported.
#include "hipcoach/storage/open_store.h"

#include <gtest/gtest.h>

#include "test_store.h"

namespace hipcoach::storage {
namespace {

using core::ErrorCode;
using testing::TempDir;

TEST(OpenStore, OpensAnEmptyMemoryStore) {
  auto store = open_store("memory:");
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_FALSE((*store)->find_user(1));
}

TEST(OpenStore, CreatesASqliteFileAtThePath) {
  const TempDir dir;
  const auto path = dir.path() / "hipcoach.sqlite";
  auto store = open_store("sqlite:" + path.string());
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(OpenStore, SaysWhenTheSqliteDirectoryIsMissing) {
  const TempDir dir;
  const auto path = dir.path() / "missing" / "hipcoach.sqlite";
  auto store = open_store("sqlite:" + path.string());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().where(), path.string());
  EXPECT_EQ(store.error().message(),
            "the database file cannot be opened (unable to open database file); does its "
            "directory exist?");
}

TEST(OpenStore, OpensPostgresqlUrlsWithLibpqAndNeverShowsThem) {
  // Port 1 refuses at once; the URL's password must not appear anywhere.
  for (const char* url : {"postgresql://hipcoach:secret@127.0.0.1:1/hipcoach",
                          "postgres://hipcoach:secret@127.0.0.1:1/x"}) {
    auto store = open_store(url);
    ASSERT_FALSE(store) << url;
    EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable) << url;
    EXPECT_EQ(store.error().to_string().find("secret"), std::string::npos) << url;
  }
}

TEST(OpenStore, NamesAnUnknownSchemeButNeverTheRestOfTheUrl) {
  auto store = open_store("mysql://root:secret@db/hipcoach");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(store.error().where(), "url");
  EXPECT_EQ(store.error().message(),
            "unknown database scheme \"mysql\"; expected sqlite:PATH, memory: or "
            "postgresql://...");
}

TEST(OpenStore, SaysWhenTheUrlHasNoScheme) {
  for (const char* url : {"", "hipcoach.sqlite", "user secret@host:5432"}) {
    auto store = open_store(url);
    ASSERT_FALSE(store) << url;
    EXPECT_EQ(store.error().code(), ErrorCode::kInvalidInput) << url;
    EXPECT_EQ(store.error().message(),
              "the database URL has no scheme; expected sqlite:PATH, memory: or postgresql://...")
        << url;
  }
}

TEST(OpenStore, RefusesSqliteWithoutAPath) {
  auto store = open_store("sqlite:");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(store.error().message(), "sqlite: needs a path, as sqlite:PATH");
}

}  // namespace
}  // namespace hipcoach::storage
