#include "store/types.h"

namespace ferry::store {

const char* role_name(Role role) {
    switch (role) {
        case Role::viewer: return "viewer";
        case Role::operator_: return "operator";
        case Role::admin: return "admin";
    }
    return "viewer";
}

std::optional<Role> parse_role(std::string_view name) {
    if (name == "viewer") return Role::viewer;
    if (name == "operator") return Role::operator_;
    if (name == "admin") return Role::admin;
    return std::nullopt;
}

}  // namespace ferry::store
