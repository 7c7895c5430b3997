#include "hipcoach/server/server.h"

#include <exception>
#include <optional>

#include "access_log.h"
#include "hipcoach/service/accounts.h"
#include "hipcoach/storage/data_files.h"
#include "hipcoach/storage/open_store.h"
#include "http_server.h"
#include "router.h"
#include "static_files.h"

namespace hipcoach::server {
namespace {

// Loads everything the router needs; prints what is wrong to `err` and
// returns nullopt when something is.
std::optional<Router> prepare_router(const ServerOptions& options, const Api* api,
                                     const core::LoadedProtocol& loaded, std::ostream& err) {
  if (!loaded.ok()) {
    err << "hipcoach serve: not starting: the data in " << options.data_dir.string()
        << " is invalid (fix it, then check with `hipcoach protocol validate`):\n";
    for (const core::Diagnostic& diagnostic : loaded.diagnostics) {
      err << diagnostic.to_string() << "\n";
    }
    return std::nullopt;
  }
  const core::Result<StaticFileMap> files = load_static_files(options.web_dir);
  if (!files) {
    err << "web directory: " << files.error().to_string() << "\n";
    return std::nullopt;
  }
  return std::optional<Router>(std::in_place, loaded.protocol, *files, api);
}

}  // namespace

int run_server(const ServerOptions& options, const ServeTuning& tuning, std::ostream& out,
               std::ostream& err, ServerControl* control) {
  try {
    const core::LoadedProtocol loaded = storage::load_protocol_dir(options.data_dir);
    std::unique_ptr<storage::Store> store;
    std::optional<service::Accounts> accounts;
    std::optional<Api> api;
    if (loaded.ok() && !options.db_url.empty()) {
      auto opened = storage::open_store(options.db_url);
      if (!opened) {
        err << "hipcoach serve: not starting: --db: " << opened.error().to_string() << "\n";
        if (control) control->set_failed();
        return 1;
      }
      store = std::move(*opened);
      accounts.emplace(*store);
      ApiOptions api_options;
      api_options.secure_cookie = options.secure_cookie || !options.tls_cert.empty();
      // Sessions that ran out while the server was down.
      (void)store->delete_expired_sessions(api_options.now());
      api.emplace(loaded.protocol, *store, *accounts, api_options);
    }
    const std::optional<Router> router =
        prepare_router(options, api ? &*api : nullptr, loaded, err);
    if (!router) {
      if (control) control->set_failed();
      return 1;
    }
    return serve(*router, options, tuning, out, err, control);
  } catch (const std::exception& e) {
    log_error("run_server", e.what());
    err << "the server failed: " << e.what() << "\n";
  } catch (...) {
    log_error("run_server", "unknown exception");
    err << "the server failed\n";
  }
  if (control) control->set_failed();
  return 1;
}

int run_server(const ServerOptions& options, std::ostream& out, std::ostream& err) {
  return run_server(options, ServeTuning{}, out, err, nullptr);
}

}  // namespace hipcoach::server
