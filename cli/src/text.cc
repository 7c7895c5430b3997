#include "text.h"

#include <algorithm>
#include <cstdio>

namespace hipcoach::cli {

namespace {
constexpr std::size_t kWidth = 78;

}  // namespace

// Writes `text` wrapped at kWidth: the first line starts with `first`, the
// others with as many spaces.
void write_wrapped(std::string_view text, std::string_view first, std::ostream& out) {
  const std::string indent(first.size(), ' ');
  std::string line(first);
  std::size_t start = 0;
  bool first_word = true;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    const std::string_view word = text.substr(start, end - start);
    if (!word.empty()) {
      if (!first_word && line.size() + 1 + word.size() > kWidth) {
        out << line << '\n';
        line = indent;
        first_word = true;
      }
      if (!first_word) line += ' ';
      line += word;
      first_word = false;
    }
    start = end + 1;
  }
  if (!first_word) out << line << '\n';
}

std::string decimal_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  std::string out = text;
  if (out == "-0.0") out = "0.0";
  if (out.size() > 2 && out.compare(out.size() - 2, 2, ".0") == 0) out.resize(out.size() - 2);
  return out;
}

std::string Footnotes::markers(const std::vector<std::string>& cite) {
  std::string out;
  for (const std::string& id : cite) {
    auto it = std::find(order_.begin(), order_.end(), id);
    if (it == order_.end()) it = order_.insert(order_.end(), id);
    out += " [" + std::to_string(it - order_.begin() + 1) + "]";
  }
  return out;
}

void Footnotes::write(const core::Protocol& protocol, std::ostream& out) const {
  out << "\nSources\n";
  for (std::size_t i = 0; i < order_.size(); ++i) {
    const core::Source* source = protocol.find_source(order_[i]);
    if (source == nullptr) continue;
    std::string text = "[" + std::to_string(i + 1) + "] ";
    text += source->kind == core::SourceKind::kClinic ? "(the clinic's advice) " : "";
    if (!source->authors.empty()) {
      text += source->authors + (source->authors.back() == '.' ? " " : ". ");
    }
    text += source->title + ".";
    if (!source->publication.empty()) text += " " + source->publication + ".";
    if (source->year != 0) text += " " + std::to_string(source->year) + ".";
    if (!source->url.empty()) text += " " + source->url;
    write_wrapped(text, "  ", out);
  }
}

}  // namespace hipcoach::cli
