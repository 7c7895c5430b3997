#include "session_data.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "hipcoach/core/triage_model.h"

namespace hipcoach::core::detail {

namespace {

// The longest time into a hold a cue may name: well beyond any hold.
constexpr std::int64_t kMaxCueSeconds = 3600;

Statement read_text_and_cite(TableReader& reader) {
  Statement statement;
  statement.text = reader.string("text").value_or("");
  statement.cite = read_cite(reader);
  return statement;
}

void read_cue(TableReader& reader, SessionData& session) {
  CueRule cue;
  cue.id = read_defined_id(reader, "cue");
  if (const toml::node* at =
          reader.node("at", true, "seconds (an integer) or \"min\" or \"max\"")) {
    const std::string path = join_path(reader.path(), "at");
    if (const auto* seconds = at->as_integer()) {
      if (seconds->get() < 0 || seconds->get() > kMaxCueSeconds) {
        reader.report(*at, path,
                      "must be 0.." + std::to_string(kMaxCueSeconds) + ", got " +
                          std::to_string(seconds->get()));
      } else {
        cue.at = CueRule::At::kSeconds;
        cue.seconds = static_cast<int>(seconds->get());
      }
    } else if (const auto* word = at->as_string(); word != nullptr && word->get() == "min") {
      cue.at = CueRule::At::kMinHold;
    } else if (word != nullptr && word->get() == "max") {
      cue.at = CueRule::At::kMaxHold;
    } else if (word != nullptr) {
      reader.report(*at, path,
                    "must be \"min\", \"max\" or a number of seconds, got \"" + word->get() + "\"");
    } else {
      reader.report(*at, path,
                    "expected seconds (an integer) or \"min\" or \"max\", got " +
                        std::string(type_name(*at)));
    }
  }
  cue.text = read_text_and_cite(reader);
  reader.finish();
  session.cues.push_back(std::move(cue));
}

void read_stop_rule(TableReader& reader, SessionData& session, bool& pain_rule_seen) {
  StopRule rule;
  rule.id = read_defined_id(reader, "stop rule");
  rule.label = reader.string("label").value_or("");
  if (const auto ends = reader.string("ends")) {
    if (*ends == "hold") {
      rule.ends = StopRule::Ends::kHold;
    } else if (*ends == "session") {
      rule.ends = StopRule::Ends::kSession;
    } else {
      reader.report(*reader.node("ends", false, ""), join_path(reader.path(), "ends"),
                    "must be \"hold\" or \"session\", got \"" + *ends + "\"");
    }
  }
  if (const auto trigger = reader.string("trigger")) {
    if (*trigger == "reported") {
      rule.trigger = StopRule::Trigger::kReported;
    } else if (*trigger == "pain_above_limit") {
      rule.trigger = StopRule::Trigger::kPainAboveLimit;
      if (pain_rule_seen) {
        reader.report(*reader.node("trigger", false, ""), join_path(reader.path(), "trigger"),
                      "only one stop rule may have trigger \"pain_above_limit\"");
      }
      pain_rule_seen = true;
    } else {
      reader.report(*reader.node("trigger", false, ""), join_path(reader.path(), "trigger"),
                    "must be \"reported\" or \"pain_above_limit\", got \"" + *trigger + "\"");
    }
  }
  rule.text = read_text_and_cite(reader);
  reader.finish();
  session.stop_rules.push_back(std::move(rule));
}

void read_recheck(TableReader& reader, SessionData& session) {
  RecheckQuestion question;
  if (auto flag = reader.string("red_flag")) {
    const toml::node* node = reader.node("red_flag", false, "");
    const std::string path = join_path(reader.path(), "red_flag");
    if (std::find(kRedFlags.begin(), kRedFlags.end(), *flag) == kRedFlags.end()) {
      reader.report(*node, path, "\"" + *flag + "\" is not a red flag of the triage answers");
    } else if (std::any_of(session.recheck.begin(), session.recheck.end(),
                           [&](const RecheckQuestion& q) { return q.red_flag == *flag; })) {
      reader.report(*node, path, "red flag \"" + *flag + "\" is asked twice");
    } else {
      question.red_flag = std::move(*flag);
    }
  }
  question.question = reader.string("question").value_or("");
  reader.finish();
  if (!question.red_flag.empty()) session.recheck.push_back(std::move(question));
}

}  // namespace

void read_session(TableReader& root, Protocol& protocol, bool& seen) {
  if (seen) {
    root.report(*root.node("kind", false, ""), "kind",
                "a second file of kind \"session\"; there must be one");
    return;
  }
  seen = true;
  SessionData& session = protocol.session;
  session.before = read_statements(root, "before", 1);
  for (std::size_t i = 0; const toml::table* table : root.tables("cues", 1)) {
    TableReader reader(root.checker(), root.file(), *table, index_path("cues", i++));
    read_cue(reader, session);
  }
  bool pain_rule_seen = false;
  for (std::size_t i = 0; const toml::table* table : root.tables("stop_rules", 1)) {
    TableReader reader(root.checker(), root.file(), *table, index_path("stop_rules", i++));
    read_stop_rule(reader, session, pain_rule_seen);
  }
  session.recheck_intro = read_statement(root, "recheck_intro");
  for (std::size_t i = 0; const toml::table* table : root.tables("recheck", 1)) {
    TableReader reader(root.checker(), root.file(), *table, index_path("recheck", i++));
    read_recheck(reader, session);
  }
  session.aftercare = read_statements(root, "aftercare", 1);
}

}  // namespace hipcoach::core::detail
