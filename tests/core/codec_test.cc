#include "hipcoach/core/codec.h"

#include <gtest/gtest.h>

#include "test_data.h"

namespace hipcoach::core {
namespace {

TEST(ProtocolJson, CarriesEveryCitationWithItsStatement) {
  const LoadedProtocol loaded = testing::DataSet::from_dir(testing::good_dir()).load();
  ASSERT_TRUE(loaded.ok());
  const nlohmann::json json = to_json(loaded.protocol);
  const auto& group = json["groups"][0];
  EXPECT_EQ(group["position"]["advice"]["cite"], nlohmann::json::array({"article"}));
  EXPECT_EQ(group["position"]["caveats"][0]["cite"], nlohmann::json::array({"review"}));
  EXPECT_EQ(group["hold_seconds"], (nlohmann::json{{"min", 90}, {"max", 180},
                                                   {"cite", {"article"}}}));
  EXPECT_EQ(json["body_map"]["areas"][1]["kind"], "avoid");
  EXPECT_EQ(json["sources"][0]["kind"], "clinic");
}

TEST(ProtocolJson, GroupViewListsOnlyTheSourcesItCites) {
  testing::DataSet set = testing::DataSet::from_dir(testing::good_dir());
  set.files["sources.toml"] += "\n[[sources]]\nid = \"unused\"\nkind = \"published\"\n"
                               "title = \"Not cited by the group\"\n";
  const LoadedProtocol loaded = set.load();
  ASSERT_TRUE(loaded.ok());
  const nlohmann::json json = group_to_json(loaded.protocol, loaded.protocol.groups[0]);
  std::vector<std::string> ids;
  for (const auto& source : json["sources"]) ids.push_back(source["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"article", "review"}));
  EXPECT_EQ(json["body_map"]["areas"].size(), 2u);  // Its own area and the one to avoid.
}

}  // namespace
}  // namespace hipcoach::core
