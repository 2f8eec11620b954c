#include "ferryctl/cli.h"

#include <algorithm>
#include <cstdio>

namespace ferry::ctl {

Args::Args(const std::vector<std::string>& argv, const std::vector<std::string>& switches) {
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            positional_.push_back(a);
            continue;
        }
        std::string key = a.substr(2);
        if (size_t eq = key.find('='); eq != std::string::npos) {
            flags_.emplace(key.substr(0, eq), key.substr(eq + 1));
        } else if (std::find(switches.begin(), switches.end(), key) != switches.end()) {
            flags_.emplace(key, "");
        } else {
            if (i + 1 >= argv.size()) throw CliError(2, "--" + key + " needs a value");
            flags_.emplace(key, argv[++i]);
        }
    }
}

std::optional<std::string> Args::get(const std::string& flag) const {
    auto it = flags_.find(flag);
    if (it == flags_.end()) return std::nullopt;
    return it->second;
}

std::string Args::need(const std::string& flag) const {
    auto v = get(flag);
    if (!v) throw CliError(2, "--" + flag + " is required");
    return *v;
}

std::vector<std::string> Args::all(const std::string& flag) const {
    std::vector<std::string> out;
    auto [b, e] = flags_.equal_range(flag);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
}

bool Args::has(const std::string& flag) const { return flags_.count(flag) > 0; }

std::string Args::positional_at(size_t i, const char* what) const {
    if (i >= positional_.size()) throw CliError(2, std::string("missing ") + what);
    return positional_[i];
}

void Args::only(const std::vector<std::string>& known) const {
    static const std::vector<std::string> global = {"server", "token", "insecure", "ca", "json"};
    for (const auto& [k, v] : flags_) {
        bool ok = std::find(known.begin(), known.end(), k) != known.end() ||
                  std::find(global.begin(), global.end(), k) != global.end();
        if (!ok) throw CliError(2, "unknown option --" + k);
    }
}

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width(header.size());
    for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
    for (const auto& r : rows) {
        for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (size_t i = 0; i < header.size(); ++i) {
            std::string c = i < cells.size() ? cells[i] : "";
            out += c;
            if (i + 1 < header.size()) out += std::string(width[i] - c.size() + 2, ' ');
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        std::printf("%s\n", out.c_str());
    };
    line(header);
    for (const auto& r : rows) line(r);
    if (rows.empty()) std::printf("(none)\n");
}

}  // namespace ferry::ctl
