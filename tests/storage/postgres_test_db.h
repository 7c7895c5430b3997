// The PostgreSQL server of the storage tests: scripts/with-postgres.sh starts
// one and points HIPCOACH_TEST_POSTGRES_URL (a libpq URL) at its database.
// Each test works in a schema of its own, named after its TempDir, so that
// tests may run in parallel on one database (ctest -j).
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
#include <string>

#include "test_store.h"

namespace hipcoach::storage::testing {

// The server's URL, or empty when HIPCOACH_TEST_POSTGRES_URL is unset.
inline std::string postgres_test_url() {
  const char* url = std::getenv("HIPCOACH_TEST_POSTGRES_URL");
  return url == nullptr ? std::string() : std::string(url);
}

// What a test does without a server: in CI nothing is skipped, so it fails
// there; elsewhere it is skipped. Call from a void function (SetUp or a test).
#define HIPCOACH_REQUIRE_POSTGRES()                                                             \
  do {                                                                                          \
    if (::hipcoach::storage::testing::postgres_test_url().empty()) {                            \
      if (std::getenv("CI") != nullptr) {                                                       \
        GTEST_FAIL() << "HIPCOACH_TEST_POSTGRES_URL is not set, and CI skips nothing: run the " \
                        "tests through scripts/with-postgres.sh (make test does)";              \
      }                                                                                         \
      GTEST_SKIP() << "HIPCOACH_TEST_POSTGRES_URL is not set; run the tests through "           \
                      "scripts/with-postgres.sh to include PostgreSQL";                         \
    }                                                                                           \
  } while (false)

// The schema of the test that owns `dir`: letters, digits and '_' only.
inline std::string postgres_test_schema(const TempDir& dir) {
  std::string schema = "test_";
  for (const char c : dir.path().filename().string()) {
    const auto u = static_cast<unsigned char>(c);
    schema += std::isalnum(u) != 0 ? static_cast<char>(std::tolower(u)) : '_';
  }
  return schema;
}

// Runs `sql` on the test server as the admin; false (with a test failure)
// when it fails.
inline bool postgres_test_run(const std::string& sql) {
  PGconn* connection = PQconnectdb(postgres_test_url().c_str());
  bool ok = PQstatus(connection) == CONNECTION_OK;
  if (ok) {
    // DROP ... CASCADE reports what it drops: not worth a line per test.
    PQsetNoticeProcessor(
        connection, [](void*, const char*) {}, nullptr);
    PGresult* result = PQexec(connection, sql.c_str());
    ok = PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
    if (!ok) ADD_FAILURE() << sql << ": " << PQresultErrorMessage(result);
    PQclear(result);
  } else {
    ADD_FAILURE() << "cannot reach the test server: " << PQerrorMessage(connection);
  }
  PQfinish(connection);
  return ok;
}

// A fresh schema for the test that owns `dir`, and the URL that opens a
// store in it (search_path set through the URL's options).
inline std::string postgres_test_store_url(const TempDir& dir) {
  const std::string schema = postgres_test_schema(dir);
  postgres_test_run("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  std::string url = postgres_test_url();
  url += url.find('?') == std::string::npos ? '?' : '&';
  return url + "options=-c%20search_path%3D" + schema;
}

inline void postgres_test_drop_schema(const TempDir& dir) {
  postgres_test_run("DROP SCHEMA IF EXISTS " + postgres_test_schema(dir) + " CASCADE");
}

}  // namespace hipcoach::storage::testing
