#include "command.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "hipcoach/storage/open_store.h"

namespace hipcoach::cli {

namespace {

namespace fs = std::filesystem;

// Creates `directory` and any missing parents with mode 0700 (the XDG base
// directory specification asks this of $XDG_DATA_HOME; the diary is health
// data, so no one else may list it either).
core::Result<void> make_private_directory(const fs::path& directory) {
  fs::path path;
  for (const fs::path& part : directory) {
    path /= part;
    if (path.empty() || path == path.root_path()) continue;
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return core::Error::unavailable(
          path.string(), std::string("cannot create the directory: ") + std::strerror(errno));
    }
  }
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return core::Error::unavailable(directory.string(), "is not a directory");
  }
  return {};
}

std::optional<std::string> non_empty(const Environment& environment, const std::string& name) {
  if (!environment.variable) return std::nullopt;
  std::optional<std::string> value = environment.variable(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

}  // namespace

std::string without_option(const core::Error& error) {
  // A where of "url" or "--db" says what --db already says.
  if (error.where() == "url" || error.where() == "--db") return error.message();
  return error.to_string();
}

int Command::fail(int exit_code, std::string_view where, std::string_view message) const {
  err << name << ": ";
  if (!where.empty()) err << where << ": ";
  err << message << '\n';
  return exit_code;
}

core::Result<std::string> database_url(const std::string& option, const Environment& environment) {
  if (!option.empty()) return option;
  if (auto url = non_empty(environment, "HIPCOACH_DB")) return *url;
  fs::path data_home;
  if (auto xdg = non_empty(environment, "XDG_DATA_HOME"); xdg && fs::path(*xdg).is_absolute()) {
    data_home = *xdg;
  } else if (auto home = non_empty(environment, "HOME")) {
    data_home = fs::path(*home) / ".local" / "share";
  } else {
    return core::Error::invalid_input(
        "--db", "neither XDG_DATA_HOME nor HOME is set; give --db sqlite:PATH or set HIPCOACH_DB");
  }
  const fs::path directory = data_home / "hipcoach";
  if (auto made = make_private_directory(directory); !made) return made.error();
  return "sqlite:" + (directory / "hipcoach.sqlite").string();
}

std::optional<std::string> resolve_database_url(const Command& command,
                                                const DatabaseOptions& options, int& exit_code) {
  auto url = database_url(options.db, command.environment);
  if (!url) {
    const bool usage = url.error().code() == core::ErrorCode::kInvalidInput;
    exit_code =
        command.fail(usage ? kExitUsage : kExitInvalidData, "--db", without_option(url.error()));
    return std::nullopt;
  }
  return std::move(*url);
}

std::unique_ptr<storage::Store> open_database(const Command& command,
                                              const DatabaseOptions& options, int& exit_code) {
  const std::optional<std::string> url = resolve_database_url(command, options, exit_code);
  if (!url) return nullptr;
  auto store = storage::open_store(*url);
  if (!store) {
    const core::Error& error = store.error();
    const bool usage = error.code() == core::ErrorCode::kInvalidInput;
    exit_code = command.fail(usage ? kExitUsage : kExitInvalidData, "--db", without_option(error));
    return nullptr;
  }
  return std::move(*store);
}

std::optional<storage::User> find_account(const Command& command, storage::Store& store,
                                          const DatabaseOptions& options, int& exit_code) {
  std::string email = options.user;
  if (email.empty()) email = non_empty(command.environment, "HIPCOACH_USER").value_or("");
  if (email.empty()) {
    // The account is always named: one database may hold several people's
    // records (a clinic's), and a guess would write into the wrong diary.
    exit_code = command.fail(kExitUsage, "--user",
                             "which account? give --user EMAIL or set HIPCOACH_USER (create one "
                             "with: hipcoach user add EMAIL)");
    return std::nullopt;
  }
  auto user = store.find_user_by_email(email);
  if (user) return std::move(*user);
  if (user.error().code() == core::ErrorCode::kNotFound) {
    exit_code = command.fail(kExitUsage, "--user",
                             "no account \"" + email +
                                 "\" in this database; create it with: hipcoach user add " + email);
    return std::nullopt;
  }
  exit_code = store_failure(command, user.error());
  return std::nullopt;
}

int store_failure(const Command& command, const core::Error& error) {
  return command.fail(kExitInvalidData, "the database", error.to_string());
}

std::optional<Account> open_account(const Command& command, const DatabaseOptions& options,
                                    int& exit_code) {
  std::unique_ptr<storage::Store> store = open_database(command, options, exit_code);
  if (!store) return std::nullopt;
  std::optional<storage::User> user = find_account(command, *store, options, exit_code);
  if (!user) return std::nullopt;
  return Account{std::move(store), std::move(*user)};
}

std::optional<std::string> read_input(const std::string& path, std::istream& in) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(in), {});
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::string text(std::istreambuf_iterator<char>(file), {});
  if (file.bad()) return std::nullopt;
  return text;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace hipcoach::cli
