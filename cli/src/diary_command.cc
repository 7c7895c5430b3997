#include "diary_command.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/records.h"

namespace hipcoach::cli {

namespace {

using nlohmann::json;

// The option that sets each field of the request body, for messages.
std::string option_for(const std::string& where) {
  if (where == "/pain") return "PAIN";
  if (where == "/context") return "--context";
  if (where == "/side") return "--side";
  if (where == "/region") return "--region";
  if (where == "/note") return "--note";
  if (where == "/at") return "--at";
  return where;
}

// PAIN as JSON: a number when it is written as one, so that the codec's
// range check speaks; else the text itself, which the codec refuses.
json pain_json(const std::string& typed) {
  const bool digits = !typed.empty() && typed.size() <= 9 &&
                      typed.find_first_not_of("0123456789") == std::string::npos;
  if (digits) return std::stoi(typed);
  return typed;
}

}  // namespace

std::string terminal_safe(std::string_view text, std::size_t max_bytes) {
  std::string safe;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    safe += byte < 0x20 || byte == 0x7f ? ' ' : c;
  }
  if (safe.size() <= max_bytes) return safe;
  std::size_t cut = max_bytes >= 3 ? max_bytes - 3 : 0;
  // Step back over UTF-8 continuation bytes so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(safe[cut]) & 0xC0) == 0x80) --cut;
  return safe.substr(0, cut) + "...";
}

int run_diary_add(const Command& command, const DiaryAddOptions& options) {
  const std::chrono::sys_seconds now = command.environment.now();
  json body = {{"pain", pain_json(options.pain)}};
  if (body["pain"].is_string()) {
    return command.fail(
        kExitUsage, "PAIN",
        "must be a whole number 0..10, got \"" + terminal_safe(options.pain, 20) + "\"");
  }
  std::vector<std::string> assumed;
  body["context"] = options.context.value_or("rest");
  if (!options.context) assumed.emplace_back("--context rest");
  body["side"] = options.side.value_or("both");
  if (!options.side) assumed.emplace_back("--side both");
  if (options.region) body["region"] = *options.region;
  if (options.note) body["note"] = *options.note;
  body["at"] =
      options.at.value_or(core::format_timestamp(now, command.environment.utc_offset(now)));

  // Checked before the database is opened: a typo costs nothing.
  auto entry = service::diary_entry_from_json(body, 0, now);
  if (!entry) {
    const core::Error& error = entry.error();
    // The codec never repeats a value; PAIN was typed in this same command.
    const std::string got = error.where() == "/pain" ? ", got " + options.pain : "";
    return command.fail(kExitUsage, option_for(error.where()), error.message() + got);
  }

  int exit_code = kExitOk;
  std::optional<Account> account = open_account(command, options.database, exit_code);
  if (!account) return exit_code;
  storage::Store& store = *account->store;
  const storage::User& user = account->user;
  entry->user_id = user.id;
  auto id = store.add_diary_entry(*entry);
  if (!id) return store_failure(command, id.error());

  command.out << "Saved diary entry " << *id << ": pain " << entry->pain << " ("
              << storage::pain_context_name(entry->context) << ", "
              << storage::side_name(entry->side) << ", " << entry->region << ") at " << entry->at
              << ".\n";
  if (!assumed.empty()) {
    command.out << "Assumed " << assumed[0];
    if (assumed.size() > 1) command.out << " and " << assumed[1];
    command.out << "; give " << (assumed.size() > 1 ? "them" : "it") << " to record otherwise.\n";
  }
  return kExitOk;
}

int run_diary_list(const Command& command, const DiaryListOptions& options) {
  int exit_code = kExitOk;
  std::optional<Account> account = open_account(command, options.database, exit_code);
  if (!account) return exit_code;
  storage::Store& store = *account->store;
  const storage::User& user = account->user;
  auto entries = store.list_diary(user.id, options.limit, std::nullopt);
  if (!entries) return store_failure(command, entries.error());
  // One more entry beyond the page says whether there is a next page.
  bool more = false;
  if (static_cast<int>(entries->size()) == options.limit) {
    auto next = store.list_diary(user.id, 1, storage::cursor_after(entries->back()));
    if (!next) return store_failure(command, next.error());
    more = !next->empty();
  }

  if (options.json) {
    json list = json::array();
    for (const storage::DiaryEntry& entry : *entries) list.push_back(service::to_json(entry));
    json next = nullptr;
    if (more) next = service::encode_cursor(storage::cursor_after(entries->back()));
    command.out << json{{"entries", std::move(list)}, {"next", std::move(next)}}.dump(2) << '\n';
    return kExitOk;
  }
  if (entries->empty()) {
    command.out << "The diary of " << user.email
                << " is empty. Add an entry with: hipcoach diary add PAIN\n";
    return kExitOk;
  }
  command.out << "Diary of " << user.email << ", newest first\n";
  char line[160];
  std::snprintf(line, sizeof line, "%6s  %-25s  %4s  %-8s  %-5s  %-14s  %s\n", "ID", "WHEN", "PAIN",
                "CONTEXT", "SIDE", "REGION", "NOTE");
  command.out << line;
  for (const storage::DiaryEntry& entry : *entries) {
    std::snprintf(line, sizeof line, "%6lld  %-25s  %4d  %-8s  %-5s  %-14s  ",
                  static_cast<long long>(entry.id), terminal_safe(entry.at, 25).c_str(), entry.pain,
                  std::string(storage::pain_context_name(entry.context)).c_str(),
                  std::string(storage::side_name(entry.side)).c_str(),
                  terminal_safe(entry.region, 14).c_str());
    std::string row = line + terminal_safe(entry.note, 60);
    row.erase(row.find_last_not_of(' ') + 1);
    command.out << row << '\n';
  }
  if (more) {
    command.out << "Older entries are not shown; use --limit N (up to " << storage::kMaxListLimit
                << ").\n";
  }
  return kExitOk;
}

}  // namespace hipcoach::cli
