#include "api/router.h"

namespace ferry::api {

void Router::add(std::string method, std::string pattern, Access access, RouteHandler handler) {
    add_route({std::move(method), std::move(pattern), access, std::move(handler), {}, {}});
}

void Router::add_tx(std::string method, std::string pattern, Access access, TxHandler handler) {
    add_route({std::move(method), std::move(pattern), access, {}, std::move(handler), {}});
}

void Router::add_route(Route route) {
    for (std::string_view segment : split(route.pattern))
        route.segments.emplace_back(segment);
    routes_.push_back(std::move(route));
}

std::vector<std::string_view> Router::split(std::string_view path) {
    std::vector<std::string_view> out;
    size_t pos = 1;  // paths start with '/'
    while (pos <= path.size()) {
        size_t next = path.find('/', pos);
        if (next == std::string_view::npos)
            next = path.size();
        out.push_back(path.substr(pos, next - pos));
        pos = next + 1;
    }
    return out;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
    Match result;
    if (path.empty() || path[0] != '/')
        return result;
    auto segs = split(path);
    for (const Route& r : routes_) {
        const auto& pat = r.segments;
        if (pat.size() != segs.size())
            continue;
        std::vector<std::string> params;
        bool ok = true;
        for (size_t i = 0; i < pat.size() && ok; ++i) {
            if (pat[i].size() > 2 && pat[i].front() == '{' && pat[i].back() == '}') {
                if (segs[i].empty())
                    ok = false;
                params.emplace_back(segs[i]);
            } else {
                ok = pat[i] == segs[i];
            }
        }
        if (!ok)
            continue;
        if (r.method != method) {
            result.path_known = true;
            continue;
        }
        result.route = &r;
        result.params = std::move(params);
        return result;
    }
    return result;
}

std::string Router::allowed_methods(std::string_view path) const {
    std::string out;
    for (const Route& r : routes_) {
        auto m = match(r.method, path);
        if (m.route == &r)
            out += (out.empty() ? "" : ", ") + r.method;
    }
    return out;
}

}  // namespace ferry::api
