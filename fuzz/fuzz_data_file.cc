// The protocol, triage, questionnaire, session and clinic loaders: the input's
// first byte picks one of the shipped data files (sources.toml included), the
// rest replaces its text, and the whole data set is loaded and validated as
// the server does at start-up. The other files stay valid, so the checks that
// cross files (citations, areas, body-map views) run on the fuzzed one too.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.h"
#include "hipcoach/core/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hipcoach;
  const storage::DataDirectory& shipped = fuzz::shipped_files();
  fuzz::Input input(data, size);
  const std::size_t choice = input.byte() % (shipped.files.size() + 1);

  core::DataFile sources = shipped.sources;
  std::vector<core::DataFile> files = shipped.files;
  core::DataFile& fuzzed = choice == files.size() ? sources : files[choice];
  fuzzed.text = std::string(input.rest());

  const core::LoadedProtocol loaded = core::load_protocol(sources, files);
  // Every diagnostic must print: a position and a message, whatever the text.
  for (const core::Diagnostic& diagnostic : loaded.diagnostics) {
    if (diagnostic.to_string().empty()) __builtin_trap();
  }
  return 0;
}
