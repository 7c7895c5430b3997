// The core does no I/O: no file, socket, clock, random source or printing.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_data.h"

namespace {

TEST(CoreLayering, IncludesNoHeaderThatDoesInputOrOutput) {
  const std::vector<std::string> forbidden = {
      "<iostream>", "<fstream>", "<filesystem>", "<cstdio>",    "<random>",
      "<thread>",   "<boost/",   "<sqlite3.h>",  "<libpq-fe.h>"};
  const std::filesystem::path core = std::string(HIPCOACH_SOURCE_DIR) + "/core";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(core)) {
    if (!entry.is_regular_file()) continue;
    const auto extension = entry.path().extension();
    if (extension != ".h" && extension != ".cc") continue;
    ++files;
    const std::string text = hipcoach::testing::read_file(entry.path());
    for (const std::string& header : forbidden) {
      EXPECT_EQ(text.find("#include " + header), std::string::npos)
          << entry.path() << " includes " << header;
    }
    EXPECT_EQ(text.find("::now()"), std::string::npos) << entry.path() << " reads the clock";
    EXPECT_EQ(text.find("getenv"), std::string::npos) << entry.path() << " reads the environment";
  }
  EXPECT_GT(files, 5);
}

}  // namespace
