#include "clinic_data.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "hipcoach/core/clinic.h"

namespace hipcoach::core {

std::string tel_digits(const std::string& phone) {
  std::string out;
  for (const char c : phone) {
    if ((c >= '0' && c <= '9') || (c == '+' && out.empty())) out += c;
  }
  return out;
}

namespace detail {

namespace {

// Names, lines of the opening hours and the like: one line, a sensible length.
constexpr std::size_t kMaxLine = 200;
constexpr std::size_t kMaxHoursLines = 14;
constexpr std::int64_t kMinMinutes = 5;
constexpr std::int64_t kMaxMinutes = 480;
// E.164 allows at most 15 digits; 3 is the shortest number worth calling.
constexpr std::size_t kMinPhoneDigits = 3;
constexpr std::size_t kMaxPhoneDigits = 15;

std::string path_of(TableReader& reader, std::string_view key) {
  return join_path(reader.path(), key);
}

// Reports a value that is not one line of at most kMaxLine characters.
bool check_line(TableReader& reader, const toml::node& node, const std::string& path,
                const std::string& value) {
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    reader.report(node, path, "must be one line, without control characters");
    return false;
  }
  if (value.size() > kMaxLine) {
    reader.report(node, path,
                  "must be at most " + std::to_string(kMaxLine) + " bytes, got " +
                      std::to_string(value.size()));
    return false;
  }
  return true;
}

// A text key: one line; empty when missing or bad (already reported).
std::string read_line(TableReader& reader, std::string_view key, bool required = true) {
  auto value = reader.string(key, required);
  if (!value) return {};
  if (!check_line(reader, *reader.node(key, false, ""), path_of(reader, key), *value)) return {};
  return std::move(*value);
}

std::string read_phone(TableReader& reader) {
  std::string phone = read_line(reader, "phone");
  if (phone.empty()) return phone;
  const toml::node& node = *reader.node("phone", false, "");
  const std::string path = path_of(reader, "phone");
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    const bool allowed = (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '.' || c == '(' ||
                         c == ')' || (c == '+' && i == 0);
    if (!allowed) {
      reader.report(node, path,
                    "\"" + phone +
                        "\" is not a phone number (digits, spaces, '-', '.', '(', ')' and a "
                        "leading '+' only)");
      return {};
    }
  }
  const std::size_t digits = tel_digits(phone).size() - (phone.front() == '+' ? 1 : 0);
  if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits) {
    reader.report(node, path,
                  "must have " + std::to_string(kMinPhoneDigits) + " to " +
                      std::to_string(kMaxPhoneDigits) + " digits, got " + std::to_string(digits));
    return {};
  }
  return phone;
}

std::string read_emergency_number(TableReader& reader) {
  std::string number = read_line(reader, "emergency_number");
  if (number.empty()) return number;
  const bool digits_only =
      std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits_only || number.size() < 2 || number.size() > 6) {
    reader.report(*reader.node("emergency_number", false, ""), path_of(reader, "emergency_number"),
                  "must be 2 to 6 digits (such as \"911\" or \"112\"), got \"" + number + "\"");
    return {};
  }
  return number;
}

void read_hours(TableReader& reader, ClinicSettings& clinic) {
  const auto lines = reader.string_list("hours", false);
  if (lines.size() > kMaxHoursLines) {
    reader.report(*reader.node("hours", false, ""), path_of(reader, "hours"),
                  "must have at most " + std::to_string(kMaxHoursLines) + " lines, got " +
                      std::to_string(lines.size()));
    return;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& [text, node] = lines[i];
    if (check_line(reader, *node, index_path(path_of(reader, "hours"), i), text)) {
      clinic.hours.push_back(text);
    }
  }
}

void read_appointment_type(TableReader& reader, ClinicSettings& clinic) {
  AppointmentType type;
  type.id = read_defined_id(reader, "appointment type");
  type.name = read_line(reader, "name");
  type.minutes = static_cast<int>(reader.integer("minutes", kMinMinutes, kMaxMinutes).value_or(0));
  reader.finish();
  clinic.appointment_types.push_back(std::move(type));
}

void read_offer(TableReader& reader, ClinicSettings& clinic) {
  EquipmentOffer offer;
  offer.id = read_defined_id(reader, "offer");
  offer.product = read_line(reader, "product");
  offer.text = read_line(reader, "text");
  offer.code = read_line(reader, "code", false);
  if (!offer.code.empty()) {
    const bool plain = std::all_of(offer.code.begin(), offer.code.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             c == '-' || c == '_';
    });
    if (!plain || offer.code.size() > 40) {
      reader.report(*reader.node("code", false, ""), path_of(reader, "code"),
                    "must be at most 40 letters, digits, '-' or '_', got \"" + offer.code + "\"");
      offer.code.clear();
    }
  }
  offer.url = read_line(reader, "url", false);
  if (!offer.url.empty()) {
    const bool web = offer.url.starts_with("https://") || offer.url.starts_with("http://");
    if (!web || offer.url.find_first_of(" \"<>") != std::string::npos) {
      reader.report(
          *reader.node("url", false, ""), path_of(reader, "url"),
          "must be an http:// or https:// address without spaces, got \"" + offer.url + "\"");
      offer.url.clear();
    }
  }
  reader.finish();
  clinic.offers.push_back(std::move(offer));
}

}  // namespace

void read_clinic(TableReader& root, Protocol& protocol) {
  if (protocol.clinic) {
    root.report(*root.node("kind", false, ""), "kind",
                "a second file of kind \"clinic\"; there may be one");
    return;
  }
  ClinicSettings& clinic = protocol.clinic.emplace();
  clinic.name = read_line(root, "name");
  clinic.address = read_line(root, "address", false);
  clinic.phone = read_phone(root);
  read_hours(root, clinic);
  clinic.emergency_number = read_emergency_number(root);
  for (std::size_t i = 0; const toml::table* table : root.tables("appointment_types", 1)) {
    TableReader reader(root.checker(), root.file(), *table, index_path("appointment_types", i++));
    read_appointment_type(reader, clinic);
  }
  for (std::size_t i = 0; const toml::table* table : root.tables("offers", 0)) {
    TableReader reader(root.checker(), root.file(), *table, index_path("offers", i++));
    read_offer(reader, clinic);
  }
}

}  // namespace detail
}  // namespace hipcoach::core
