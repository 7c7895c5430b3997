#include "hipcoach/cli/cli.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "audit_command.h"
#include "backup_command.h"
#include "coach_command.h"
#include "command.h"
#include "diary_command.h"
#include "export_command.h"
#include "hipcoach/core/codec.h"
#include "hipcoach/core/protocol.h"
#include "hipcoach/server/server.h"
#include "hipcoach/storage/data_files.h"
#include "progress_command.h"
#include "protocol_text.h"
#include "questionnaire_command.h"
#include "reminders_command.h"
#include "triage_command.h"
#include "user_command.h"

#ifndef HIPCOACH_VERSION
#define HIPCOACH_VERSION "0.0.0"
#endif
#ifndef HIPCOACH_SOURCE_DIR
#define HIPCOACH_SOURCE_DIR "."
#endif

namespace hipcoach::cli {

namespace {

namespace fs = std::filesystem;

// data/ and web/ in the working directory when there, else the source tree's.
std::string default_dir(const char* name) {
  std::error_code error;
  if (fs::is_directory(name, error)) return name;
  return (fs::path(HIPCOACH_SOURCE_DIR) / name).string();
}

void print_diagnostics(const std::vector<core::Diagnostic>& diagnostics, std::ostream& err) {
  for (const core::Diagnostic& diagnostic : diagnostics) err << diagnostic.to_string() << '\n';
  err << diagnostics.size() << (diagnostics.size() == 1 ? " problem" : " problems") << " found\n";
}

// Loads the protocol for a command that only reads it; prints the problems.
bool load(const std::string& data_dir, core::LoadedProtocol& loaded, std::ostream& err) {
  loaded = storage::load_protocol_dir(data_dir);
  if (loaded.ok()) return true;
  err << "hipcoach: the protocol data in " << data_dir << " is invalid:\n";
  print_diagnostics(loaded.diagnostics, err);
  return false;
}

// Splits "HOST:PORT"; false when it is not one.
bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const unsigned long value = std::stoul(digits);
  if (value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// The system's offset from UTC at `at`, in whole minutes (tm_gmtoff).
std::chrono::minutes system_utc_offset(std::chrono::sys_seconds at) {
  const std::time_t time = std::chrono::system_clock::to_time_t(at);
  std::tm local{};
  if (::localtime_r(&time, &local) == nullptr) return std::chrono::minutes{0};
  const long minutes = local.tm_gmtoff / 60;
  // format_timestamp takes offsets under a day; no real zone comes near.
  if (minutes <= -24 * 60 || minutes >= 24 * 60) return std::chrono::minutes{0};
  return std::chrono::minutes{minutes};
}

// Adds --db and --user to a command that reads or writes a person's records.
void add_database_options(CLI::App* command, DatabaseOptions& options, bool with_user) {
  command->add_option("--db", options.db,
                      "Database URL: sqlite:PATH or postgresql://... (default: $HIPCOACH_DB, else "
                      "sqlite:$XDG_DATA_HOME/hipcoach/hipcoach.sqlite, else under "
                      "~/.local/share)");
  if (with_user) {
    command->add_option("--user", options.user,
                        "The account's email (default: $HIPCOACH_USER; one of the two is needed)");
  }
}

// Keeps an option's value when it was given on the command line.
void set_if_given(const CLI::Option* option, const std::string& value,
                  std::optional<std::string>& target) {
  if (option->count() > 0) target = value;
}

}  // namespace

Environment Environment::system(bool input_is_terminal) {
  Environment environment;
  environment.variable = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  environment.now = [] {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  };
  environment.utc_offset = system_utc_offset;
  environment.input_is_terminal = input_is_terminal;
  return environment;
}

int run(std::span<const std::string> args, std::istream& in, std::ostream& out, std::ostream& err) {
  return run(args, in, out, err, Environment::system());
}

int run(std::span<const std::string> args, std::istream& in, std::ostream& out, std::ostream& err,
        const Environment& environment) {
  CLI::App app{"HipCoach: trigger-point self-care for outer hip pain, from your clinic's protocol.",
               "hipcoach"};
  app.set_version_flag("--version", std::string("hipcoach ") + HIPCOACH_VERSION);
  app.require_subcommand(1);

  bool json = false;
  std::string data_dir = default_dir("data");

  CLI::App* protocol = app.add_subcommand("protocol", "Read and check the hip protocol data");
  protocol->require_subcommand(1);

  CLI::App* list = protocol->add_subcommand("list", "List the muscle groups");
  list->add_flag("--json", json, "Print JSON");
  list->add_option("--data", data_dir, "Data directory (holds sources.toml and protocol/)");

  std::string show_id;
  CLI::App* show = protocol->add_subcommand("show", "Show one muscle group with its sources");
  show->add_option("ID", show_id, "Group id, as `protocol list` prints it")->required();
  show->add_flag("--json", json, "Print JSON");
  show->add_option("--data", data_dir, "Data directory (holds sources.toml and protocol/)");

  CLI::App* validate = protocol->add_subcommand(
      "validate", "Check every protocol file and print each problem as FILE:LINE:COL");
  validate->add_option("DIR", data_dir, "Data directory (holds sources.toml and protocol/)");
  validate->add_flag("--json", json, "Print the problems as JSON");

  std::string listen = "127.0.0.1:8080";
  std::string web_dir = default_dir("web");
  int threads = 0;
  CLI::App* serve = app.add_subcommand("serve", "Serve the web page and the JSON API");
  serve->add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->capture_default_str();
  serve->add_option("--data", data_dir, "Data directory (holds sources.toml and protocol/)");
  serve->add_option("--web", web_dir, "Directory of the web page's files");
  serve->add_option("--threads", threads, "I/O threads; 0 means one per core")
      ->check(CLI::Range(0, 256));
  std::string tls_cert;
  std::string tls_key;
  bool secure_cookies = false;
  serve
      ->add_option("--tls-cert", tls_cert,
                   "Serve HTTPS with the PEM certificate chain in FILE (needs --tls-key)")
      ->type_name("FILE");
  serve
      ->add_option("--tls-key", tls_key,
                   "The certificate's PEM private key, unencrypted (needs --tls-cert)")
      ->type_name("FILE");
  serve->add_flag("--secure-cookies", secure_cookies,
                  "Behind a reverse proxy that terminates TLS: mark the session cookie Secure "
                  "and send Strict-Transport-Security (implied by --tls-cert)");
  std::vector<std::string> trusted_proxies;
  serve
      ->add_option("--trusted-proxy", trusted_proxies,
                   "The IP address of a reverse proxy in front of the server (repeatable): its "
                   "X-Forwarded-For names the client, for the sign-in limit")
      ->type_name("ADDRESS");
  DatabaseOptions serve_database;
  add_database_options(serve, serve_database, false);

  TriageOptions triage_options;
  CLI::App* triage = app.add_subcommand(
      "triage", "Ask where it hurts and the red-flag questions; say what level of care fits");
  triage->add_option("--answers", triage_options.answers_path,
                     "Read the answers as JSON from FILE, or - for standard input");
  triage->add_flag("--json", triage_options.json, "Print the result as JSON");
  triage->add_option("--data", data_dir, "Data directory (holds sources.toml and protocol/)");

  UserAddOptions user_add_options;
  std::string role_name = "patient";
  CLI::App* user = app.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  CLI::App* user_add = user->add_subcommand(
      "add",
      "Create an account. The password is asked twice without echo at a terminal, else read as "
      "the first line of standard input");
  user_add->add_option("EMAIL", user_add_options.email, "The account's email address")->required();
  user_add->add_option("--role", role_name, "patient, clinician or admin")
      ->check(CLI::IsMember({"patient", "clinician", "admin"}))
      ->capture_default_str();
  add_database_options(user_add, user_add_options.database, false);
  UserResetTwoFactorOptions user_reset_options;
  CLI::App* user_reset = user->add_subcommand(
      "reset-two-factor",
      "Turn an account's two-step sign-in off and end its sessions, for someone who lost their "
      "authenticator app and recovery codes");
  user_reset->add_option("EMAIL", user_reset_options.email, "The account's email address")
      ->required();
  add_database_options(user_reset, user_reset_options.database, false);

  CLI::App* audit = app.add_subcommand("audit", "The audit log of staff reads, for the admin");
  audit->require_subcommand(1);
  AuditExportOptions audit_export_options;
  std::string audit_since_text;
  CLI::App* audit_export = audit->add_subcommand(
      "export",
      "Write every audit row, oldest first, as JSON Lines (one row a line, as GET /api/v1/audit "
      "has it); only reads the database");
  audit_export->add_option("--to", audit_export_options.to,
                           "Write to FILE, created with mode 0600 (default: standard output)");
  audit_export->add_flag("--force", audit_export_options.force, "Replace FILE when it exists");
  const CLI::Option* audit_since_option = audit_export->add_option(
      "--since", audit_since_text,
      "Only the rows at or after this time, RFC 3339, e.g. 2026-11-01T00:00:00Z");
  add_database_options(audit_export, audit_export_options.database, false);

  BackupCommandOptions backup_options;
  CLI::App* backup = app.add_subcommand(
      "backup",
      "Copy the whole database into FILE (mode 0600): SQLite's online backup, safe while "
      "hipcoach serve runs and writes, checked before FILE takes its name; pg_dump "
      "--format=custom for PostgreSQL");
  backup->add_option("--to", backup_options.to, "The backup file to write")->required();
  backup->add_flag("--force", backup_options.force, "Replace FILE when it exists");
  add_database_options(backup, backup_options.database, false);
  RestoreCommandOptions restore_options;
  CLI::App* restore = app.add_subcommand(
      "restore",
      "Replace the database with a backup made by hipcoach backup, then bring its schema up to "
      "date. Stop hipcoach serve first: a database in use is refused");
  restore->add_option("--from", restore_options.from, "The backup file to restore")->required();
  restore->add_flag("--force", restore_options.force,
                    "Replace a database that holds data (its records are lost)");
  add_database_options(restore, restore_options.database, false);

  CLI::App* diary = app.add_subcommand("diary", "Keep the pain diary");
  diary->require_subcommand(1);
  DiaryAddOptions diary_add_options;
  std::string context_text;
  std::string side_text;
  std::string region_text;
  std::string note_text;
  std::string at_text;
  CLI::App* diary_add = diary->add_subcommand(
      "add",
      "Record how strong the pain is now (0 = none, 10 = the worst). Without --context and "
      "--side the entry is recorded at rest and on both sides, and the output says so");
  diary_add->add_option("PAIN", diary_add_options.pain, "Pain from 0 (none) to 10 (the worst)")
      ->required();
  const CLI::Option* context_option =
      diary_add->add_option("--context", context_text, "rest or activity (default: rest)");
  const CLI::Option* side_option =
      diary_add->add_option("--side", side_text, "left, right or both (default: both)");
  const CLI::Option* region_option = diary_add->add_option(
      "--region", region_text,
      "Where: outer_hip (default), buttock, groin, front_of_thigh, outer_thigh, back_of_thigh, "
      "lower_back, knee or below_knee");
  const CLI::Option* note_option =
      diary_add->add_option("--note", note_text, "A note, up to 2000 bytes");
  const CLI::Option* at_option = diary_add->add_option(
      "--at", at_text,
      "When, as RFC 3339 with an offset, e.g. 2026-11-25T08:30:00-06:00 (default: now)");
  add_database_options(diary_add, diary_add_options.database, true);

  DiaryListOptions diary_list_options;
  CLI::App* diary_list = diary->add_subcommand("list", "Show the newest diary entries");
  diary_list->add_option("--limit", diary_list_options.limit, "How many entries, 1..1000")
      ->check(CLI::Range(1, storage::kMaxListLimit))
      ->capture_default_str();
  diary_list->add_flag("--json", diary_list_options.json, "Print JSON, as the API does");
  add_database_options(diary_list, diary_list_options.database, true);

  CLI::App* questionnaire =
      app.add_subcommand("questionnaire", "Outcome questionnaires (NPRS, PSFS, LEFS)");
  questionnaire->require_subcommand(1);
  CLI::App* questionnaire_list =
      questionnaire->add_subcommand("list", "List the questionnaires and how they are scored");
  questionnaire_list->add_flag("--json", json, "Print JSON, as the API does");
  questionnaire_list->add_option("--data", data_dir,
                                 "Data directory (holds sources.toml and questionnaires/)");
  QuestionnaireTakeOptions take_options;
  CLI::App* questionnaire_take = questionnaire->add_subcommand(
      "take", "Answer a questionnaire at the terminal; it is scored and saved");
  questionnaire_take->add_option("ID", take_options.id, "As `questionnaire list` prints it")
      ->required();
  questionnaire_take->add_option(
      "--answers", take_options.answers_path,
      "Read {\"answers\": [{\"item\", \"value\"}...]} as JSON from FILE, or - for standard input");
  questionnaire_take->add_option("--data", data_dir,
                                 "Data directory (holds sources.toml and questionnaires/)");
  add_database_options(questionnaire_take, take_options.database, true);

  CLI::App* reminders = app.add_subcommand("reminders", "Days and a time for the session");
  reminders->require_subcommand(1);
  RemindersSetOptions reminders_set_options;
  CLI::App* reminders_set = reminders->add_subcommand(
      "set", "Choose the days and the local time of the session (replaces what was set)");
  reminders_set
      ->add_option("--days", reminders_set_options.days,
                   "Comma-separated: mon,tue,wed,thu,fri,sat,sun (\"\" for none)")
      ->required();
  reminders_set->add_option("--time", reminders_set_options.time, "24-hour HH:MM, e.g. 18:30")
      ->required();
  add_database_options(reminders_set, reminders_set_options.database, true);
  RemindersShowOptions reminders_show_options;
  CLI::App* reminders_show = reminders->add_subcommand(
      "show", "Print the days and time, and whether a session is due today");
  add_database_options(reminders_show, reminders_show_options.database, true);
  CLI::App* reminders_ics = reminders->add_subcommand(
      "ics", "Print the reminders as an iCalendar file to import into a calendar");
  add_database_options(reminders_ics, reminders_show_options.database, true);

  ProgressOptions progress_options;
  CLI::App* progress = app.add_subcommand(
      "progress",
      "Whether pain and questionnaire scores changed by a clinically meaningful amount, weekly "
      "means and pain around guided sessions");
  progress
      ->add_option("--weeks", progress_options.weeks,
                   "Judge the recent change over the last N weeks, 1..52")
      ->check(CLI::Range(1, 52))
      ->capture_default_str();
  progress->add_flag("--json", progress_options.json, "Print JSON, as the API does");
  progress->add_option("--data", data_dir,
                       "Data directory (holds sources.toml and questionnaires/)");
  add_database_options(progress, progress_options.database, true);

  ExportOptions export_options;
  CLI::App* export_command = app.add_subcommand(
      "export",
      "Everything held about you as JSON, as GET /api/v1/me/export answers it; with --fhir a "
      "FHIR R4 Bundle");
  export_command->add_flag("--fhir", export_options.fhir,
                           "A FHIR R4 Bundle (application/fhir+json) instead");
  export_command->add_option("--data", data_dir,
                             "Data directory (holds sources.toml and questionnaires/)");
  add_database_options(export_command, export_options.database, true);

  CoachOptions coach_options;
  std::int64_t coach_triage = 0;
  int coach_pain_limit = 0;
  CLI::App* coach = app.add_subcommand(
      "coach",
      "The guided session: pain before, a re-check of the red flags, each point with its hold "
      "timer, cues and stop rules, pain after; saved to the diary. Full screen at a terminal, "
      "else (or with --plain) line by line");
  coach->add_option("--groups", coach_options.groups,
                    "Muscle groups to treat, comma-separated, in order (hipcoach protocol list)");
  coach->add_option("--side", coach_options.side, "left, right or both");
  const CLI::Option* coach_pain_limit_option =
      coach->add_option("--pain-limit", coach_pain_limit,
                        "Your own limit 0..10: a pain rating above it during a hold ends the hold");
  coach->add_option("--cautions", coach_options.cautions,
                    "What applies to you, comma-separated: blood_thinners, bleeding_disorder, "
                    "pregnant, broken_or_infected_skin, implant_or_recent_surgery_at_site, "
                    "osteoporosis");
  const CLI::Option* coach_triage_option = coach->add_option(
      "--triage", coach_triage,
      "Instead of --groups, --side and --cautions: the plan of your saved triage ID");
  coach->add_flag("--plain", coach_options.plain, "Line by line even at a terminal");
  coach->add_option("--data", data_dir, "Data directory (holds sources.toml and protocol/)");
  add_database_options(coach, coach_options.database, true);

  std::vector<std::string> arguments(args.begin() + (args.empty() ? 0 : 1), args.end());
  std::reverse(arguments.begin(), arguments.end());  // CLI11 takes them reversed.
  try {
    app.parse(arguments);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help, out, err);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help, out, err);
  } catch (const CLI::Success& success) {
    return app.exit(success, out, err);
  } catch (const CLI::ParseError& error) {
    // CLI11's own message names the option; every usage error exits 2.
    app.exit(error, out, err);
    return kExitUsage;
  }

  if (list->parsed()) {
    core::LoadedProtocol loaded;
    if (!load(data_dir, loaded, err)) return kExitInvalidData;
    if (json) {
      out << core::group_list_to_json(loaded.protocol).dump(2) << '\n';
    } else {
      write_group_list(loaded.protocol, out);
    }
    return kExitOk;
  }

  if (show->parsed()) {
    core::LoadedProtocol loaded;
    if (!load(data_dir, loaded, err)) return kExitInvalidData;
    const core::MuscleGroup* group = loaded.protocol.find_group(show_id);
    if (group == nullptr) {
      err << "hipcoach protocol show: ID: no muscle group \"" << show_id << "\"; the groups are:";
      for (const core::MuscleGroup& known : loaded.protocol.groups) err << ' ' << known.id;
      err << '\n';
      return kExitUsage;
    }
    if (json) {
      out << core::group_to_json(loaded.protocol, *group).dump(2) << '\n';
    } else {
      write_group(loaded.protocol, *group, out);
    }
    return kExitOk;
  }

  if (validate->parsed()) {
    const core::LoadedProtocol loaded = storage::load_protocol_dir(data_dir);
    if (json) {
      out << nlohmann::json{{"valid", loaded.ok()}, {"problems", core::to_json(loaded.diagnostics)}}
                 .dump(2)
          << '\n';
    } else if (loaded.ok()) {
      out << data_dir << ": valid (" << loaded.protocol.groups.size() << " muscle groups, "
          << loaded.protocol.guidance.size() << " guidance sections, "
          << loaded.protocol.sources.size() << " sources, "
          << loaded.protocol.triage.questions.size() << " triage questions, "
          << loaded.protocol.triage.dispositions.size() +
                 loaded.protocol.triage.group_rules.size() +
                 loaded.protocol.triage.caution_rules.size() +
                 loaded.protocol.triage.advice_rules.size()
          << " triage rules, " << loaded.protocol.questionnaires.size() << " questionnaires, "
          << loaded.protocol.session.cues.size() << " session cues, "
          << loaded.protocol.session.stop_rules.size() << " stop rules)\n";
    } else {
      print_diagnostics(loaded.diagnostics, err);
    }
    return loaded.ok() ? kExitOk : kExitInvalidData;
  }

  if (triage->parsed()) {
    core::LoadedProtocol loaded;
    if (!load(data_dir, loaded, err)) return kExitInvalidData;
    if (loaded.protocol.triage.questions.empty()) {
      err << "hipcoach triage: the data in " << data_dir << " has no triage questions\n";
      return kExitInvalidData;
    }
    return run_triage(loaded.protocol, triage_options, in, out, err);
  }

  const auto command = [&](std::string name) {
    return Command{std::move(name), in, out, err, environment};
  };

  if (user_add->parsed()) {
    user_add_options.role = *storage::parse_role(role_name);
    return run_user_add(command("hipcoach user add"), user_add_options);
  }
  if (user_reset->parsed()) {
    return run_user_reset_two_factor(command("hipcoach user reset-two-factor"), user_reset_options);
  }
  if (audit_export->parsed()) {
    set_if_given(audit_since_option, audit_since_text, audit_export_options.since);
    return run_audit_export(command("hipcoach audit export"), audit_export_options);
  }
  if (backup->parsed()) return run_backup(command("hipcoach backup"), backup_options);
  if (restore->parsed()) return run_restore(command("hipcoach restore"), restore_options);

  if (diary_add->parsed()) {
    set_if_given(context_option, context_text, diary_add_options.context);
    set_if_given(side_option, side_text, diary_add_options.side);
    set_if_given(region_option, region_text, diary_add_options.region);
    set_if_given(note_option, note_text, diary_add_options.note);
    set_if_given(at_option, at_text, diary_add_options.at);
    return run_diary_add(command("hipcoach diary add"), diary_add_options);
  }

  if (diary_list->parsed())
    return run_diary_list(command("hipcoach diary list"), diary_list_options);

  if (questionnaire_list->parsed()) {
    core::LoadedProtocol loaded;
    if (!load(data_dir, loaded, err)) return kExitInvalidData;
    return run_questionnaire_list(command("hipcoach questionnaire list"), loaded.protocol, json);
  }

  if (questionnaire_take->parsed()) {
    core::LoadedProtocol loaded;
    if (!load(data_dir, loaded, err)) return kExitInvalidData;
    return run_questionnaire_take(command("hipcoach questionnaire take"), loaded.protocol,
                                  take_options);
  }

  if (coach->parsed()) {
    core::LoadedProtocol loaded;
    if (!load(data_dir, loaded, err)) return kExitInvalidData;
    if (coach_triage_option->count() > 0) coach_options.triage = coach_triage;
    if (coach_pain_limit_option->count() > 0) coach_options.pain_limit = coach_pain_limit;
    return run_coach(command("hipcoach coach"), loaded.protocol, coach_options);
  }

  if (reminders_set->parsed()) {
    return run_reminders_set(command("hipcoach reminders set"), reminders_set_options);
  }
  if (reminders_show->parsed()) {
    return run_reminders_show(command("hipcoach reminders show"), reminders_show_options);
  }
  if (reminders_ics->parsed()) {
    return run_reminders_ics(command("hipcoach reminders ics"), reminders_show_options);
  }

  if (progress->parsed()) {
    core::LoadedProtocol loaded;
    if (!load(data_dir, loaded, err)) return kExitInvalidData;
    return run_progress(command("hipcoach progress"), loaded.protocol, progress_options);
  }

  if (export_command->parsed()) {
    core::LoadedProtocol loaded;
    if (!load(data_dir, loaded, err)) return kExitInvalidData;
    return run_export(command("hipcoach export"), loaded.protocol, export_options);
  }

  if (serve->parsed()) {
    server::ServerOptions options;
    if (!parse_listen(listen, options.host, options.port)) {
      err << "hipcoach serve: --listen: expected HOST:PORT with a port 0..65535, got \"" << listen
          << "\"\n";
      return kExitUsage;
    }
    options.data_dir = data_dir;
    options.web_dir = web_dir;
    options.threads = threads;
    if (tls_cert.empty() != tls_key.empty()) {
      return command("hipcoach serve")
          .fail(kExitUsage, tls_cert.empty() ? "--tls-key" : "--tls-cert",
                tls_cert.empty() ? "given without --tls-cert" : "given without --tls-key");
    }
    if (!tls_cert.empty()) {
      if (auto checked = server::check_tls_files(tls_cert, tls_key); !checked) {
        const bool usage = checked.error().code() == core::ErrorCode::kInvalidInput;
        return command("hipcoach serve")
            .fail(usage ? kExitUsage : kExitInvalidData, checked.error().where(),
                  checked.error().message());
      }
      options.tls_cert = tls_cert;
      options.tls_key = tls_key;
    }
    options.secure_cookie = secure_cookies;
    if (auto checked = server::check_trusted_proxies(trusted_proxies); !checked) {
      return command("hipcoach serve")
          .fail(kExitUsage, checked.error().where(), checked.error().message());
    }
    options.trusted_proxies = std::move(trusted_proxies);
    int exit_code = kExitOk;
    auto db_url = resolve_database_url(command("hipcoach serve"), serve_database, exit_code);
    if (!db_url) return exit_code;
    options.db_url = std::move(*db_url);
    return server::run_server(options, out, err) == 0 ? kExitOk : kExitInvalidData;
  }
  return kExitUsage;
}

}  // namespace hipcoach::cli
