// GET /p, the device poll (proto/device-api.md): the request is checked first, without the
// store; the poll itself is one store transaction; the answer follows its commit.
#pragma once

#include <memory>

#include "api/ferry_app.h"
#include "api/http_message.h"
#include "api/router.h"

namespace ferry::api {

// Checks the poll's form (MAC present, parameters well-formed), throwing ApiError when it is
// not, and returns the work for its transaction.
std::unique_ptr<TxWork> start_poll(FerryApp& app, const HttpRequest& request);

}  // namespace ferry::api
