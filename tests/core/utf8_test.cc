#include "hipcoach/core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace hipcoach::core {
namespace {

TEST(Utf8, AcceptsAsciiAndMultibyteText) {
  EXPECT_FALSE(find_invalid_utf8("plain"));
  EXPECT_FALSE(find_invalid_utf8("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(find_invalid_utf8(""));
}

TEST(Utf8, FindsTheFirstBadByteWithItsLineAndColumn) {
  struct Row {
    std::string text;
    std::size_t offset;
    int line;
    int column;
  };
  const Row rows[] = {
      {"ab\xff", 2, 1, 3},                   // never valid
      {"a\nb\xc3", 3, 2, 2},                 // truncated at the end
      {"\xc0\xaf", 0, 1, 1},                 // overlong slash
      {"\xed\xa0\x80", 0, 1, 1},             // surrogate
      {"\xf4\x90\x80\x80", 0, 1, 1},         // above U+10FFFF
      {"\xc3\xa9\xe2\x28\xa1", 2, 1, 3},     // bad continuation (columns count bytes)
  };
  for (const Row& row : rows) {
    const auto error = find_invalid_utf8(row.text);
    ASSERT_TRUE(error) << "row at offset " << row.offset;
    EXPECT_EQ(error->offset, row.offset) << "row at offset " << row.offset;
    EXPECT_EQ(error->line, row.line) << "row at offset " << row.offset;
    EXPECT_EQ(error->column, row.column) << "row at offset " << row.offset;
  }
}

}  // namespace
}  // namespace hipcoach::core
