// The clinic's own settings as data (data/clinic.toml, the file of kind
// "clinic"): who to call, when, the kinds of appointment it offers and the
// emergency number. Not clinical claims: contact details a clinic fills in.
//
// Plain structs, filled by load_protocol() (validate.h); immutable once loaded.
#pragma once

#include <string>
#include <vector>

namespace hipcoach::core {

// A kind of appointment, e.g. an initial assessment of 60 minutes.
struct AppointmentType {
  std::string id;
  std::string name;
  int minutes = 0;
};

// An optional offer on equipment (e.g. a discount code for a massage gun) that
// a clinic may show. Nothing is shipped: the article's affiliate codes are not
// reproduced (data/sources.toml).
struct EquipmentOffer {
  std::string id;
  std::string product;  // e.g. "Massage gun".
  std::string text;     // What the offer is, in the clinic's words.
  std::string code;     // Discount code; empty when there is none.
  std::string url;      // http(s) link; empty when there is none.
};

struct ClinicSettings {
  std::string name;
  std::string address;             // May be only a city, e.g. "St. Louis, MO".
  std::string phone;               // As written for people, e.g. "314-941-3970".
  std::vector<std::string> hours;  // Free text lines; empty: "call to ask".
  std::string emergency_number;    // Digits only, e.g. "911".
  std::vector<AppointmentType> appointment_types;
  std::vector<EquipmentOffer> offers;
};

// The digits of `phone` for a tel: link ("+" kept at the start), e.g.
// "314-941-3970" -> "3149413970".
std::string tel_digits(const std::string& phone);

}  // namespace hipcoach::core
