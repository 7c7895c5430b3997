#include "hipcoach/cli/cli.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/protocol.h"
#include "hipcoach/server/server.h"
#include "hipcoach/storage/data_files.h"
#include "protocol_text.h"
#include "triage_command.h"

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

}  // namespace

int run(std::span<const std::string> args, std::istream& in, std::ostream& out, std::ostream& err) {
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

  TriageOptions triage_options;
  CLI::App* triage = app.add_subcommand(
      "triage", "Ask where it hurts and the red-flag questions; say what level of care fits");
  triage->add_option("--answers", triage_options.answers_path,
                     "Read the answers as JSON from FILE, or - for standard input");
  triage->add_flag("--json", triage_options.json, "Print the result as JSON");
  triage->add_option("--data", data_dir, "Data directory (holds sources.toml and protocol/)");

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
          << " triage rules)\n";
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
    return server::run_server(options, out, err) == 0 ? kExitOk : kExitInvalidData;
  }
  return kExitUsage;
}

}  // namespace hipcoach::cli
