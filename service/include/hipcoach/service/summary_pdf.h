// The clinician summary (summary.h) as a one-page PDF, written with libharu
// (Debian's libhpdf). Only this file's library links libharu; the rest of
// the service does not need it.
//
// The page uses the standard PDF fonts (Helvetica), whose text is WinAnsi
// (Windows-1252): any other character is transliterated or shown as "?", so
// every UTF-8 text, valid or not, makes a page. What does not fit on the one
// page is left out with a line saying so. The content is uncompressed.
//
// Thread-safe: each call has its own document.
#pragma once

#include <string>
#include <string_view>

#include "hipcoach/core/result.h"
#include "hipcoach/service/summary.h"

namespace hipcoach::service {

enum class PaperSize { kA4, kLetter };

// The PDF's bytes ("%PDF-" ... "%%EOF"), one page of `paper`. kInternal
// (where "pdf", with libharu's error number, never the record's content)
// when libharu fails, e.g. out of memory.
core::Result<std::string> summary_pdf(const ClinicianSummary& summary,
                                      PaperSize paper = PaperSize::kA4);

// `text` (any bytes) as WinAnsi bytes for a standard font: ASCII and Latin-1
// as they are, the Windows-1252 punctuation (quotes, dashes, the euro sign)
// mapped to its byte, a few others transliterated (U+2264 as "<="), control
// characters as spaces, and anything else, invalid UTF-8 included, as "?".
std::string to_win_ansi(std::string_view text);

}  // namespace hipcoach::service
