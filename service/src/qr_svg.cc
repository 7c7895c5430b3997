#include "hipcoach/service/qr_svg.h"

#include <fmt/format.h>
#include <qrencode.h>

#include <cerrno>
#include <memory>

namespace hipcoach::service {
namespace {

constexpr int kQuietZoneModules = 4;

struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

std::string xml_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

core::Result<std::string> qr_svg(std::string_view text, std::string_view label) {
  if (text.empty()) return core::Error::invalid_input("qr", "there is no text to encode");
  const std::string terminated(text);
  // Byte mode: QRcode_encodeString8bit reads up to the NUL, so a NUL inside
  // would cut the text short; refuse it instead.
  if (terminated.find('\0') != std::string::npos) {
    return core::Error::invalid_input("qr", "the text holds a NUL byte");
  }
  errno = 0;
  const std::unique_ptr<QRcode, QrFree> code(
      QRcode_encodeString8bit(terminated.c_str(), 0, QR_ECLEVEL_M));
  if (!code) {
    if (errno == ERANGE) {
      return core::Error::invalid_input("qr", "the text is too long for a QR code");
    }
    return core::Error::internal("qr", "libqrencode could not make the QR code");
  }
  const int width = code->width;
  const int size = width + 2 * kQuietZoneModules;
  std::string path;
  // One subpath per horizontal run of dark modules (bit 0 of each byte).
  for (int y = 0; y < width; ++y) {
    int x = 0;
    while (x < width) {
      const auto dark = [&](int column) {
        return (code->data[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                           static_cast<std::size_t>(column)] &
                1U) != 0;
      };
      if (!dark(x)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < width && dark(x + run)) ++run;
      path +=
          fmt::format("M{} {}h{}v1h-{}z", x + kQuietZoneModules, y + kQuietZoneModules, run, run);
      x += run;
    }
  }
  const std::string escaped = xml_escaped(label);
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {0}" role="img" aria-label="{1}" )"
      R"(shape-rendering="crispEdges"><title>{1}</title><rect width="{0}" height="{0}" fill="#fff"/>)"
      R"(<path fill="#000" d="{2}"/></svg>)",
      size, escaped, path);
}

}  // namespace hipcoach::service
