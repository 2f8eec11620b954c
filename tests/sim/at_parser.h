// Tokenising AT command lines the way a Telit module reads them.
//
// A line is "AT" followed by one or more commands:
//   - basic commands, chained without separator: "ATE0", "AT&K3", "ATE0V1", "ATS3?"
//   - extended commands (+ or #), separated by ';': "AT+CMEE=1;#SGACT=1,1"
// Each extended command is an action ("AT+CSQ"), a set ("=args"), a read ("?") or a test ("=?").
// Arguments are split on commas outside double quotes; a quoted string may hold commas, spaces and
// semicolons. Telit strings have no escape sequences: a string ends at the next '"'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telit_sim {

// A Telit module refuses command lines longer than this (the "AT" included).
inline constexpr std::size_t kMaxCommandLine = 400;

struct AtArg {
    enum class Kind { empty, number, string, token };
    Kind kind = Kind::empty;
    std::string text;     // string contents (without quotes), digits, or the raw token
    uint64_t number = 0;  // valid when kind == number

    bool is_empty() const { return kind == Kind::empty; }
    bool is_number() const { return kind == Kind::number; }
    bool is_string() const { return kind == Kind::string; }
};

struct AtCommand {
    enum class Type { action, set, read, test };
    std::string name;  // upper case: "" (bare AT), "E", "&K", "S3", "+CEREG", "#HTTPQRY"
    Type type = Type::action;
    std::vector<AtArg> args;

    bool extended() const { return !name.empty() && (name[0] == '+' || name[0] == '#'); }
    // Argument i, or nullptr when absent.
    const AtArg* arg(std::size_t i) const { return i < args.size() ? &args[i] : nullptr; }
    // Argument i as a number in [lo, hi]; nullopt when absent, empty, not a number or out of range.
    std::optional<uint64_t> number(std::size_t i, uint64_t lo, uint64_t hi) const;
    // Argument i as a quoted string; nullopt otherwise.
    std::optional<std::string> string(std::size_t i) const;
};

enum class AtParseError {
    none,
    not_at,        // does not start with "AT"
    too_long,      // over kMaxCommandLine characters
    unterminated,  // a '"' without its closing quote
    bad_argument,  // junk after a closing quote, or a quote in the middle of a token
    bad_command,   // unknown character where a command name should be
};

struct AtLine {
    AtParseError error = AtParseError::none;
    std::vector<AtCommand> commands;  // one for a bare "AT" (name "")
    bool ok() const { return error == AtParseError::none; }
};

// Parses one command line without its terminating CR.
AtLine parse_at_line(std::string_view line);

// Splits an argument list ("1,\"a,b\",,7") into arguments. Returns false on a syntax error.
bool split_arguments(std::string_view text, std::vector<AtArg>& out, AtParseError& error);

const char* to_string(AtParseError e);

}  // namespace telit_sim
