#include "hipcoach/core/clinic.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/validate.h"
#include "test_data.h"

namespace hipcoach::core {
namespace {

std::vector<std::string> messages(const LoadedProtocol& loaded) {
  std::vector<std::string> out;
  for (const Diagnostic& diagnostic : loaded.diagnostics) out.push_back(diagnostic.to_string());
  return out;
}

const std::string kClinic =
    "kind = \"clinic\"\n"
    "name = \"Example Physical Therapy\"\n"
    "address = \"Springfield\"\n"
    "phone = \"+1 (555) 010-0100\"\n"
    "hours = [\"Monday to Friday, 8 am to 6 pm\"]\n"
    "emergency_number = \"112\"\n"
    "\n"
    "[[appointment_types]]\n"
    "id = \"initial-assessment\"\n"
    "name = \"Initial assessment\"\n"
    "minutes = 60\n"
    "\n"
    "[[offers]]\n"
    "id = \"massage-gun\"\n"
    "product = \"Massage gun\"\n"
    "text = \"10% off at our partner shop.\"\n"
    "code = \"EXAMPLE10\"\n"
    "url = \"https://example.com/gun\"\n";

LoadedProtocol load_with_clinic(const std::string& text) {
  testing::DataSet set = testing::DataSet::from_dir(testing::good_dir());
  set.files["clinic.toml"] = text;
  return set.load();
}

TEST(ClinicSettings, ShippedFileNamesTheClinicItsPhoneAndTheEmergencyNumber) {
  const Protocol& protocol = testing::shipped_protocol();
  ASSERT_TRUE(protocol.clinic.has_value());
  EXPECT_EQ(protocol.clinic->name, "More 4 Life Physical Therapy");
  EXPECT_EQ(protocol.clinic->address, "St. Louis, MO");
  EXPECT_EQ(protocol.clinic->phone, "314-941-3970");
  EXPECT_EQ(protocol.clinic->emergency_number, "911");
  // Not invented: no opening hours and no equipment offer are shipped.
  EXPECT_TRUE(protocol.clinic->hours.empty());
  EXPECT_TRUE(protocol.clinic->offers.empty());
  ASSERT_EQ(protocol.clinic->appointment_types.size(), 2u);
  EXPECT_EQ(protocol.clinic->appointment_types[0].id, "initial-assessment");
}

TEST(ClinicSettings, AreOptional) {
  const LoadedProtocol loaded = testing::DataSet::from_dir(testing::good_dir()).load();
  EXPECT_EQ(messages(loaded), std::vector<std::string>{});
  EXPECT_FALSE(loaded.protocol.clinic.has_value());
}

TEST(ClinicSettings, ReadsEveryFieldOfAValidFile) {
  const LoadedProtocol loaded = load_with_clinic(kClinic);
  EXPECT_EQ(messages(loaded), std::vector<std::string>{});
  ASSERT_TRUE(loaded.protocol.clinic.has_value());
  const ClinicSettings& clinic = *loaded.protocol.clinic;
  EXPECT_EQ(clinic.phone, "+1 (555) 010-0100");
  EXPECT_EQ(clinic.hours, std::vector<std::string>{"Monday to Friday, 8 am to 6 pm"});
  EXPECT_EQ(clinic.emergency_number, "112");
  ASSERT_EQ(clinic.appointment_types.size(), 1u);
  EXPECT_EQ(clinic.appointment_types[0].minutes, 60);
  ASSERT_EQ(clinic.offers.size(), 1u);
  EXPECT_EQ(clinic.offers[0].code, "EXAMPLE10");
  EXPECT_EQ(clinic.offers[0].url, "https://example.com/gun");
}

TEST(ClinicSettings, JsonHasTheFieldsOfTheApi) {
  const LoadedProtocol loaded = load_with_clinic(kClinic);
  ASSERT_TRUE(loaded.protocol.clinic.has_value());
  const nlohmann::json json = to_json(*loaded.protocol.clinic);
  EXPECT_EQ(json["name"], "Example Physical Therapy");
  EXPECT_EQ(json["address"], "Springfield");
  EXPECT_EQ(json["phone"], "+1 (555) 010-0100");
  EXPECT_EQ(json["tel"], "+15550100100");
  EXPECT_EQ(json["hours"], nlohmann::json::array({"Monday to Friday, 8 am to 6 pm"}));
  EXPECT_EQ(json["emergency_number"], "112");
  EXPECT_EQ(json["appointment_types"],
            nlohmann::json::parse(
                R"([{"id": "initial-assessment", "name": "Initial assessment", "minutes": 60}])"));
  EXPECT_EQ(json["offers"][0]["product"], "Massage gun");
}

TEST(ClinicSettings, WithoutHoursOrAddressJsonHasEmptyValues) {
  const nlohmann::json json = to_json(*testing::shipped_protocol().clinic);
  EXPECT_EQ(json["hours"], nlohmann::json::array());
  EXPECT_EQ(json["offers"], nlohmann::json::array());
  EXPECT_EQ(json["tel"], "3149413970");
}

TEST(ClinicSettings, RequiresNamePhoneEmergencyNumberAndAnAppointmentType) {
  EXPECT_EQ(messages(load_with_clinic("kind = \"clinic\"\n")),
            (std::vector<std::string>{
                "data/clinic.toml:1:1: name: missing; expected a string",
                "data/clinic.toml:1:1: phone: missing; expected a string",
                "data/clinic.toml:1:1: emergency_number: missing; expected a string",
                "data/clinic.toml:1:1: appointment_types: missing; expected an array of tables "
                "([[appointment_types]])"}));
}

TEST(ClinicSettings, RefusesAPhoneWithTooFewOrTooManyDigits) {
  std::string text = kClinic;
  text.replace(text.find("+1 (555) 010-0100"), 17, "12");
  EXPECT_EQ(
      messages(load_with_clinic(text)),
      std::vector<std::string>{"data/clinic.toml:4:9: phone: must have 3 to 15 digits, got 2"});
  text = kClinic;
  text.replace(text.find("+1 (555) 010-0100"), 17, "+1 555 0100 0100 0100");
  EXPECT_EQ(
      messages(load_with_clinic(text)),
      std::vector<std::string>{"data/clinic.toml:4:9: phone: must have 3 to 15 digits, got 16"});
}

TEST(ClinicSettings, RefusesAPlusInsideThePhoneNumber) {
  std::string text = kClinic;
  text.replace(text.find("+1 (555)"), 8, "1 (555)+");
  EXPECT_EQ(messages(load_with_clinic(text)).size(), 1u);
}

TEST(ClinicSettings, RefusesAnOverlongName) {
  std::string text = kClinic;
  text.replace(text.find("Example Physical Therapy"), 24, std::string(201, 'x'));
  EXPECT_EQ(
      messages(load_with_clinic(text)),
      std::vector<std::string>{"data/clinic.toml:2:8: name: must be at most 200 bytes, got 201"});
}

TEST(ClinicSettings, RefusesASecondFileOfKindClinic) {
  testing::DataSet set = testing::DataSet::from_dir(testing::good_dir());
  set.files["clinic.toml"] = kClinic;
  set.files["protocol/zz-clinic.toml"] = "kind = \"clinic\"\n";
  const std::vector<std::string> found = messages(set.load());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0],
            "data/protocol/zz-clinic.toml:1:8: kind: a second file of kind \"clinic\"; there may "
            "be one");
}

TEST(ClinicSettings, TelDigitsKeepOnlyDigitsAndALeadingPlus) {
  EXPECT_EQ(tel_digits("314-941-3970"), "3149413970");
  EXPECT_EQ(tel_digits("+44 (20) 7946.0000"), "+442079460000");
  EXPECT_EQ(tel_digits(""), "");
}

}  // namespace
}  // namespace hipcoach::core
