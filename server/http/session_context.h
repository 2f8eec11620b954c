// What every session shares with the server: the app, the limits and the connection registry.
// All three outlive the sessions (the server joins its threads before they go).
#pragma once

#include "api/http_message.h"
#include "http/connection_registry.h"
#include "http/http_server.h"

namespace ferry::http {

struct SessionContext {
    api::HttpApp& app;
    const ServerOptions& options;
    ConnectionRegistry& registry;
};

}  // namespace ferry::http
