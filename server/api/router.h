// Route table: method + pattern ("/api/v1/releases/{id}") -> access level + handler.
// The table is also what the OpenAPI conformance test compares with proto/openapi.yaml.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "store/store.h"
#include "store/types.h"

namespace ferry::api {

// Who may call a route. Operator roles are ordered: viewer < operator < admin.
enum class Access { open, device, viewer, operator_, admin };

struct RouteContext {
    const HttpRequest& request;
    std::vector<std::string> params;        // path parameters, raw (not decoded)
    std::optional<store::ApiToken> caller;  // set for operator routes called with a token
    std::optional<store::User> user;        // ... or with a dashboard session
    std::optional<store::Session> session;
    std::string actor;  // who, for the audit log: "token:<name>" or "user:<name>"
    // The caller's name without its kind (token or user name), e.g. for created_by.
    std::string caller_name() const {
        return user ? user->name : caller ? caller->name : std::string();
    }
};

using RouteHandler = std::function<HttpResponse(RouteContext&)>;

// A request whose work is one store transaction, in three steps: the handler checks the request
// and makes the work (no store yet), run() is the transaction, response() follows its commit.
// The app can then run the transaction without blocking an I/O thread, and the store can commit
// it together with others.
class TxWork {
  public:
    virtual ~TxWork() = default;
    virtual void run(store::Tx& tx) = 0;
    virtual HttpResponse response() = 0;
};
// May throw ApiError, like a RouteHandler. The work may refer to the request: it lives longer.
using TxHandler = std::function<std::unique_ptr<TxWork>(RouteContext&)>;

struct Route {
    std::string method;
    std::string pattern;
    Access access;
    RouteHandler handler;               // empty for a transactional route
    TxHandler tx_handler;               // set for a transactional route
    std::vector<std::string> segments;  // the pattern split at '/', once, by Router::add
};

class Router {
  public:
    void add(std::string method, std::string pattern, Access access, RouteHandler handler);
    void add_tx(std::string method, std::string pattern, Access access, TxHandler handler);

    struct Match {
        const Route* route = nullptr;
        std::vector<std::string> params;
        bool path_known = false;  // some route has this path with another method (-> 405)
    };
    Match match(std::string_view method, std::string_view path) const;
    const std::vector<Route>& routes() const { return routes_; }
    // "GET, HEAD" for the Allow header of a 405.
    std::string allowed_methods(std::string_view path) const;

  private:
    void add_route(Route route);
    static std::vector<std::string_view> split(std::string_view path);
    std::vector<Route> routes_;
};

}  // namespace ferry::api
