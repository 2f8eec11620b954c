// ferryctl users | user-create | user-delete | user-password: dashboard accounts (admin token).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "ferryctl/cli.h"
#include "ferryctl/server_session.h"

namespace ferry::ctl {
namespace {

using nlohmann::json;

// From --password-file, else the first line of stdin (a prompt when it is a terminal), so the
// password never appears in the process list or the shell history.
std::string read_password(const Args& args) {
    std::string pw;
    if (auto file = args.get("password-file")) {
        std::ifstream in(*file);
        if (!in)
            throw CliError(1, "cannot read " + *file);
        std::getline(in, pw);
    } else {
        if (::isatty(STDIN_FILENO))
            std::fprintf(stderr, "password (10 to 200 characters): ");
        std::getline(std::cin, pw);
    }
    if (!pw.empty() && pw.back() == '\r')
        pw.pop_back();
    if (pw.empty())
        throw CliError(2, "no password given");
    return pw;
}

}  // namespace

int cmd_users(const Args& args) {
    args.only({});
    Server s = connect(args);
    json r = call(s, "GET", "/api/v1/users");
    if (args.has("json")) {
        print_json(r["users"]);
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& u : r["users"])
        rows.push_back(
            {str(u["name"]), str(u["role"]), when(u["created_at"]), when(u["last_login_at"])});
    print_table({"USER", "ROLE", "CREATED", "LAST LOG-IN"}, rows);
    return 0;
}

int cmd_user_create(const Args& args) {
    args.only({"role", "password-file"});
    std::string name = args.positional_at(0, "user NAME");
    std::string role = args.get("role").value_or("viewer");
    std::string pw = read_password(args);
    Server s = connect(args);
    call(s, "POST", "/api/v1/users", json{{"name", name}, {"role", role}, {"password", pw}}.dump());
    std::printf("user %s created (%s)\n", name.c_str(), role.c_str());
    return 0;
}

int cmd_user_delete(const Args& args) {
    args.only({});
    std::string name = args.positional_at(0, "user NAME");
    Server s = connect(args);
    call(s, "DELETE", "/api/v1/users/" + name);
    std::printf("user %s deleted; its sessions ended\n", name.c_str());
    return 0;
}

// With an admin token: sets another user's password (a user changes its own in the dashboard,
// which asks for the current one).
int cmd_user_password(const Args& args) {
    args.only({"password-file"});
    std::string name = args.positional_at(0, "user NAME");
    std::string pw = read_password(args);
    Server s = connect(args);
    call(s, "PUT", "/api/v1/users/" + name + "/password", json{{"password", pw}}.dump());
    std::printf("password of %s set; its other sessions ended\n", name.c_str());
    return 0;
}

}  // namespace ferry::ctl
