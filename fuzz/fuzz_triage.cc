// The triage answers as the API and the CLI take them: JSON text, checked,
// evaluated against the shipped rules, turned into JSON again, and, when the
// result offers self-treatment, into a guided-session plan.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "hipcoach/core/codec.h"
#include "hipcoach/core/session.h"
#include "hipcoach/core/triage.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hipcoach;
  const core::Protocol& protocol = fuzz::shipped_protocol();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto answers = core::parse_answers(text);
  if (!answers) {
    // A refusal names where and why.
    if (answers.error().message().empty()) __builtin_trap();
    return 0;
  }
  const core::TriageResult result = core::evaluate_triage(protocol, *answers);
  (void)core::to_json(protocol, result).dump();
  if (auto request = core::plan_request_from_triage(result, *answers)) {
    (void)core::build_session_plan(protocol, *request);
  }
  return 0;
}
