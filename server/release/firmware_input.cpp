#include "release/firmware_input.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

namespace ferry::release {
namespace {

// No STM32 we target has more than 1 MiB of flash; a larger span means a stray segment (RAM,
// option bytes, a debug section) got into the file, and filling the gap would be wrong.
constexpr uint64_t kMaxSpan = 1u << 20;

// A run of bytes at a flash address, as one HEX record or ELF segment supplies it.
struct Chunk {
    uint64_t addr;  // 64-bit so addr + size never wraps
    Bytes data;
};

[[noreturn]] void fail(const std::string& name, const std::string& what) {
    throw FirmwareError(name + ": " + what);
}

std::string hex32(uint64_t v) {
    static const char digits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4)
        s += digits[(v >> shift) & 15];
    return s;
}

// Lays chunks out in one buffer: sorted by address, gaps 0xFF (the erased flash value, so the
// device's flash ends up as if the gaps were never written), overlaps refused.
Firmware assemble(std::vector<Chunk> chunks, const std::string& name, const char* format) {
    if (chunks.empty())
        fail(name, "no data to load");
    std::stable_sort(chunks.begin(), chunks.end(),
                     [](const Chunk& a, const Chunk& b) { return a.addr < b.addr; });
    uint64_t base = chunks.front().addr;
    uint64_t end = base;
    for (const Chunk& c : chunks) {
        if (c.addr < end)
            fail(name, "overlapping data at " + hex32(c.addr) + " (already written up to " +
                           hex32(end) + ")");
        end = c.addr + c.data.size();
        if (end > 0x100000000ull)
            fail(name, "data runs past the 4 GiB address space");
        if (end - base > kMaxSpan)
            fail(name, "data spans " + hex32(base) + ".." + hex32(end) +
                           ", more than 1 MiB (stray segment?)");
    }
    Firmware fw;
    fw.base_addr = uint32_t(base);
    fw.format = format;
    fw.data.assign(size_t(end - base), 0xFF);
    for (const Chunk& c : chunks)
        std::copy(c.data.begin(), c.data.end(), fw.data.begin() + (c.addr - base));
    return fw;
}

// ------------------------------------------------------------------------------------------
// Raw binary
// ------------------------------------------------------------------------------------------

Firmware parse_bin(const Bytes& content, const std::string& name,
                   std::optional<uint32_t> bin_base) {
    if (!bin_base)
        fail(name, "a raw binary carries no address; give its base address");
    if (content.empty())
        fail(name, "file is empty");
    return assemble({Chunk{*bin_base, content}}, name, "bin");
}

// ------------------------------------------------------------------------------------------
// Intel HEX
// ------------------------------------------------------------------------------------------

struct HexRecord {
    uint8_t type;
    uint16_t offset;
    Bytes data;
};

class HexParser {
  public:
    explicit HexParser(const std::string& name) : name_(name) {}

    Firmware parse(std::string_view text) {
        size_t line_no = 0;
        while (!text.empty()) {
            size_t nl = text.find('\n');
            std::string_view line = text.substr(0, nl);
            text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
            ++line_no;
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            handle_line(line, line_no);
        }
        if (!seen_eof_)
            fail(name_, "no end-of-file record");
        return assemble(std::move(chunks_), name_, "hex");
    }

  private:
    [[noreturn]] void fail_at(size_t line_no, const std::string& what) const {
        fail(name_, "line " + std::to_string(line_no) + ": " + what);
    }

    void handle_line(std::string_view line, size_t line_no) {
        if (line.empty())
            return;  // blank lines (a trailing newline) are harmless
        if (seen_eof_)
            fail_at(line_no, "content after the end-of-file record");
        HexRecord rec = decode(line, line_no);
        apply(rec, line_no);
    }

    // ":LLAAAATT<data>CC" -> record; checks the length and the two's-complement checksum.
    HexRecord decode(std::string_view line, size_t line_no) const {
        if (line[0] != ':')
            fail_at(line_no, "record does not start with ':'");
        Bytes raw;
        for (size_t i = 1; i < line.size(); i += 2) {
            int hi = hex_digit_value(line[i]);
            int lo = i + 1 < line.size() ? hex_digit_value(line[i + 1]) : -1;
            if (hi < 0 || lo < 0)
                fail_at(line_no, "not a hex digit pair at column " + std::to_string(i + 1));
            raw.push_back(uint8_t(hi << 4 | lo));
        }
        if (raw.size() < 5 || raw.size() != size_t(raw[0]) + 5)
            fail_at(line_no, "record length does not match its byte count");
        uint8_t sum = 0;
        for (uint8_t b : raw)
            sum = uint8_t(sum + b);
        if (sum != 0)
            fail_at(line_no, "bad checksum");
        return HexRecord{raw[3], uint16_t(raw[1] << 8 | raw[2]),
                         Bytes(raw.begin() + 4, raw.end() - 1)};
    }

    void expect_len(const HexRecord& rec, size_t len, size_t line_no) const {
        if (rec.data.size() != len)
            fail_at(line_no, "record type 0" + std::to_string(rec.type) + " needs " +
                                 std::to_string(len) + " data bytes");
    }

    void apply(const HexRecord& rec, size_t line_no) {
        switch (rec.type) {
            case 0x00:
                add_data(rec);
                break;
            case 0x01:
                expect_len(rec, 0, line_no);
                seen_eof_ = true;
                break;
            case 0x02:  // extended segment address: base = value * 16, offsets wrap at 64 KiB
                expect_len(rec, 2, line_no);
                base_ = uint32_t(rec.data[0] << 8 | rec.data[1]) << 4;
                segmented_ = true;
                break;
            case 0x04:  // extended linear address: upper 16 bits of a 32-bit address
                expect_len(rec, 2, line_no);
                base_ = uint32_t(rec.data[0] << 8 | rec.data[1]) << 16;
                segmented_ = false;
                break;
            case 0x03:  // start segment address (CS:IP)
            case 0x05:  // start linear address: the entry point; the vector table says it too
                expect_len(rec, 4, line_no);
                break;
            default:
                fail_at(line_no, "unknown record type " + std::to_string(rec.type));
        }
    }

    void add_data(const HexRecord& rec) {
        if (rec.data.empty())
            return;
        if (!segmented_) {
            chunks_.push_back(Chunk{uint64_t(base_) + rec.offset, rec.data});
            return;
        }
        // In segment mode the 16-bit offset wraps within the segment, so a record crossing
        // the 64 KiB boundary continues at the segment start.
        size_t first = std::min(rec.data.size(), size_t(0x10000 - rec.offset));
        chunks_.push_back(
            Chunk{uint64_t(base_) + rec.offset, Bytes(rec.data.begin(), rec.data.begin() + first)});
        if (first < rec.data.size())
            chunks_.push_back(Chunk{base_, Bytes(rec.data.begin() + first, rec.data.end())});
    }

    std::string name_;
    std::vector<Chunk> chunks_;
    uint32_t base_ = 0;
    bool segmented_ = false;
    bool seen_eof_ = false;
};

// ------------------------------------------------------------------------------------------
// ELF32 little-endian ARM
// ------------------------------------------------------------------------------------------

// Field offsets from the ELF specification, read byte by byte so the host's layout and
// endianness do not matter.
constexpr size_t kEhdrSize = 52;
constexpr size_t kPhdrSize = 32;
constexpr uint16_t kEmArm = 40;
constexpr uint32_t kPtLoad = 1;

uint16_t le16(const Bytes& b, size_t at) {
    return uint16_t(b[at] | b[at + 1] << 8);
}
uint32_t le32(const Bytes& b, size_t at) {
    return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
           uint32_t(b[at + 3]) << 24;
}

void check_elf_ident(const Bytes& elf, const std::string& name) {
    if (elf.size() < kEhdrSize)
        fail(name, "ELF file shorter than its header");
    if (elf[4] != 1 || elf[5] != 1 || le16(elf, 18) != kEmArm)
        fail(name, "not a 32-bit little-endian ARM ELF file");
}

Firmware parse_elf(const Bytes& elf, const std::string& name) {
    check_elf_ident(elf, name);
    uint64_t phoff = le32(elf, 28);
    uint64_t phentsize = le16(elf, 42);
    uint64_t phnum = le16(elf, 44);
    if (phnum == 0)
        fail(name, "ELF file has no program headers (an object file, not a link?)");
    if (phentsize < kPhdrSize)
        fail(name, "ELF program header entries are too small");
    if (phoff + phnum * phentsize > elf.size())
        fail(name, "ELF program header table runs past the end of the file");
    std::vector<Chunk> chunks;
    for (uint64_t i = 0; i < phnum; ++i) {
        size_t ph = size_t(phoff + i * phentsize);
        uint64_t offset = le32(elf, ph + 4);
        uint64_t paddr = le32(elf, ph + 12);
        uint64_t filesz = le32(elf, ph + 16);
        // p_paddr is the load address: for .data it is where the initializers sit in flash,
        // not the RAM address the code uses (p_vaddr).
        if (le32(elf, ph) != kPtLoad || filesz == 0)
            continue;
        if (offset + filesz > elf.size())
            fail(name, "ELF segment " + std::to_string(i) + " runs past the end of the file");
        chunks.push_back(Chunk{paddr, Bytes(elf.begin() + offset, elf.begin() + offset + filesz)});
    }
    if (chunks.empty())
        fail(name, "ELF file has no loadable segment with data");
    return assemble(std::move(chunks), name, "elf");
}

bool is_elf(const Bytes& c) {
    return c.size() >= 4 && c[0] == 0x7F && c[1] == 'E' && c[2] == 'L' && c[3] == 'F';
}

// A raw image starts with the initial stack pointer; its low byte is 4-aligned, so it is never
// ':' (0x3A) and the two cannot be confused.
bool is_intel_hex(const Bytes& c) {
    return !c.empty() && c[0] == ':';
}

}  // namespace

Firmware parse_firmware(const Bytes& content, const std::string& name,
                        std::optional<uint32_t> bin_base) {
    if (is_elf(content))
        return parse_elf(content, name);
    if (is_intel_hex(content))
        return HexParser(name).parse(as_chars(content));
    return parse_bin(content, name, bin_base);
}

Firmware load_firmware(const std::string& path, std::optional<uint32_t> bin_base) {
    Bytes content;
    try {
        content = read_file(path);
    } catch (const std::runtime_error& e) {
        throw FirmwareError(e.what());
    }
    return parse_firmware(content, path, bin_base);
}

}  // namespace ferry::release
