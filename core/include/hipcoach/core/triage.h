// Triage: from a person's answers to a level of care, the reasons for it, the
// muscle groups to start with, the cautions that change how to treat, and advice.
//
// The answer fields and their values are fixed in triage_model.h (the API
// contract); the questions and the rules that give them meaning are data
// (data/triage/, loaded with the protocol by load_protocol()).
// evaluate_triage() is a pure function: the same answers always give the same
// result. Thread-safe.
#pragma once

#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/triage_model.h"

namespace hipcoach::core {

// A group suggested to start with; pointers live as long as the Protocol.
struct GroupSuggestion {
  const MuscleGroup* group = nullptr;
  int score = 0;
  std::vector<const GroupRule*> reasons;
};

// The outcome. Pointers refer into the Protocol that was evaluated and live
// as long as it.
struct TriageResult {
  Disposition disposition = Disposition::kSelfCare;
  bool article_applies = true;
  // Every disposition rule that applied, most urgent first; empty means the
  // default reason (TriageData::default_reason) stands alone.
  std::vector<const DispositionRule*> reasons;
  // Empty when urgent or when the article does not apply.
  std::vector<GroupSuggestion> groups;
  std::vector<const CautionRule*> cautions;
  // Empty when urgent or when the article does not apply.
  std::vector<const AdviceRule*> advice;
};

// Evaluates `answers` against protocol.triage.
// REQUIRES: `protocol` was loaded without diagnostics.
TriageResult evaluate_triage(const Protocol& protocol, const Answers& answers);

}  // namespace hipcoach::core
