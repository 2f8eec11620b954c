// ferryctl's shared pieces: argument access, errors with exit codes, output helpers.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ferry::ctl {

// A failure to report to the operator: one line on stderr, then exit with `code`.
//   2 = usage, 1 = operation failed, 3 = verification failed, 4 = server refused.
struct CliError : std::runtime_error {
    CliError(int code, const std::string& msg) : std::runtime_error(msg), code(code) {}
    int code;
};

// Parsed "--flag value" / "--flag=value" / "--switch" options and positional arguments.
class Args {
public:
    // `switches` are flags that take no value.
    Args(const std::vector<std::string>& argv, const std::vector<std::string>& switches);

    std::optional<std::string> get(const std::string& flag) const;
    std::string need(const std::string& flag) const;  // CliError(2) when missing
    std::vector<std::string> all(const std::string& flag) const;  // repeatable flags
    bool has(const std::string& flag) const;
    const std::vector<std::string>& positional() const { return positional_; }
    std::string positional_at(size_t i, const char* what) const;
    // CliError(2) naming the first flag not in `known`.
    void only(const std::vector<std::string>& known) const;

private:
    std::multimap<std::string, std::string> flags_;
    std::vector<std::string> positional_;
};

// Prints rows as an aligned text table with a header line.
void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

int cmd_keygen(const Args& args);
int cmd_sign(const Args& args);
int cmd_inspect(const Args& args);
int cmd_verify(const Args& args);
int cmd_extract(const Args& args);
int cmd_upload(const Args& args);
int cmd_releases(const Args& args);
int cmd_release_delete(const Args& args);
int cmd_devices(const Args& args);
int cmd_device_show(const Args& args);
int cmd_provision(const Args& args);
int cmd_assign(const Args& args);
int cmd_unassign(const Args& args);
int cmd_pin(const Args& args);
int cmd_unpin(const Args& args);
int cmd_tag(const Args& args);
int cmd_token_create(const Args& args);
int cmd_rollout(const Args& args);
int cmd_users(const Args& args);
int cmd_user_create(const Args& args);
int cmd_user_delete(const Args& args);
int cmd_user_password(const Args& args);

}  // namespace ferry::ctl
