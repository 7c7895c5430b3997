// A QR code as an SVG image, drawn on the server (libqrencode), so that the
// page needs no script to show the otpauth URI of two-step sign-in.
//
// Thread-safe (Debian's libqrencode is built with pthread support).
#pragma once

#include <string>
#include <string_view>

#include "hipcoach/core/result.h"

namespace hipcoach::service {

// The QR code of `text` (byte mode, error correction level M) as a standalone
// SVG document: dark modules as one path, black on a white square with a
// quiet zone of 4 modules, one SVG unit per module, so that it scales
// crisply to any size. The root has role="img", aria-label=`label` and a
// <title> of `label`; `label` is escaped for XML. The caller owns the text.
// kInvalidInput (where "qr") when `text` is empty or too long for a QR code
// (about 2300 bytes at level M); kInternal when libqrencode fails otherwise.
core::Result<std::string> qr_svg(std::string_view text, std::string_view label);

}  // namespace hipcoach::service
