#include "at_parser.h"

#include <cctype>

namespace telit_sim {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
char upper(char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

bool parse_decimal(std::string_view s, uint64_t& out) {
    if (s.empty() || s.size() > 19)
        return false;
    uint64_t v = 0;
    for (char c : s) {
        if (!is_digit(c))
            return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    out = v;
    return true;
}

bool classify(std::string_view raw, AtArg& arg, AtParseError& error) {
    std::string_view s = trim(raw);
    if (s.empty()) {
        arg.kind = AtArg::Kind::empty;
        return true;
    }
    if (s.front() == '"') {
        const std::size_t close = s.find('"', 1);
        if (close == std::string_view::npos) {
            error = AtParseError::unterminated;
            return false;
        }
        if (close + 1 != s.size()) {  // only blanks may follow (already trimmed)
            error = AtParseError::bad_argument;
            return false;
        }
        arg.kind = AtArg::Kind::string;
        arg.text = std::string(s.substr(1, close - 1));
        return true;
    }
    if (s.find('"') != std::string_view::npos) {
        error = AtParseError::bad_argument;
        return false;
    }
    arg.text = std::string(s);
    arg.kind = parse_decimal(s, arg.number) ? AtArg::Kind::number : AtArg::Kind::token;
    return true;
}

// Finds the end of an extended command's argument list: the first ';' outside quotes, or the end.
// Returns npos when a quote is left open.
std::size_t argument_end(std::string_view s, std::size_t from) {
    bool quoted = false;
    for (std::size_t i = from; i < s.size(); ++i) {
        if (s[i] == '"')
            quoted = !quoted;
        if (!quoted && s[i] == ';')
            return i;
    }
    return quoted ? std::string_view::npos : s.size();
}

}  // namespace

std::optional<uint64_t> AtCommand::number(std::size_t i, uint64_t lo, uint64_t hi) const {
    const AtArg* a = arg(i);
    if (!a || !a->is_number() || a->number < lo || a->number > hi)
        return std::nullopt;
    return a->number;
}

std::optional<std::string> AtCommand::string(std::size_t i) const {
    const AtArg* a = arg(i);
    if (!a || !a->is_string())
        return std::nullopt;
    return a->text;
}

bool split_arguments(std::string_view text, std::vector<AtArg>& out, AtParseError& error) {
    out.clear();
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] == '"')
            quoted = !quoted;
        if (i == text.size() || (!quoted && text[i] == ',')) {
            if (i == text.size() && quoted) {
                error = AtParseError::unterminated;
                return false;
            }
            AtArg arg;
            if (!classify(text.substr(start, i - start), arg, error))
                return false;
            out.push_back(std::move(arg));
            start = i + 1;
        }
    }
    return true;
}

AtLine parse_at_line(std::string_view line) {
    AtLine result;
    if (line.size() > kMaxCommandLine) {
        result.error = AtParseError::too_long;
        return result;
    }
    if (line.size() < 2 || upper(line[0]) != 'A' || upper(line[1]) != 'T') {
        result.error = AtParseError::not_at;
        return result;
    }
    std::string_view s = line.substr(2);
    std::size_t i = 0;
    auto skip_spaces = [&] {
        while (i < s.size() && is_space(s[i]))
            ++i;
    };
    skip_spaces();
    if (i == s.size()) {
        result.commands.push_back(AtCommand{});  // bare "AT"
        return result;
    }
    while (true) {
        skip_spaces();
        if (i >= s.size())
            break;
        AtCommand cmd;
        const char c = s[i];
        if (c == '+' || c == '#' || c == '$') {
            // Extended command: prefix, then letters, digits and a few punctuation marks.
            cmd.name.push_back(c);
            ++i;
            while (i < s.size() &&
                   (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '&')) {
                cmd.name.push_back(upper(s[i]));
                ++i;
            }
            if (cmd.name.size() == 1) {
                result.error = AtParseError::bad_command;
                return result;
            }
            skip_spaces();
            if (i + 1 < s.size() && s[i] == '=' && s[i + 1] == '?') {
                cmd.type = AtCommand::Type::test;
                i += 2;
            } else if (i < s.size() && s[i] == '?') {
                cmd.type = AtCommand::Type::read;
                ++i;
            } else if (i < s.size() && s[i] == '=') {
                cmd.type = AtCommand::Type::set;
                const std::size_t end = argument_end(s, i + 1);
                if (end == std::string_view::npos) {
                    result.error = AtParseError::unterminated;
                    return result;
                }
                if (!split_arguments(s.substr(i + 1, end - i - 1), cmd.args, result.error)) {
                    return result;
                }
                i = end;
            }
            skip_spaces();
            if (i < s.size()) {
                if (s[i] != ';') {
                    result.error = AtParseError::bad_command;
                    return result;
                }
                ++i;
            }
        } else if (c == '&' || is_alpha(c)) {
            // Basic command: [&]letter, then an optional number, or "?" / "=n" for S-registers.
            if (c == '&') {
                ++i;
                if (i >= s.size() || !is_alpha(s[i])) {
                    result.error = AtParseError::bad_command;
                    return result;
                }
                cmd.name = "&";
            }
            const char letter = upper(s[i]);
            cmd.name.push_back(letter);
            ++i;
            if (letter == 'S' && cmd.name == "S") {
                const std::size_t reg_start = i;
                while (i < s.size() && is_digit(s[i]))
                    ++i;
                if (i == reg_start) {
                    result.error = AtParseError::bad_command;
                    return result;
                }
                cmd.name.append(s.substr(reg_start, i - reg_start));
                if (i < s.size() && s[i] == '?') {
                    cmd.type = AtCommand::Type::read;
                    ++i;
                } else if (i < s.size() && s[i] == '=') {
                    ++i;
                    const std::size_t v = i;
                    while (i < s.size() && is_digit(s[i]))
                        ++i;
                    AtArg arg;
                    if (!parse_decimal(s.substr(v, i - v), arg.number)) {
                        result.error = AtParseError::bad_argument;
                        return result;
                    }
                    arg.kind = AtArg::Kind::number;
                    arg.text = std::string(s.substr(v, i - v));
                    cmd.type = AtCommand::Type::set;
                    cmd.args.push_back(std::move(arg));
                }
            } else if (i < s.size() && s[i] == '?') {
                cmd.type = AtCommand::Type::read;
                ++i;
            } else {
                const std::size_t v = i;
                while (i < s.size() && is_digit(s[i]))
                    ++i;
                if (i > v) {
                    AtArg arg;
                    if (!parse_decimal(s.substr(v, i - v), arg.number)) {
                        result.error = AtParseError::bad_argument;
                        return result;
                    }
                    arg.kind = AtArg::Kind::number;
                    arg.text = std::string(s.substr(v, i - v));
                    cmd.type = AtCommand::Type::set;
                    cmd.args.push_back(std::move(arg));
                }
            }
            skip_spaces();
            if (i < s.size() && s[i] == ';')
                ++i;
        } else {
            result.error = AtParseError::bad_command;
            return result;
        }
        result.commands.push_back(std::move(cmd));
    }
    if (result.commands.empty())
        result.commands.push_back(AtCommand{});
    return result;
}

const char* to_string(AtParseError e) {
    switch (e) {
        case AtParseError::none:
            return "none";
        case AtParseError::not_at:
            return "not an AT command";
        case AtParseError::too_long:
            return "command line too long";
        case AtParseError::unterminated:
            return "unterminated string";
        case AtParseError::bad_argument:
            return "malformed argument";
        case AtParseError::bad_command:
            return "malformed command";
    }
    return "?";
}

}  // namespace telit_sim
