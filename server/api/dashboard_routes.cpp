// GET / and GET /ui/{file}: the dashboard (web/), served from memory by StaticFiles. Open: the
// page itself holds no data; every API call it makes needs the session.
#include "api/ferry_app.h"

namespace ferry::api {

void add_dashboard_routes(Router& router, FerryApp& app) {
    router.add("GET", "/", Access::open,
               [&app](RouteContext& ctx) { return app.web().serve(ctx.request, "index.html"); });
    router.add("GET", "/ui/{file}", Access::open,
               [&app](RouteContext& ctx) { return app.web().serve(ctx.request, ctx.params[0]); });
}

}  // namespace ferry::api
