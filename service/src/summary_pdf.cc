#include "hipcoach/service/summary_pdf.h"

#include <fmt/format.h>
#include <hpdf.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace hipcoach::service {
namespace {

using core::Error;

// Windows-1252's bytes 0x80..0x9f; 0 where the byte is unassigned.
constexpr std::array<char32_t, 32> kWinAnsiHigh = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Decodes one UTF-8 character at `text[i]` and advances `i`; nullopt (and
// one byte consumed) for an invalid sequence.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(i);
  int length = 0;
  char32_t code = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07u;
  } else {
    ++i;
    return std::nullopt;
  }
  if (i + static_cast<std::size_t>(length) > text.size()) {
    ++i;
    return std::nullopt;
  }
  for (int k = 1; k < length; ++k) {
    const unsigned char next = byte(i + static_cast<std::size_t>(k));
    if ((next & 0xC0u) != 0x80u) {
      ++i;
      return std::nullopt;
    }
    code = (code << 6) | (next & 0x3Fu);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are invalid.
  if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
      (code >= 0xD800 && code <= 0xDFFF)) {
    ++i;
    return std::nullopt;
  }
  i += static_cast<std::size_t>(length);
  return code;
}

void append_win_ansi(char32_t code, std::string& out) {
  if (code == '\t' || code == '\n' || code == '\r' || code < 0x20 || code == 0x7F ||
      (code >= 0x80 && code < 0xA0)) {
    out += ' ';
    return;
  }
  if (code < 0x80 || (code >= 0xA0 && code <= 0xFF)) {
    out += static_cast<char>(static_cast<unsigned char>(code));
    return;
  }
  for (std::size_t k = 0; k < kWinAnsiHigh.size(); ++k) {
    if (kWinAnsiHigh[k] == code) {
      out += static_cast<char>(static_cast<unsigned char>(0x80 + k));
      return;
    }
  }
  switch (code) {
    case 0x2010:  // Hyphen.
    case 0x2011:  // Non-breaking hyphen.
    case 0x2012:  // Figure dash.
    case 0x2212:  // Minus sign.
      out += '-';
      return;
    case 0x2264:
      out += "<=";
      return;
    case 0x2265:
      out += ">=";
      return;
    case 0x2248:
      out += "~";
      return;
    case 0x2192:
      out += "->";
      return;
    case 0x00A0:
    case 0x2009:  // Thin space.
    case 0x202F:  // Narrow no-break space.
      out += ' ';
      return;
    default:
      out += '?';
  }
}

// What libharu reported first; the handler only records it, so no error
// unwinds through C code.
struct PdfErrors {
  HPDF_STATUS error = HPDF_OK;
  HPDF_STATUS detail = HPDF_OK;
};

void record_error(HPDF_STATUS error, HPDF_STATUS detail, void* user_data) {
  auto* errors = static_cast<PdfErrors*>(user_data);
  if (errors->error == HPDF_OK) {
    errors->error = error;
    errors->detail = detail;
  }
}

struct DocDeleter {
  void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
};
using Doc = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, DocDeleter>;

constexpr float kMargin = 48;
constexpr float kFooterTop = 56;  // Text stops above this line.
constexpr float kChartWidth = 150;
constexpr float kChartHeight = 44;
constexpr float kChartGap = 14;
constexpr std::size_t kMaxWeeks = 12;
constexpr std::size_t kMaxStops = 8;

std::string date_of(std::string_view rfc3339) { return std::string(rfc3339.substr(0, 10)); }

std::string words(std::string_view name) {
  std::string text(name);
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

std::string number(double value) {
  std::string text = fmt::format("{:.1f}", value);
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text;
}

std::string disposition_text(std::string_view disposition) {
  if (disposition == "urgent") return "Urgent: get care today";
  if (disposition == "soon") return "See a clinician soon (within days)";
  if (disposition == "self_care") return "Self-care is a reasonable start";
  return words(disposition);
}

// Lays out the one page top-down; stops writing (and says so once) when the
// next line would reach the footer.
class PageWriter {
 public:
  PageWriter(HPDF_Doc doc, HPDF_Page page)
      : page_(page),
        regular_(HPDF_GetFont(doc, "Helvetica", "WinAnsiEncoding")),
        bold_(HPDF_GetFont(doc, "Helvetica-Bold", "WinAnsiEncoding")),
        width_(HPDF_Page_GetWidth(page)),
        y_(HPDF_Page_GetHeight(page) - kMargin) {}

  float y() const { return y_; }
  float text_right() const { return width_ - kMargin; }
  bool full() const { return full_; }

  // Writes `text` (UTF-8) wrapped between `left` and `right`; false when it
  // no longer fit.
  bool paragraph(std::string_view text, float size, bool bold = false, float left = kMargin,
                 float right = 0) {
    if (right == 0) right = text_right();
    const std::string encoded = to_win_ansi(text);
    HPDF_Page_SetFontAndSize(page_, bold ? bold_ : regular_, size);
    const float leading = size * 1.3f;
    std::size_t at = 0;
    do {
      if (!room_for(leading)) return false;
      const std::string rest = encoded.substr(at);
      HPDF_UINT fits = HPDF_Page_MeasureText(page_, rest.c_str(), right - left, HPDF_TRUE, nullptr);
      if (fits == 0)
        fits = HPDF_Page_MeasureText(page_, rest.c_str(), right - left, HPDF_FALSE, nullptr);
      if (fits == 0) fits = 1;
      std::string line = rest.substr(0, fits);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      y_ -= leading;
      HPDF_Page_BeginText(page_);
      HPDF_Page_TextOut(page_, left, y_, line.c_str());
      HPDF_Page_EndText(page_);
      at += fits;
      while (at < encoded.size() && encoded[at] == ' ') ++at;
    } while (at < encoded.size());
    return true;
  }

  bool heading(std::string_view text) {
    space(6);
    if (!room_for(30)) return false;
    const bool written = paragraph(text, 12, true);
    HPDF_Page_SetLineWidth(page_, 0.5f);
    HPDF_Page_MoveTo(page_, kMargin, y_ - 3);
    HPDF_Page_LineTo(page_, text_right(), y_ - 3);
    HPDF_Page_Stroke(page_);
    space(4);
    return written;
  }

  void space(float points) { y_ -= points; }
  void move_to(float y) { y_ = y; }

  // Weekly means as a line between the measure's min and max, in a box
  // whose top-left corner is (left, top).
  void chart(const SummaryMeasure& measure, float left, float top) {
    const float bottom = top - kChartHeight;
    HPDF_Page_SetLineWidth(page_, 0.5f);
    HPDF_Page_SetGrayStroke(page_, 0.6f);
    HPDF_Page_Rectangle(page_, left, bottom, kChartWidth, kChartHeight);
    HPDF_Page_Stroke(page_);
    HPDF_Page_SetGrayStroke(page_, 0);
    HPDF_Page_SetFontAndSize(page_, regular_, 6);
    const auto label = [&](float x, float y, const std::string& text) {
      HPDF_Page_BeginText(page_);
      HPDF_Page_TextOut(page_, x, y, to_win_ansi(text).c_str());
      HPDF_Page_EndText(page_);
    };
    label(left + kChartWidth + 2, top - 5, number(measure.max));
    label(left + kChartWidth + 2, bottom, number(measure.min));
    const std::size_t first =
        measure.weekly.size() > kMaxWeeks ? measure.weekly.size() - kMaxWeeks : 0;
    const std::size_t count = measure.weekly.size() - first;
    label(left, bottom - 8,
          count == 0 ? "no entries" : "weekly means, last " + std::to_string(count) + " weeks");
    if (count == 0 || measure.max <= measure.min) return;
    const float step = count > 1 ? (kChartWidth - 8) / static_cast<float>(count - 1) : 0;
    const auto point_y = [&](double mean) {
      const double share = std::clamp((mean - measure.min) / (measure.max - measure.min), 0.0, 1.0);
      return bottom + 3 + static_cast<float>(share) * (kChartHeight - 6);
    };
    HPDF_Page_SetLineWidth(page_, 1.2f);
    for (std::size_t k = 0; k < count; ++k) {
      const float x = left + 4 + step * static_cast<float>(k);
      const float y = point_y(measure.weekly[first + k].mean);
      if (k == 0) {
        HPDF_Page_MoveTo(page_, x, y);
      } else {
        HPDF_Page_LineTo(page_, x, y);
      }
    }
    if (count > 1) HPDF_Page_Stroke(page_);
    for (std::size_t k = 0; k < count; ++k) {
      const float x = left + 4 + step * static_cast<float>(k);
      HPDF_Page_Circle(page_, x, point_y(measure.weekly[first + k].mean), 1.5f);
      HPDF_Page_Fill(page_);
    }
  }

  // Writes the notice that the rest did not fit, once.
  void note_cut() {
    if (cut_noted_) return;
    cut_noted_ = true;
    HPDF_Page_SetFontAndSize(page_, bold_, 8);
    HPDF_Page_BeginText(page_);
    HPDF_Page_TextOut(page_, kMargin, kFooterTop + 2,
                      "More than fits on one page: see the full record in HipCoach.");
    HPDF_Page_EndText(page_);
  }

  void footer(std::string_view generated_at) {
    HPDF_Page_SetLineWidth(page_, 0.5f);
    HPDF_Page_MoveTo(page_, kMargin, kFooterTop - 6);
    HPDF_Page_LineTo(page_, text_right(), kFooterTop - 6);
    HPDF_Page_Stroke(page_);
    HPDF_Page_SetFontAndSize(page_, regular_, 8);
    HPDF_Page_BeginText(page_);
    HPDF_Page_TextOut(page_, kMargin, kFooterTop - 18,
                      "Generated by HipCoach from the patient's own records; not a diagnosis.");
    HPDF_Page_TextOut(page_, kMargin, kFooterTop - 29,
                      to_win_ansi(fmt::format("Generated at {}.", generated_at)).c_str());
    HPDF_Page_EndText(page_);
  }

 private:
  bool room_for(float height) {
    if (y_ - height >= kFooterTop + 12) return true;
    full_ = true;
    note_cut();
    return false;
  }

  HPDF_Page page_;
  HPDF_Font regular_;
  HPDF_Font bold_;
  float width_;
  float y_;
  bool full_ = false;
  bool cut_noted_ = false;
};

std::string part_list(std::uint8_t parts) {
  std::vector<std::string_view> names;
  for (const storage::RecordPart part : storage::kRecordParts) {
    if (storage::has_part(parts, part)) names.push_back(storage::record_part_name(part));
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

void write_triage(PageWriter& page, const ClinicianSummary& summary) {
  if (!storage::has_part(summary.parts, storage::RecordPart::kTriage)) return;
  if (!page.heading("Triage")) return;
  if (!summary.triage) {
    page.paragraph("No triage saved.", 9);
    return;
  }
  const SummaryTriage& triage = *summary.triage;
  page.paragraph(
      fmt::format("Latest, {}: {}", date_of(triage.at), disposition_text(triage.disposition)), 10,
      true);
  page.paragraph(triage.red_flags.empty() ? std::string("Red flags answered yes: none.")
                                          : fmt::format("Red flags answered yes: {}.",
                                                        fmt::join(triage.red_flags, "; ")),
                 9, !triage.red_flags.empty());
  for (const std::string& reason : triage.reasons) {
    if (!page.paragraph("- " + reason, 8, false, kMargin + 8)) return;
  }
}

void write_measures(PageWriter& page, const ClinicianSummary& summary) {
  const bool diary = storage::has_part(summary.parts, storage::RecordPart::kDiary);
  const bool questionnaires =
      storage::has_part(summary.parts, storage::RecordPart::kQuestionnaires);
  if (!diary && !questionnaires) return;
  if (!page.heading("Pain and questionnaires")) return;
  if (summary.measures.empty()) {
    page.paragraph("No pain ratings or questionnaire responses yet.", 9);
    return;
  }
  const float chart_left = page.text_right() - kChartWidth - 12;
  const float text_right = chart_left - kChartGap;
  for (const SummaryMeasure& measure : summary.measures) {
    if (page.full()) return;
    const float top = page.y();
    page.space(4);
    if (!page.paragraph(measure.name, 10, true, kMargin, text_right)) return;
    if (measure.latest) {
      page.paragraph(
          fmt::format("Latest {} on {}.", number(*measure.latest), date_of(measure.latest_at)), 9,
          false, kMargin, text_right);
    }
    page.paragraph(fmt::format("Since the first entry: {}.", words(measure.verdict)), 9, true,
                   kMargin, text_right);
    page.paragraph(measure.since_first, 8, false, kMargin, text_right);
    page.paragraph(measure.recent, 8, false, kMargin, text_right);
    if (!measure.sources.empty()) {
      page.paragraph(fmt::format("Thresholds from: {}.", fmt::join(measure.sources, "; ")), 7,
                     false, kMargin, text_right);
    }
    if (page.full()) return;
    page.chart(measure, chart_left, top - 8);
    page.move_to(std::min(page.y(), top - 8 - kChartHeight - 12));
  }
}

void write_sessions(PageWriter& page, const ClinicianSummary& summary) {
  if (!storage::has_part(summary.parts, storage::RecordPart::kSessions)) return;
  if (!page.heading("Guided sessions")) return;
  page.paragraph(
      summary.sessions == 0
          ? std::string("No guided sessions yet.")
          : fmt::format("{} session{} done; the last on {}.", summary.sessions,
                        summary.sessions == 1 ? "" : "s", date_of(summary.last_session_at)),
      9, true);
  if (summary.stops.empty()) {
    if (summary.sessions > 0) page.paragraph("No stop events.", 9);
    return;
  }
  page.paragraph("Stop events (newest last):", 9);
  const std::size_t first = summary.stops.size() > kMaxStops ? summary.stops.size() - kMaxStops : 0;
  if (first > 0) {
    page.paragraph(fmt::format("... and {} earlier.", first), 8, false, kMargin + 8);
  }
  for (std::size_t k = first; k < summary.stops.size(); ++k) {
    const SummaryStopEvent& stop = summary.stops[k];
    const std::string kind = stop.kind == "red_flag" ? "red flag at the re-check"
                             : stop.kind == "hold"   ? "ended a hold"
                                                     : "ended the session";
    if (!page.paragraph(fmt::format("- {}: {} ({})", date_of(stop.at), stop.label, kind), 8, false,
                        kMargin + 8)) {
      return;
    }
  }
}

}  // namespace

std::string to_win_ansi(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto code = next_code_point(text, i);
    if (!code) {
      out += '?';
      continue;
    }
    append_win_ansi(*code, out);
  }
  return out;
}

core::Result<std::string> summary_pdf(const ClinicianSummary& summary, PaperSize paper) {
  PdfErrors errors;
  const Doc doc(HPDF_New(record_error, &errors));
  if (!doc) return Error::internal("pdf", "libharu could not start a document");
  const auto failed = [&] {
    return Error::internal("pdf", fmt::format("libharu failed: error 0x{:04x}, detail {}",
                                              errors.error, errors.detail));
  };
  HPDF_SetCompressionMode(doc.get(), HPDF_COMP_NONE);
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_CREATOR, "HipCoach");
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_TITLE, "HipCoach summary for the clinician");
  HPDF_Page page = HPDF_AddPage(doc.get());
  if (page == nullptr || errors.error != HPDF_OK) return failed();
  HPDF_Page_SetSize(page, paper == PaperSize::kLetter ? HPDF_PAGE_SIZE_LETTER : HPDF_PAGE_SIZE_A4,
                    HPDF_PAGE_PORTRAIT);

  PageWriter writer(doc.get(), page);
  if (errors.error != HPDF_OK) return failed();
  writer.paragraph("HipCoach summary for the clinician", 16, true);
  writer.space(2);
  writer.paragraph(fmt::format("Patient: {}", summary.email), 10);
  writer.paragraph(fmt::format("Generated on {}, from the parts of the record shared: {}.",
                               date_of(summary.generated_at), part_list(summary.parts)),
                   9);
  write_triage(writer, summary);
  write_measures(writer, summary);
  write_sessions(writer, summary);
  writer.footer(summary.generated_at);
  if (errors.error != HPDF_OK) return failed();

  if (HPDF_SaveToStream(doc.get()) != HPDF_OK || errors.error != HPDF_OK) return failed();
  std::string bytes(HPDF_GetStreamSize(doc.get()), '\0');
  auto size = static_cast<HPDF_UINT32>(bytes.size());
  // Reading the whole stream may end with HPDF_STREAM_EOF, which is no failure.
  const HPDF_STATUS read =
      HPDF_ReadFromStream(doc.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  if (read != HPDF_OK && read != HPDF_STREAM_EOF) return failed();
  bytes.resize(size);
  return bytes;
}

}  // namespace hipcoach::service
