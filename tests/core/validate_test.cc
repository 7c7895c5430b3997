#include "hipcoach/core/validate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hipcoach/storage/data_files.h"
#include "test_data.h"

namespace hipcoach::testing {

const core::Protocol& shipped_protocol() {
  static const core::LoadedProtocol loaded =
      storage::load_protocol_dir(std::string(HIPCOACH_SOURCE_DIR) + "/data");
  return loaded.protocol;
}

}  // namespace hipcoach::testing

namespace hipcoach::core {
namespace {

using testing::DataSet;

std::vector<std::string> messages(const LoadedProtocol& loaded) {
  std::vector<std::string> out;
  for (const Diagnostic& diagnostic : loaded.diagnostics) out.push_back(diagnostic.to_string());
  return out;
}

// A file of the bad corpus: its first line names the fixture file it replaces,
// and its "# expect:" lines (at the end, so that they shift no position) give
// every diagnostic the whole data set must then produce, in order.
struct BadCase {
  std::string name;
  std::string replaces;
  std::vector<std::string> expected;
  std::string text;
};

BadCase read_bad_case(const std::filesystem::path& path) {
  BadCase bad;
  bad.name = path.filename().string();
  bad.text = testing::read_file(path);
  std::istringstream lines(bad.text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# replaces: ", 0) == 0) bad.replaces = line.substr(12);
    if (line.rfind("# expect: ", 0) == 0) bad.expected.push_back(line.substr(10));
  }
  return bad;
}

TEST(ProtocolValidator, AcceptsTheFixture) {
  const LoadedProtocol loaded = DataSet::from_dir(testing::good_dir()).load();
  EXPECT_EQ(messages(loaded), std::vector<std::string>{});
  ASSERT_EQ(loaded.protocol.groups.size(), 1u);
  EXPECT_EQ(loaded.protocol.groups[0].hold_seconds.min, 90);
  EXPECT_EQ(loaded.protocol.groups[0].position.caveats.size(), 1u);
  EXPECT_EQ(loaded.protocol.body_map.areas[1].kind, AreaKind::kAvoid);
  EXPECT_EQ(loaded.protocol.body_map.areas[1].rotate_degrees, 30);
}

TEST(ProtocolValidator, AcceptsTheShippedProtocol) {
  const LoadedProtocol loaded =
      storage::load_protocol_dir(std::string(HIPCOACH_SOURCE_DIR) + "/data");
  EXPECT_EQ(messages(loaded), std::vector<std::string>{});
  std::vector<std::string> ids;
  for (const MuscleGroup& group : loaded.protocol.groups) ids.push_back(group.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"gluteus-medius-minimus", "tensor-fasciae-latae",
                                           "external-rotators"}));
}

TEST(ProtocolValidator, ShippedProtocolHoldsTheArticlesSixExternalRotators) {
  const LoadedProtocol loaded =
      storage::load_protocol_dir(std::string(HIPCOACH_SOURCE_DIR) + "/data");
  const MuscleGroup* rotators = loaded.protocol.find_group("external-rotators");
  ASSERT_NE(rotators, nullptr);
  std::vector<std::string> names;
  for (const Muscle& muscle : rotators->muscles) names.push_back(muscle.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Piriformis", "Gemellus superior",
                                             "Obturator internus", "Gemellus inferior",
                                             "Obturator externus", "Quadratus femoris"}));
}

TEST(ProtocolValidator, ReportsEachBadCorpusFileAtItsExactPlace) {
  const std::filesystem::path dir = std::string(HIPCOACH_TESTDATA_DIR) + "/bad";
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  ASSERT_GE(paths.size(), 10u);
  for (const auto& path : paths) {
    const BadCase bad = read_bad_case(path);
    ASSERT_FALSE(bad.replaces.empty()) << bad.name << " has no '# replaces:' line";
    ASSERT_FALSE(bad.expected.empty()) << bad.name << " has no '# expect:' line";
    DataSet set = DataSet::from_dir(testing::good_dir());
    set.files[bad.replaces] = bad.text;
    const LoadedProtocol loaded = set.load();
    EXPECT_EQ(messages(loaded), bad.expected) << "bad corpus file " << bad.name;
  }
}

TEST(ProtocolValidator, RefusesAFileOverOneMebibyte) {
  DataSet set = DataSet::from_dir(testing::good_dir());
  set.files["protocol/huge.toml"] = "# " + std::string(kMaxDataFileBytes, 'x') + "\n";
  EXPECT_EQ(messages(set.load()),
            std::vector<std::string>{"data/protocol/huge.toml: file is larger than 1 MiB "
                                     "(1048576 bytes); refusing to read it"});
}

TEST(ProtocolValidator, RefusesTextThatIsNotUtf8BeforeParsingIt) {
  DataSet set = DataSet::from_dir(testing::good_dir());
  set.files["protocol/latin1.toml"] = "kind = \"guidance\"\n# caf\xe9\n";
  EXPECT_EQ(messages(set.load()),
            std::vector<std::string>{
                "data/protocol/latin1.toml:2:6: text is not valid UTF-8 (byte 23)"});
}

TEST(ProtocolValidator, ReportsEveryProblemInOnePassSortedByPlace) {
  DataSet set = DataSet::from_dir(testing::good_dir());
  std::string& group = set.files["protocol/group.toml"];
  group.replace(group.find("order = 1"), 9, "order = 0");
  group.replace(group.find("min = 90"), 8, "min = 900");
  group += "\n[[cautions]]\ntext = \"\"\ncite = [\"nowhere\"]\n";
  EXPECT_EQ(messages(set.load()),
            (std::vector<std::string>{
                "data/protocol/group.toml:4:9: order: must be 1..100, got 0",
                "data/protocol/group.toml:12:24: hold_seconds.min: must be 10..600, got 900",
                "data/protocol/group.toml:46:8: cautions[1].text: must not be empty",
                "data/protocol/group.toml:47:9: cautions[1].cite[0]: source \"nowhere\" does "
                "not exist"}));
}

TEST(ProtocolValidator, NamesAMissingDirectoryAndFile) {
  const LoadedProtocol loaded = storage::load_protocol_dir("/nonexistent/hipcoach-data");
  ASSERT_GE(loaded.diagnostics.size(), 2u);
  EXPECT_EQ(loaded.diagnostics[0].to_string(),
            "/nonexistent/hipcoach-data/sources.toml: cannot read the file");
  EXPECT_EQ(loaded.diagnostics[1].to_string(),
            "/nonexistent/hipcoach-data/protocol: cannot read the directory: No such file or "
            "directory");
}

}  // namespace
}  // namespace hipcoach::core

namespace hipcoach::core {
namespace {

// Damaged files of every kind get diagnostics, never a crash (run under
// ASan+UBSan by make test). The seed is fixed so a failure reproduces.
TEST(ProtocolValidator, SurvivesRandomlyDamagedFiles) {
  const testing::DataSet good = testing::DataSet::from_dir(testing::good_dir());
  std::mt19937 random(20261125);
  int rejected = 0;
  for (int round = 0; round < 400; ++round) {
    testing::DataSet set = good;
    auto it = set.files.begin();
    std::advance(it, static_cast<long>(random() % set.files.size()));
    std::string& text = it->second;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int edit = 0; edit < edits && !text.empty(); ++edit) {
      const std::size_t at = random() % text.size();
      switch (random() % 4) {
        case 0:
          text[at] = static_cast<char>(random() % 256);
          break;
        case 1:
          text.erase(at, 1 + random() % 8);
          break;
        case 2:
          text.insert(at, std::string(1, "=[]{}\"',.#\n\\"[random() % 12]));
          break;
        default:
          text.insert(at, text.substr(random() % text.size(), 16));
          break;
      }
    }
    const LoadedProtocol loaded = set.load();
    for (const Diagnostic& diagnostic : loaded.diagnostics) {
      ASSERT_FALSE(diagnostic.file.empty()) << "round " << round;
      ASSERT_FALSE(diagnostic.message.empty()) << "round " << round;
    }
    if (!loaded.ok()) ++rejected;
  }
  EXPECT_GT(rejected, 200);
}

}  // namespace
}  // namespace hipcoach::core
