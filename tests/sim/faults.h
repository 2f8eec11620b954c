// Fault injection: each fault is a probability per opportunity, drawn from one seeded generator so
// that a run is reproducible with --seed.
//
// Opportunities:
//   disconnect  each HTTP response with a body (#HTTPQRY/#HTTPSND), and each #SSENDEXT/#SSEND
//               (the connection then drops during the data that follows it)
//   status0     each HTTP request: the answer is lost, #HTTPRING reports status 0 after the timeout
//   datasize0   each HTTP response: #HTTPRING reports data_size 0 (as if no Content-Length)
//   cme         each network-facing command (see Modem::cme_eligible): a random +CME ERROR
//   urc         each line boundary of a command's response: an unsolicited line is slipped in
//   loss        each TCP segment on air (--loss): it is sent twice and costs one more RTT
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace telit_sim {

class Random {
  public:
    explicit Random(uint64_t seed) : gen_(seed) {}
    double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(gen_); }
    // True with probability p (p <= 0 never draws, p >= 1 always true).
    bool chance(double p) {
        if (p <= 0)
            return false;
        if (p >= 1)
            return true;
        return uniform() < p;
    }
    // Uniform integer in [0, n); 0 when n == 0.
    std::size_t below(std::size_t n) {
        if (n == 0)
            return 0;
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(gen_);
    }

  private:
    std::mt19937_64 gen_;
};

struct FaultConfig {
    double disconnect = 0;
    double status0 = 0;
    double datasize0 = 0;
    double cme = 0;
    double urc = 0;
    double loss = 0;
    double slow_sgact_s = -1;  // < 0: normal #SGACT time
};

}  // namespace telit_sim
