// Reads proto/openapi.yaml's `paths:` the way the spec is laid out (a path at two spaces, its
// methods at four, x-ferry-role at six): "METHOD /path" -> role ("open", "device", "viewer", ...).
#pragma once

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace ferry::test {

inline std::map<std::string, std::string> spec_roles(const std::string& file) {
    std::ifstream in(file);
    if (!in)
        throw std::runtime_error("cannot read " + file);
    std::map<std::string, std::string> out;
    std::string line, path, route;
    bool in_paths = false;
    static const std::set<std::string> methods = {"get",  "put",   "post",   "delete",
                                                  "head", "patch", "options"};
    const std::string role_key = "      x-ferry-role: ";
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] != ' ' && line[0] != '#')
            in_paths = line.rfind("paths:", 0) == 0;
        if (!in_paths)
            continue;
        if (line.size() > 3 && line.compare(0, 3, "  /") == 0) {
            path = line.substr(2, line.find(':', 2) - 2);
        } else if (line.size() > 4 && line.compare(0, 4, "    ") == 0 && line[4] != ' ') {
            std::string m = line.substr(4, line.find(':') - 4);
            if (methods.count(m)) {
                std::transform(m.begin(), m.end(), m.begin(), ::toupper);
                route = m + " " + path;
                out[route] = "";
            }
        } else if (line.rfind(role_key, 0) == 0 && !route.empty()) {
            out[route] = line.substr(role_key.size());
        }
    }
    return out;
}

}  // namespace ferry::test
