// Runs the real telit-sim binary with --stdio and talks AT to it through pipes, like a device
// would: waits 20 ms after each final result, reads binary payloads by count, keeps URCs aside.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sim_test {

struct AtResult {
    std::vector<std::string> lines;  // intermediate lines of the command
    std::string final;               // "OK", "ERROR", "+CME ERROR: n"
    bool ok() const { return final == "OK"; }
};

// Is this line a URC (something the modem says on its own)?
bool is_urc(const std::string& line);

class SimProcess {
  public:
    // args: options after "--stdio"; a --stats file is added when stats_path is not empty.
    explicit SimProcess(std::vector<std::string> args, std::string stats_path = "");
    ~SimProcess();
    SimProcess(const SimProcess&) = delete;
    SimProcess& operator=(const SimProcess&) = delete;

    void write(std::string_view bytes);
    // Honours the 20 ms gap after the previous final result, sends cmd + "\r", reads up to the
    // final result. URCs met on the way go to urcs().
    AtResult command(const std::string& cmd, double timeout_s = 10);
    // Like command(), but without waiting for the gap.
    AtResult command_now(const std::string& cmd, double timeout_s = 10);
    // Sends cmd, waits for the prompt, sends payload, reads the final result.
    AtResult command_with_payload(const std::string& cmd, const std::string& prompt,
                                  const std::string& payload, double timeout_s = 10);
    // #HTTPRCV: sends cmd, expects "<<<" + exactly n bytes + OK. On an error final, returns false
    // and sets *final.
    bool http_read(const std::string& cmd, std::size_t n, std::string& data, std::string* final,
                   double timeout_s = 10);
    // #SRECV: returns the bytes, or false with *final on an error.
    bool socket_read(const std::string& cmd, std::string& data, std::string* final,
                     double timeout_s = 10);
    // Waits for a URC starting with prefix (also one seen before and not yet taken).
    std::string wait_urc(const std::string& prefix, double timeout_s = 10);
    // Waits for a URC starting with any of the prefixes; it stays in urcs().
    std::string wait_any_urc(const std::vector<std::string>& prefixes, double timeout_s = 10);
    bool has_urc(const std::string& prefix) const;
    const std::vector<std::string>& urcs() const { return urcs_; }
    void clear_urcs() { urcs_.clear(); }

    // Everything received, for debugging.
    const std::string& transcript() const { return transcript_; }
    // Closes stdin (serial EOF).
    void close_input();
    // SIGTERM, then waits; returns the exit status (or -1).
    int terminate(double timeout_s = 5);
    int wait_exit(double timeout_s);
    pid_t pid() const { return pid_; }

  private:
    bool fill(double deadline);  // reads more; false on timeout or EOF
    std::string next_line(double deadline);
    // Skips blank line ends; true when the buffer then starts with token.
    bool at_token(const std::string& token, double deadline);
    // Sorts one response line into r (final, URC or information); true when it was the final.
    bool take_line(const std::string& line, AtResult& r);
    AtResult read_final(double deadline);
    void wait_gap();
    double now() const;

    pid_t pid_ = -1;
    int in_ = -1;   // our end of the simulator's stdin
    int out_ = -1;  // our end of the simulator's stdout
    std::string buf_;
    std::string transcript_;
    std::vector<std::string> urcs_;
    std::chrono::steady_clock::time_point last_final_{};
    bool have_final_ = false;
    int exit_status_ = -1;
    bool exited_ = false;
};

}  // namespace sim_test
