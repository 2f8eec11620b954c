// ferry-stack-depth: the worst stack depth of a firmware program, from the call graphs GCC
// writes with -fcallgraph-info=su (one .ci file per object, VCG format: nodes with their static
// frame size, edges for direct calls, __indirect_call for calls through a pointer).
//
//   ferry-stack-depth ROOT SYMBOLS FILE.ci...   prints the deepest path from ROOT and its bytes
//
// SYMBOLS is `arm-none-eabi-nm` output of the linked program: only functions that made it into
// the image count. A call through a function pointer (the port contract, virtual transports)
// may reach any function whose address is taken, which the .ci files do not say, so the tool
// charges such a call with the deepest linked function that has no direct caller (callbacks and
// overrides): an upper bound for this code base. Interrupt handlers run on the same stack: the
// deepest handler is added on top and named.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

struct Node {
    std::string label;
    long frame = 0;
    bool dynamic = false;
    std::set<std::string> calls;
    bool indirect = false;
    bool called = false;
};

std::map<std::string, Node> g_nodes;

// "file.cpp:_Z..." -> "_Z..." so that a call in one object meets the definition in another.
std::string key_of(const std::string& title) {
    const auto colon = title.rfind(':');
    return colon == std::string::npos ? title : title.substr(colon + 1);
}

bool load(const std::string& path) {
    std::ifstream in(path);
    if (!in) return false;
    const std::regex node(R"re(node: \{ title: "([^"]+)" label: "([^"]*)")re");
    const std::regex edge(R"re(edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)")re");
    const std::regex frame(R"re(\\n([0-9]+) bytes \((static|dynamic)[^)]*\))re");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, node)) {
            Node& n = g_nodes[key_of(m[1])];
            const std::string label = m[2];
            n.label = label.substr(0, label.find("\\n"));
            std::smatch f;
            if (std::regex_search(label, f, frame)) {
                n.frame = std::max(n.frame, std::stol(f[1]));
                n.dynamic = n.dynamic || f[2] != "static";
            }
        } else if (std::regex_search(line, m, edge)) {
            const std::string to = key_of(m[2]);
            if (to == "__indirect_call")
                g_nodes[key_of(m[1])].indirect = true;
            else
                g_nodes[key_of(m[1])].calls.insert(to);
        }
    }
    return true;
}

std::map<std::string, long> g_memo;
std::map<std::string, std::string> g_next;
std::set<std::string> g_on_path;
std::vector<std::string> g_indirect_targets;
bool g_recursion = false;

long depth(const std::string& k) {
    if (auto it = g_memo.find(k); it != g_memo.end()) return it->second;
    if (g_on_path.count(k)) {
        g_recursion = true;
        return 0;
    }
    g_on_path.insert(k);
    const Node& n = g_nodes[k];
    long best = 0;
    std::string via;
    std::vector<std::string> callees(n.calls.begin(), n.calls.end());
    if (n.indirect) callees.insert(callees.end(), g_indirect_targets.begin(), g_indirect_targets.end());
    for (const auto& c : callees) {
        if (c == k) continue;
        const long d = depth(c);
        if (d > best) best = d, via = c;
    }
    g_on_path.erase(k);
    g_next[k] = via;
    return g_memo[k] = n.frame + best;
}

void print_path(const std::string& root) {
    for (std::string k = root; !k.empty(); k = g_next[k]) {
        const Node& n = g_nodes[k];
        std::cout << "    " << n.frame << " B  " << (n.label.empty() ? k : n.label) << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: ferry-stack-depth ROOT SYMBOLS FILE.ci...\n";
        return 2;
    }
    const std::string root = argv[1];
    std::set<std::string> linked;
    {
        std::ifstream in(argv[2]);
        for (std::string line; std::getline(in, line);) {
            const auto sp = line.rfind(' ');
            if (sp != std::string::npos) linked.insert(line.substr(sp + 1));
        }
    }
    for (int i = 3; i < argc; ++i) {
        if (!load(argv[i])) {
            std::cerr << "ferry-stack-depth: cannot read " << argv[i] << " (built without -fcallgraph-info=su?)\n";
            return 1;
        }
    }
    for (auto it = g_nodes.begin(); it != g_nodes.end();) {
        if (!linked.count(it->first) && it->second.frame > 0) it = g_nodes.erase(it);
        else ++it;
    }
    for (auto& [k, n] : g_nodes)
        for (auto c = n.calls.begin(); c != n.calls.end();) c = g_nodes.count(*c) ? std::next(c) : n.calls.erase(c);
    if (!g_nodes.count(root)) {
        std::cerr << "ferry-stack-depth: " << root << " not found in the call graphs\n";
        return 1;
    }
    for (auto& [k, n] : g_nodes)
        for (const auto& c : n.calls) g_nodes[c].called = true;
    std::vector<std::string> handlers;
    for (auto& [k, n] : g_nodes) {
        const bool is_handler = n.label.find("Handler") != std::string::npos || k == "ferry_irq_dispatch";
        if (is_handler) handlers.push_back(k);
        else if (!n.called && k != root && n.frame > 0) g_indirect_targets.push_back(k);
    }
    const long main_depth = depth(root);
    long irq = 0;
    std::string irq_root;
    for (const auto& h : handlers) {
        if (long d = depth(h); d > irq) irq = d, irq_root = h;
    }
    std::cout << "worst stack depth: " << main_depth + irq << " bytes (" << main_depth << " from " << root;
    if (!irq_root.empty()) std::cout << " + " << irq << " in " << g_nodes[irq_root].label;
    std::cout << ")" << (g_recursion ? ", recursion cut once per cycle" : "") << "\n";
    print_path(root);
    return 0;
}
