// Schema migrations compiled in from db/sqlite/*.sql (numbered, applied in order, once each).
#pragma once

#include <string_view>
#include <vector>

namespace ferry::store {

struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

const std::vector<Migration>& sqlite_migrations();

}  // namespace ferry::store
