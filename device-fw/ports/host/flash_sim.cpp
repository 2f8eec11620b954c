#include "flash_sim.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "ferry/errors.h"

namespace ferry::host {
namespace {

constexpr uint32_t kF4Sectors[] = {16384, 16384, 16384, 16384, 65536, 131072, 131072, 131072};
constexpr uint32_t kWb55Pages[256] = {
#define P8 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096
#define P64 P8, P8, P8, P8, P8, P8, P8, P8
    P64, P64, P64, P64
#undef P64
#undef P8
};

const FlashGeometry kF401xC{0x08000000u, 6, kF4Sectors, 4, false};
const FlashGeometry kF401xE{0x08000000u, 8, kF4Sectors, 4, false};
const FlashGeometry kWb55{0x08000000u, 256, kWb55Pages, 8, true};

uint32_t total_size(const FlashGeometry& g) {
    uint32_t n = 0;
    for (uint16_t i = 0; i < g.sector_count; ++i) n += g.sector_size[i];
    return n;
}

uint32_t sector_offset(const FlashGeometry& g, uint16_t sector) {
    uint32_t off = 0;
    for (uint16_t i = 0; i < sector; ++i) off += g.sector_size[i];
    return off;
}

}  // namespace

const FlashGeometry& geometry_of(Chip chip) {
    switch (chip) {
        case Chip::f401xc: return kF401xC;
        case Chip::f401xe: return kF401xE;
        case Chip::wb55: return kWb55;
    }
    return kF401xE;
}

const Layout& layout_of(Chip chip) {
    switch (chip) {
        case Chip::f401xc: return kLayoutF401xC;
        case Chip::f401xe: return kLayoutF401xE;
        case Chip::wb55: return kLayoutWB55;
    }
    return kLayoutF401xE;
}

const char* chip_name(Chip chip) {
    switch (chip) {
        case Chip::f401xc: return "f401xc";
        case Chip::f401xe: return "f401xe";
        case Chip::wb55: return "wb55";
    }
    return "?";
}

FlashSim::FlashSim(Chip chip, uint32_t seed, std::string backing_file)
    : geom_(&geometry_of(chip)),
      mem_(total_size(*geom_), 0xFF),
      programmed_(mem_.size() / geom_->program_unit, 0),
      erase_counts_(geom_->sector_count, 0),
      rng_(seed),
      file_(std::move(backing_file)) {
    if (file_.empty()) return;
    int fd = ::open(file_.c_str(), O_RDONLY);
    if (fd >= 0) {
        ssize_t n = ::read(fd, mem_.data(), mem_.size());
        ::close(fd);
        if (n != static_cast<ssize_t>(mem_.size())) std::fill(mem_.begin(), mem_.end(), 0xFF);
        // A unit that is not all 0xFF was programmed (ECC flash remembers that too).
        for (size_t u = 0; u < programmed_.size(); ++u) {
            for (uint32_t i = 0; i < geom_->program_unit; ++i) {
                if (mem_[u * geom_->program_unit + i] != 0xFF) programmed_[u] = 1;
            }
        }
    } else {
        persist(0, mem_.size());
    }
}

FlashPort FlashSim::port() { return FlashPort{this, geom_, do_read, do_program, do_erase}; }

void FlashSim::arm_cut(uint64_t op_index, CutMode mode) {
    cut_armed_ = true;
    cut_at_ = op_index;
    cut_mode_ = mode;
}

void FlashSim::factory_write(uint32_t addr, const std::vector<uint8_t>& bytes) {
    uint32_t off = addr - geom_->base;
    std::memcpy(mem_.data() + off, bytes.data(), bytes.size());
    for (size_t i = 0; i < bytes.size(); i += geom_->program_unit) {
        programmed_[(off + i) / geom_->program_unit] = 1;
    }
    persist(off, bytes.size());
}

bool FlashSim::cut_now(CutMode* mode) {
    uint64_t index = ops_++;
    if (!cut_armed_ || index != cut_at_) return false;
    cut_armed_ = false;
    *mode = cut_mode_;
    return true;
}

void FlashSim::persist(uint32_t offset, size_t len) {
    if (file_.empty()) return;
    int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT, 0644);
    if (fd < 0) return;
    ssize_t n = ::pwrite(fd, mem_.data() + offset, len, offset);
    (void)n;
    ::close(fd);
}

int FlashSim::do_read(void* ctx, uint32_t addr, void* buf, size_t len) {
    auto* self = static_cast<FlashSim*>(ctx);
    if (!self->powered_) return FERRY_ERR_IO;
    if (addr < self->geom_->base || addr - self->geom_->base + len > self->mem_.size()) {
        return FERRY_ERR_INVALID;
    }
    std::memcpy(buf, self->mem_.data() + (addr - self->geom_->base), len);
    return FERRY_OK;
}

int FlashSim::do_program(void* ctx, uint32_t addr, const void* data, size_t len) {
    return static_cast<FlashSim*>(ctx)->program(addr, static_cast<const uint8_t*>(data), len);
}

int FlashSim::do_erase(void* ctx, uint16_t sector) { return static_cast<FlashSim*>(ctx)->erase(sector); }

int FlashSim::program(uint32_t addr, const uint8_t* data, size_t len) {
    if (!powered_) return FERRY_ERR_IO;
    const uint32_t unit = geom_->program_unit;
    uint32_t off = addr - geom_->base;
    if (addr < geom_->base || off + len > mem_.size() || off % unit || len % unit || len == 0) {
        return FERRY_ERR_INVALID;
    }
    // One sector per call, as the chips' sequential programming requires.
    uint32_t s_off = 0;
    uint16_t s = 0;
    while (s_off + geom_->sector_size[s] <= off) s_off += geom_->sector_size[s++];
    if (off + len > s_off + geom_->sector_size[s]) return FERRY_ERR_INVALID;
    for (size_t i = 0; i < len; i += unit) {
        bool erased = true;
        for (uint32_t b = 0; b < unit; ++b) erased = erased && mem_[off + i + b] == 0xFF;
        if (!erased || (geom_->program_once && programmed_[(off + i) / unit])) {
            ++violations_;
            return FERRY_ERR_INVALID;  // the core never re-programs; a test catches it here
        }
    }
    CutMode mode;
    if (cut_now(&mode)) {
        powered_ = false;
        if (mode == CutMode::before) return FERRY_ERR_IO;
        size_t units = len / unit;
        size_t done = mode == CutMode::after ? units : std::uniform_int_distribution<size_t>(0, units - 1)(rng_);
        for (size_t i = 0; i < done * unit; ++i) mem_[off + i] &= data[i];
        for (size_t u = 0; u < done; ++u) programmed_[(off / unit) + u] = 1;
        if (mode == CutMode::middle) {
            // The unit being written when power went: some of its bits made it, some did not
            // (ECC flash: the unit is garbage and counts as programmed).
            size_t torn = off + done * unit;
            for (uint32_t b = 0; b < unit; ++b) {
                uint8_t noise = static_cast<uint8_t>(rng_());
                mem_[torn + b] = geom_->program_once ? noise : (mem_[torn + b] & (data[done * unit + b] | noise));
            }
            programmed_[torn / unit] = 1;
        }
        persist(off, len);
        return FERRY_ERR_IO;
    }
    for (size_t i = 0; i < len; ++i) mem_[off + i] &= data[i];
    for (size_t u = 0; u < len / unit; ++u) programmed_[off / unit + u] = 1;
    persist(off, len);
    return FERRY_OK;
}

int FlashSim::erase(uint16_t sector) {
    if (!powered_) return FERRY_ERR_IO;
    if (sector >= geom_->sector_count) return FERRY_ERR_INVALID;
    uint32_t off = sector_offset(*geom_, sector);
    uint32_t size = geom_->sector_size[sector];
    const uint32_t unit = geom_->program_unit;
    CutMode mode;
    bool cut = cut_now(&mode);
    if (cut) powered_ = false;
    if (cut && mode == CutMode::before) return FERRY_ERR_IO;
    ++erase_counts_[sector];
    if (cut && mode == CutMode::middle) {
        // A torn erase: a random part of the sector is erased, the rest keeps its old bits.
        for (uint32_t u = 0; u < size / unit; ++u) {
            if (rng_() & 1) {
                std::memset(mem_.data() + off + u * unit, 0xFF, unit);
                programmed_[(off / unit) + u] = 0;
            }
        }
    } else {
        std::memset(mem_.data() + off, 0xFF, size);
        std::fill(programmed_.begin() + off / unit, programmed_.begin() + (off + size) / unit, 0);
    }
    persist(off, size);
    return cut ? FERRY_ERR_IO : FERRY_OK;
}

}  // namespace ferry::host
