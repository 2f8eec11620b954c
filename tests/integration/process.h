// Real processes for integration tests: ferryd started on a loopback port of its choosing,
// and ferryctl runs with their exit codes and output.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ferry::test {

class FerrydProcess {
public:
    // Starts ferryd with --data-dir dir --listen 127.0.0.1:0 plus `extra` flags and waits (at
    // most 15 s) for its "ferryd listening" log line. Throws with the log on failure.
    FerrydProcess(const std::string& data_dir, std::vector<std::string> extra = {});
    ~FerrydProcess();  // SIGKILL if still running

    uint16_t port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const std::string& admin_token() const { return admin_token_; }
    // The dashboard password of "admin", made at the first start.
    const std::string& admin_password() const { return admin_password_; }
    std::string log() const;

    void kill_hard();                 // SIGKILL, reaped
    int terminate(int timeout_s = 30);  // SIGTERM, returns the exit status (-1 on timeout)

private:
    pid_t pid_ = -1;
    uint16_t port_ = 0;
    std::string log_path_;
    std::string admin_token_;
    std::string admin_password_;
};

// Any program in the background, its output to a log file; killed when the object goes.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    // Exit status once it ends within timeout_s; -1 on timeout (it keeps running).
    int wait(double timeout_s);
    bool running();
    int terminate(double timeout_s = 10);  // SIGTERM, then SIGKILL
    std::string log() const;

private:
    pid_t pid_ = -1;
    int status_ = -1;
    std::string log_path_;
};

// Runs a command line through /bin/sh; returns exit code and combined output.
struct CommandResult {
    int code = -1;
    std::string output;
};
CommandResult run_command(const std::string& command_line);

std::string ferryd_path();
std::string ferryctl_path();

}  // namespace ferry::test
