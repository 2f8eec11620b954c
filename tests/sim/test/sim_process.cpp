#include "sim_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace sim_test {

namespace {

bool starts_with(const std::string& s, std::string_view p) {
    return s.rfind(p, 0) == 0;
}

bool is_final(const std::string& line) {
    return line == "OK" || line == "ERROR" || starts_with(line, "+CME ERROR:");
}

}  // namespace

bool is_urc(const std::string& line) {
    if (starts_with(line, "SRING:") || starts_with(line, "#HTTPRING:") ||
        starts_with(line, "NO CARRIER")) {
        return true;
    }
    // "+CEREG: 1" (a URC) versus "+CEREG: 0,1" (the answer to AT+CEREG?)
    return (starts_with(line, "+CEREG: ") || starts_with(line, "+CREG: ")) &&
           line.find(',') == std::string::npos;
}

SimProcess::SimProcess(std::vector<std::string> args, std::string stats_path) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0)
        throw std::runtime_error("pipe");
    std::vector<std::string> argv_s = {TELIT_SIM_BIN, "--stdio"};
    const char* level = std::getenv("TELIT_SIM_TEST_LOG");
    argv_s.push_back("--log-level");
    argv_s.push_back(level ? level : "0");
    for (auto& a : args)
        argv_s.push_back(a);
    if (!stats_path.empty()) {
        argv_s.push_back("--stats");
        argv_s.push_back(stats_path);
    }
    pid_ = fork();
    if (pid_ < 0)
        throw std::runtime_error("fork");
    if (pid_ == 0) {
        dup2(to_child[0], STDIN_FILENO);
        dup2(from_child[1], STDOUT_FILENO);
        close(to_child[0]);
        close(to_child[1]);
        close(from_child[0]);
        close(from_child[1]);
        std::vector<char*> argv;
        for (auto& a : argv_s)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = to_child[1];
    out_ = from_child[0];
}

SimProcess::~SimProcess() {
    if (!exited_ && pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (in_ >= 0)
        close(in_);
    if (out_ >= 0)
        close(out_);
}

double SimProcess::now() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void SimProcess::write(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(in_, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw std::runtime_error("write to telit-sim failed");
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

bool SimProcess::fill(double deadline) {
    const double left = deadline - now();
    if (left <= 0)
        return false;
    pollfd p{out_, POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(left * 1000) + 1);
    if (r <= 0)
        return false;
    char tmp[65536];
    const ssize_t n = read(out_, tmp, sizeof tmp);
    if (n <= 0)
        return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    transcript_.append(tmp, static_cast<std::size_t>(n));
    return true;
}

std::string SimProcess::next_line(double deadline) {
    for (;;) {
        std::size_t skip = 0;
        while (skip < buf_.size() && (buf_[skip] == '\r' || buf_[skip] == '\n'))
            ++skip;
        buf_.erase(0, skip);
        const auto eol = buf_.find("\r\n");
        if (eol != std::string::npos) {
            std::string line = buf_.substr(0, eol);
            buf_.erase(0, eol + 2);
            return line;
        }
        if (!fill(deadline)) {
            throw std::runtime_error(
                "timeout waiting for a line; got so far: " +
                transcript_.substr(transcript_.size() > 600 ? transcript_.size() - 600 : 0));
        }
    }
}

bool SimProcess::at_token(const std::string& token, double deadline) {
    for (;;) {
        std::size_t skip = 0;
        while (skip < buf_.size() && (buf_[skip] == '\r' || buf_[skip] == '\n'))
            ++skip;
        buf_.erase(0, skip);
        if (buf_.size() >= token.size()) {
            if (buf_.compare(0, token.size(), token) == 0) {
                buf_.erase(0, token.size());
                return true;
            }
            if (buf_.find("\r\n") != std::string::npos)
                return false;  // a whole line first
        } else if (!buf_.empty() && token.compare(0, buf_.size(), buf_) != 0 &&
                   buf_.find("\r\n") != std::string::npos) {
            return false;
        }
        if (!fill(deadline))
            throw std::runtime_error("timeout waiting for " + token);
    }
}

bool SimProcess::take_line(const std::string& line, AtResult& r) {
    if (is_final(line)) {
        r.final = line;
        last_final_ = std::chrono::steady_clock::now();
        have_final_ = true;
        return true;
    }
    if (is_urc(line)) {
        urcs_.push_back(line);
    } else {
        r.lines.push_back(line);
    }
    return false;
}

AtResult SimProcess::read_final(double deadline) {
    AtResult r;
    while (!take_line(next_line(deadline), r)) {
    }
    return r;
}

void SimProcess::wait_gap() {
    if (!have_final_)
        return;
    const auto due = last_final_ + std::chrono::microseconds(20500);
    std::this_thread::sleep_until(due);
}

AtResult SimProcess::command(const std::string& cmd, double timeout_s) {
    wait_gap();
    return command_now(cmd, timeout_s);
}

AtResult SimProcess::command_now(const std::string& cmd, double timeout_s) {
    write(cmd + "\r");
    return read_final(now() + timeout_s);
}

AtResult SimProcess::command_with_payload(const std::string& cmd, const std::string& prompt,
                                          const std::string& payload, double timeout_s) {
    wait_gap();
    write(cmd + "\r");
    const double deadline = now() + timeout_s;
    AtResult r;
    for (;;) {
        if (at_token(prompt, deadline)) {
            write(payload);
            AtResult f = read_final(deadline);
            f.lines.insert(f.lines.begin(), r.lines.begin(), r.lines.end());
            return f;
        }
        if (take_line(next_line(deadline), r))
            return r;
    }
}

bool SimProcess::http_read(const std::string& cmd, std::size_t n, std::string& data,
                           std::string* final, double timeout_s) {
    wait_gap();
    write(cmd + "\r");
    const double deadline = now() + timeout_s;
    for (;;) {
        if (at_token("<<<", deadline)) {
            while (buf_.size() < n) {
                if (!fill(deadline))
                    throw std::runtime_error("timeout in #HTTPRCV data");
            }
            data = buf_.substr(0, n);
            buf_.erase(0, n);
            AtResult f = read_final(deadline);
            if (final)
                *final = f.final;
            return f.ok();
        }
        std::string line = next_line(deadline);
        if (is_final(line)) {
            last_final_ = std::chrono::steady_clock::now();
            have_final_ = true;
            if (final)
                *final = line;
            return false;
        }
        urcs_.push_back(line);
    }
}

bool SimProcess::socket_read(const std::string& cmd, std::string& data, std::string* final,
                             double timeout_s) {
    wait_gap();
    write(cmd + "\r");
    const double deadline = now() + timeout_s;
    for (;;) {
        std::string line = next_line(deadline);
        if (starts_with(line, "#SRECV:")) {
            const std::size_t n = std::stoul(line.substr(line.rfind(',') + 1));
            while (buf_.size() < n) {
                if (!fill(deadline))
                    throw std::runtime_error("timeout in #SRECV data");
            }
            data = buf_.substr(0, n);
            buf_.erase(0, n);
            AtResult f = read_final(deadline);
            if (final)
                *final = f.final;
            return f.ok();
        }
        if (is_final(line)) {
            last_final_ = std::chrono::steady_clock::now();
            have_final_ = true;
            if (final)
                *final = line;
            return false;
        }
        urcs_.push_back(line);
    }
}

bool SimProcess::has_urc(const std::string& prefix) const {
    for (const auto& u : urcs_) {
        if (starts_with(u, prefix))
            return true;
    }
    return false;
}

std::string SimProcess::wait_urc(const std::string& prefix, double timeout_s) {
    for (auto it = urcs_.begin(); it != urcs_.end(); ++it) {
        if (starts_with(*it, prefix)) {
            std::string u = *it;
            urcs_.erase(it);
            return u;
        }
    }
    const double deadline = now() + timeout_s;
    for (;;) {
        std::string line = next_line(deadline);
        if (starts_with(line, prefix))
            return line;
        urcs_.push_back(line);
    }
}

std::string SimProcess::wait_any_urc(const std::vector<std::string>& prefixes, double timeout_s) {
    auto match = [&](const std::string& line) {
        for (const auto& p : prefixes) {
            if (starts_with(line, p))
                return true;
        }
        return false;
    };
    for (const auto& u : urcs_) {
        if (match(u))
            return u;
    }
    const double deadline = now() + timeout_s;
    for (;;) {
        std::string line = next_line(deadline);
        urcs_.push_back(line);
        if (match(line))
            return line;
    }
}

void SimProcess::close_input() {
    if (in_ >= 0)
        close(in_);
    in_ = -1;
}

int SimProcess::wait_exit(double timeout_s) {
    if (exited_)
        return exit_status_;
    const double deadline = now() + timeout_s;
    while (now() < deadline) {
        int status = 0;
        const pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            exited_ = true;
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            return exit_status_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return -1;
}

int SimProcess::terminate(double timeout_s) {
    if (exited_)
        return exit_status_;
    kill(pid_, SIGTERM);
    return wait_exit(timeout_s);
}

}  // namespace sim_test
