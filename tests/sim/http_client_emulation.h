// The modem's HTTP client: AT#HTTPCFG, AT#HTTPQRY, AT#HTTPSND, AT#HTTPRCV and the #HTTPRING URC.
//
// A query answers OK at once. The request then travels the modelled link (TCP set-up of one RTT,
// the request at uplink speed, RTT/2), is sent for real to ferryd (with "Connection: close", a
// "Host:" line and the one extra header line), and the response travels back (downlink speed,
// RTT/2). #HTTPRING comes when the whole response has arrived; #HTTPRCV then hands out the body
// in pieces of at most maxByte (1500) bytes: "\r\n<<<" + bytes + "\r\nOK\r\n".
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "at_parser.h"
#include "command_io.h"
#include "faults.h"
#include "link_model.h"
#include "modem_state.h"
#include "scheduler.h"
#include "stats.h"
#include "upstream.h"

namespace telit_sim {

class HttpClientEmulation {
  public:
    HttpClientEmulation(Scheduler& sched, LinkModel& link, Upstream& upstream, Random& random,
                        const FaultConfig& faults, Stats& stats, ModemState& state,
                        std::function<void(std::string)> urc);
    ~HttpClientEmulation();

    bool handles(const std::string& name) const;
    void execute(const AtCommand& cmd, CommandIo& io);
    // Drops every transaction (context deactivated).
    void reset();
    // True while a request is on its way (the modem is not idle).
    bool busy() const;

  private:
    // What #HTTPCFG sets: replaced whole, while a transaction in flight keeps going.
    struct ProfileConfig {
        std::string host;
        uint16_t port = 80;
        int auth = 0;
        std::string user, password;
        int ssl = 0;
        int timeout_s = 120;
        int cid = 1;
        int pkt_size = 0;
    };
    struct Profile : ProfileConfig {
        // The transaction of this profile.
        uint64_t generation = 0;
        bool in_flight = false;
        bool ready = false;  // #HTTPRING sent, body readable
        std::string body;
        std::size_t read_pos = 0;
        std::optional<std::size_t> cut_at;  // link drops after this many body bytes
    };
    struct Exchange;

    void config(const AtCommand& cmd, CommandIo& io);
    void query(const AtCommand& cmd, CommandIo& io);
    void send(const AtCommand& cmd, CommandIo& io);
    void receive(const AtCommand& cmd, CommandIo& io);
    // Checks shared by #HTTPQRY/#HTTPSND; returns the CME code or 0.
    int check_ready_to_send(const Profile& p) const;
    // The optional extra header line at cmd.args[index]: empty when absent, nullopt when bad.
    static std::optional<std::string> extra_header(const AtCommand& cmd, std::size_t index);
    // The last checks before #HTTPQRY/#HTTPSND start: ready to send and the host resolvable.
    // Returns the CME code or 0.
    int check_can_start(const Profile& p);
    std::string build_request(const Profile& p, const std::string& method,
                              const std::string& resource, const std::string& extra,
                              const std::string* body, const std::string& content_type) const;
    void start(int prof, std::string request, bool head);
    void ring(int prof, uint64_t generation, int status, const std::string& type, uint64_t size);

    Scheduler& sched_;
    LinkModel& link_;
    Upstream& upstream_;
    Random& random_;
    const FaultConfig& faults_;
    Stats& stats_;
    ModemState& state_;
    std::function<void(std::string)> urc_;
    std::array<Profile, 3> profiles_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace telit_sim
