// The guided session's data (data/protocol/session.toml, kind = "session"):
// the cues spoken during a hold, the stop rules, the red flags to re-check
// before every session, and what to say before and after. Plain data, filled
// by load_protocol(); see session.h for the plan and the state machine.
// Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "hipcoach/core/statement.h"

namespace hipcoach::core {

// When a cue is spoken during a hold.
struct CueRule {
  enum class At { kSeconds, kMinHold, kMaxHold };
  std::string id;
  At at = At::kSeconds;
  int seconds = 0;  // kSeconds only: seconds into the hold.
  Statement text;
};

// A reason to stop, and what to do then.
struct StopRule {
  enum class Ends { kHold, kSession };
  enum class Trigger {
    kReported,        // The person reports it (a button, a key).
    kPainAboveLimit,  // The person's pain rating during a hold is above their own limit.
  };
  std::string id;
  std::string label;  // Short, for a button: "Tingling or numbness".
  Ends ends = Ends::kSession;
  Trigger trigger = Trigger::kReported;
  Statement text;  // What to do, with its sources.
};

// A red flag (an id of kRedFlags) asked again before every session.
struct RecheckQuestion {
  std::string red_flag;
  std::string question;  // "Since your last check, have you had a fall or an injury?"
};

struct SessionData {
  std::vector<CueRule> cues;  // In the order given; the plan sorts them by time.
  std::vector<StopRule> stop_rules;
  Statement recheck_intro;
  std::vector<RecheckQuestion> recheck;
  std::vector<Statement> before;
  std::vector<Statement> aftercare;
};

}  // namespace hipcoach::core
