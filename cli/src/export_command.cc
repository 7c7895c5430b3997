#include "export_command.h"

#include "hipcoach/service/export.h"
#include "hipcoach/service/fhir.h"

namespace hipcoach::cli {

int run_export(const Command& command, const core::Protocol& protocol,
               const ExportOptions& options) {
  int exit_code = kExitOk;
  std::optional<Account> account = open_account(command, options.database, exit_code);
  if (!account) return exit_code;
  const auto now = command.environment.now();
  auto exported = options.fhir
                      ? service::export_fhir(protocol, *account->store, account->user, now)
                      : service::export_json(protocol, *account->store, account->user, now);
  if (!exported) return store_failure(command, exported.error());
  command.out << exported->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  return kExitOk;
}

}  // namespace hipcoach::cli
