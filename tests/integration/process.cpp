#include "process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ferry::test {

std::string ferryd_path() { return FERRYD_BIN; }
std::string ferryctl_path() { return FERRYCTL_BIN; }

FerrydProcess::FerrydProcess(const std::string& data_dir, std::vector<std::string> extra) {
    log_path_ = data_dir + ".log";
    std::string token_file = data_dir + ".token";
    std::string password_file = data_dir + ".password";
    std::vector<std::string> args = {ferryd_path(), "--data-dir", data_dir, "--listen",
                                     "127.0.0.1:0", "--initial-token-file", token_file,
                                     "--initial-password-file", password_file,
                                     "--flush-interval", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::fclose(std::fopen(log_path_.c_str(), "w"));  // each start reads only its own lines
    pid_ = ::fork();
    if (pid_ == 0) {
        FILE* out = std::fopen(log_path_.c_str(), "a");
        ::dup2(fileno(out), 1);
        ::dup2(fileno(out), 2);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(log_path_);
        std::string line;
        while (std::getline(in, line)) {
            if (line.find("\"ferryd listening\"") == std::string::npos) continue;
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.contains("ports") && !j["ports"].empty()) {
                port_ = j["ports"][0].get<uint16_t>();
            }
        }
        if (port_ != 0) break;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("ferryd exited at start:\n" + log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (port_ == 0) throw std::runtime_error("ferryd did not start in 15 s:\n" + log());
    std::ifstream tok(token_file);
    std::getline(tok, admin_token_);
    std::ifstream pw(password_file);
    std::getline(pw, admin_password_);
}

FerrydProcess::~FerrydProcess() {
    if (pid_ > 0) kill_hard();
}

std::string FerrydProcess::log() const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void FerrydProcess::kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

int FerrydProcess::terminate(int timeout_s) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill_hard();
    return -1;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path)
    : log_path_(log_path) {
    // Opened (and emptied) here, before the fork: log() must never return what an earlier
    // process wrote to the same path, even before the child has run.
    FILE* out = std::fopen(log_path.c_str(), "w");
    pid_ = ::fork();
    if (pid_ != 0 && out) std::fclose(out);
    if (pid_ == 0) {
        if (out) {
            ::dup2(fileno(out), 1);
            ::dup2(fileno(out), 2);
        }
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

int ChildProcess::wait(double timeout_s) {
    if (pid_ <= 0) return status_;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    do {
        int st = 0;
        if (::waitpid(pid_, &st, WNOHANG) == pid_) {
            pid_ = -1;
            status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            return status_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return -1;
}

bool ChildProcess::running() { return wait(0) == -1 && pid_ > 0; }

int ChildProcess::terminate(double timeout_s) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGTERM);
    int st = wait(timeout_s);
    if (st == -1 && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        st = wait(5);
    }
    return st;
}

std::string ChildProcess::log() const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

CommandResult run_command(const std::string& command_line) {
    CommandResult r;
    FILE* p = ::popen((command_line + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace ferry::test
