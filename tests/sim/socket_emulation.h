// The modem's TCP sockets in command mode: AT#SCFG, AT#SD (…,1 = command mode), AT#SSENDEXT,
// AT#SSEND, AT#SRECV, AT#SH, AT#SS, AT#SI, and the URCs "SRING: <conn>" and "NO CARRIER".
//
// #SD answers OK once the modelled handshake (one RTT) and the real connection to ferryd are
// done. Data sent with #SSENDEXT crosses the uplink (speed, RTT/2) and is then written to the real
// connection; what ferryd answers crosses the downlink (speed, RTT/2) into the socket's receive
// buffer, and "SRING: <conn>" announces data that arrives into an empty buffer. When ferryd closes
// the connection, "NO CARRIER" follows the last data; #SRECV still hands out what is buffered,
// then fails.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "at_parser.h"
#include "command_io.h"
#include "faults.h"
#include "link_model.h"
#include "modem_state.h"
#include "scheduler.h"
#include "stats.h"
#include "upstream.h"

namespace telit_sim {

class SocketEmulation {
  public:
    static constexpr int kSockets = 6;

    SocketEmulation(Scheduler& sched, LinkModel& link, Upstream& upstream, Random& random,
                    const FaultConfig& faults, Stats& stats, ModemState& state,
                    std::size_t ssend_max, std::function<void(std::string)> urc);
    ~SocketEmulation();

    bool handles(const std::string& name) const;
    void execute(const AtCommand& cmd, CommandIo& io);
    // Closes every socket (context deactivated).
    void reset();
    // A socket with unread data (for "SRING-like" injected URCs); 0 when none.
    int socket_with_data() const;
    bool busy() const;

  private:
    enum class State { closed, connecting, connected, remote_closed };
    struct Conn {
        // Configuration (#SCFG)
        int cid = 1;
        int pkt_size = 300;
        int max_to = 90;
        int conn_to = 600;  // tenths of a second
        int tx_to = 50;
        // Connection
        State state = State::closed;
        uint64_t generation = 0;
        std::shared_ptr<boost::asio::ip::tcp::socket> socket;
        std::string remote_text;
        std::string rx;         // received, not yet read with #SRECV
        uint64_t sent = 0;      // bytes accepted from the device
        uint64_t received = 0;  // bytes delivered into rx
        uint64_t in_flight_up = 0;
        std::string write_queue;  // bytes due at the server, written in order
        bool writing = false;
        bool cut_armed = false;   // --fault-disconnect: drop during the next downlink data
        double last_arrival = 0;  // simulated arrival time of the latest scheduled data
        StreamTail down_tail;     // segment packing of the downlink byte stream
        std::array<char, 8192> buf{};
    };

    void configure(const AtCommand& cmd, CommandIo& io);
    void dial(const AtCommand& cmd, CommandIo& io);
    void send_ext(const AtCommand& cmd, CommandIo& io, bool ctrl_z);
    void receive(const AtCommand& cmd, CommandIo& io);
    void hang_up(const AtCommand& cmd, CommandIo& io);
    // The sockets #SS / #SI report on: all (action form) or one (set form); nullopt when bad.
    static std::optional<std::pair<int, int>> socket_range(const AtCommand& cmd);
    void status(const AtCommand& cmd, CommandIo& io);
    void info(const AtCommand& cmd, CommandIo& io);

    void accept_payload(int id, std::string data);
    void flush_writes(int id);
    void read_loop(int id);
    void deliver(int id, uint64_t generation, std::string data);
    void remote_close(int id, uint64_t generation, bool by_fault);
    void drop(int id);

    Scheduler& sched_;
    LinkModel& link_;
    Upstream& upstream_;
    Random& random_;
    const FaultConfig& faults_;
    Stats& stats_;
    ModemState& state_;
    std::size_t ssend_max_;
    std::function<void(std::string)> urc_;
    std::array<Conn, kSockets + 1> conns_;  // index 1..6
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace telit_sim
