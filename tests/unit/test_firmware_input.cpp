#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "release/firmware_input.h"

using namespace ferry;
using namespace ferry::release;

namespace {

// ------------------------------------------------------------------------------------------
// Intel HEX helpers
// ------------------------------------------------------------------------------------------

// One record with its checksum: ":LLAAAATT<data>CC".
std::string record(uint8_t type, uint16_t addr, const Bytes& data) {
    Bytes raw{uint8_t(data.size()), uint8_t(addr >> 8), uint8_t(addr), type};
    raw.insert(raw.end(), data.begin(), data.end());
    uint8_t sum = 0;
    for (uint8_t b : raw)
        sum = uint8_t(sum + b);
    raw.push_back(uint8_t(-sum));
    std::string line = ":";
    char buf[3];
    for (uint8_t b : raw) {
        std::snprintf(buf, sizeof buf, "%02X", b);
        line += buf;
    }
    return line + "\n";
}

std::string linear_base(uint16_t upper) {
    return record(0x04, 0, {uint8_t(upper >> 8), uint8_t(upper)});
}
const std::string kEof = ":00000001FF\n";

Bytes counting(size_t n, uint8_t start) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = uint8_t(start + i);
    return b;
}

Firmware parse_text(const std::string& text, const std::string& name = "fw.hex") {
    return parse_firmware(to_bytes(text), name, std::nullopt);
}

// ------------------------------------------------------------------------------------------
// ELF helpers: just enough of ELF32 to describe program headers.
// ------------------------------------------------------------------------------------------

struct __attribute__((packed)) Elf32Ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct __attribute__((packed)) Elf32Phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
static_assert(sizeof(Elf32Ehdr) == 52 && sizeof(Elf32Phdr) == 32);

constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtNote = 4;

struct Segment {
    uint32_t type;
    uint32_t vaddr;
    uint32_t paddr;
    Bytes data;
    uint32_t memsz;
};

template <class T>
void put(Bytes& out, size_t at, const T& v) {
    std::memcpy(out.data() + at, &v, sizeof v);
}

Bytes build_elf(const std::vector<Segment>& segs, uint16_t machine = 40) {
    Elf32Ehdr eh{};
    const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 1 /*32-bit*/, 1 /*LE*/, 1 /*version*/};
    std::memcpy(eh.ident, ident, sizeof ident);
    eh.type = 2;  // ET_EXEC
    eh.machine = machine;
    eh.version = 1;
    eh.phoff = sizeof(Elf32Ehdr);
    eh.ehsize = sizeof(Elf32Ehdr);
    eh.phentsize = sizeof(Elf32Phdr);
    eh.phnum = uint16_t(segs.size());
    size_t data_at = sizeof(Elf32Ehdr) + segs.size() * sizeof(Elf32Phdr);
    size_t total = data_at;
    for (const auto& s : segs)
        total += s.data.size();
    Bytes out(total, 0);
    put(out, 0, eh);
    for (size_t i = 0; i < segs.size(); ++i) {
        const Segment& s = segs[i];
        Elf32Phdr ph{
            s.type, uint32_t(data_at), s.vaddr, s.paddr, uint32_t(s.data.size()), s.memsz, 5, 4};
        put(out, sizeof(Elf32Ehdr) + i * sizeof(Elf32Phdr), ph);
        std::copy(s.data.begin(), s.data.end(), out.begin() + data_at);
        data_at += s.data.size();
    }
    return out;
}

// A typical Cortex-M link: .text in flash; .data run in RAM but stored in flash after .text
// (p_paddr = LMA); .bss with no file bytes; a note that is not loaded.
std::vector<Segment> typical_segments() {
    return {
        {kPtLoad, 0x08010200, 0x08010200, counting(0x100, 0), 0x100},
        {kPtLoad, 0x20000000, 0x08010400, counting(0x10, 0xA0), 0x10},
        {kPtLoad, 0x20000010, 0x20000010, {}, 0x400},
        {kPtNote, 0, 0, counting(8, 0x55), 8},
    };
}

struct TempFile {
    std::string path;
    explicit TempFile(const Bytes& content) {
        char tmpl[] = "/tmp/ferry-fw-XXXXXX";
        int fd = ::mkstemp(tmpl);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, content.data(), content.size()) == ssize_t(content.size()));
        ::close(fd);
        path = tmpl;
    }
    ~TempFile() { std::filesystem::remove(path); }
};

}  // namespace

// ------------------------------------------------------------------------------------------
// Raw binary
// ------------------------------------------------------------------------------------------

TEST_CASE("a raw binary takes the base address it is given", "[firmware]") {
    Bytes bin = counting(300, 7);
    Firmware fw = parse_firmware(bin, "app.bin", 0x08010200u);
    CHECK(fw.format == "bin");
    CHECK(fw.base_addr == 0x08010200u);
    CHECK(fw.data == bin);
}

TEST_CASE("a raw binary without a base address, empty or too large is refused", "[firmware]") {
    CHECK_THROWS_WITH(parse_firmware(counting(16, 0), "app.bin", std::nullopt),
                      Catch::Contains("app.bin") && Catch::Contains("base address"));
    CHECK_THROWS_AS(parse_firmware(Bytes{}, "app.bin", 0x08000000u), FirmwareError);
    CHECK_THROWS_WITH(parse_firmware(Bytes((1u << 20) + 1, 0), "big.bin", 0x08000000u),
                      Catch::Contains("1 MiB"));
    CHECK_THROWS_AS(parse_firmware(Bytes(16, 0), "top.bin", 0xFFFFFFF8u), FirmwareError);
}

// ------------------------------------------------------------------------------------------
// Intel HEX
// ------------------------------------------------------------------------------------------

TEST_CASE("Intel HEX: the classic example record", "[firmware][hex]") {
    Firmware fw = parse_text(":10010000214601360121470136007EFE09D2190140\n:00000001FF\n");
    CHECK(fw.format == "hex");
    CHECK(fw.base_addr == 0x100);
    CHECK(hex_encode(fw.data) == "214601360121470136007efe09d21901");
}

TEST_CASE("Intel HEX: extended linear addresses, gaps filled with 0xFF", "[firmware][hex]") {
    std::string text = ":020000040801F1\n";  // upper address 0x0801, written out by hand
    text += record(0x00, 0x0200, counting(16, 0x00));
    text += record(0x00, 0x0210, counting(16, 0x10));
    text += record(0x00, 0x0300, counting(4, 0x80));    // after a gap of 0xE0 bytes
    text += record(0x05, 0, {0x08, 0x01, 0x03, 0x01});  // start address: ignored
    text += kEof;
    Firmware fw = parse_text(text);
    CHECK(fw.base_addr == 0x08010200u);
    REQUIRE(fw.data.size() == 0x104);
    CHECK(Bytes(fw.data.begin(), fw.data.begin() + 32) == counting(32, 0));
    CHECK(std::all_of(fw.data.begin() + 32, fw.data.begin() + 0x100,
                      [](uint8_t b) { return b == 0xFF; }));
    CHECK(Bytes(fw.data.begin() + 0x100, fw.data.end()) == counting(4, 0x80));
}

TEST_CASE("Intel HEX: data continues across a 64 KiB linear boundary", "[firmware][hex]") {
    std::string text = linear_base(0x0801) + record(0x00, 0xFFF0, counting(16, 0)) +
                       linear_base(0x0802) + record(0x00, 0x0000, counting(16, 16)) + kEof;
    Firmware fw = parse_text(text);
    CHECK(fw.base_addr == 0x0801FFF0u);
    CHECK(fw.data == counting(32, 0));
}

TEST_CASE("Intel HEX: records may come in any order, and CRLF line ends are fine", "[firmware][hex]") {
    std::string a = record(0x00, 0x0010, counting(16, 16));
    std::string b = record(0x00, 0x0000, counting(16, 0));
    a.insert(a.size() - 1, "\r");
    b.insert(b.size() - 1, "\r");
    Firmware fw = parse_text(linear_base(0x0800) + a + b + ":00000001FF\r\n");
    CHECK(fw.base_addr == 0x08000000u);
    CHECK(fw.data == counting(32, 0));
}

TEST_CASE("Intel HEX: extended segment addresses wrap within the segment", "[firmware][hex]") {
    std::string text = ":020000021000EC\n";  // segment 0x1000 -> base 0x10000
    text += record(0x00, 0xFFF8, counting(16, 0));
    text += record(0x03, 0, {0, 0, 0, 0});
    text += kEof;
    Firmware fw = parse_text(text);
    // The second half of the record lands at the segment start, 0x10000.
    CHECK(fw.base_addr == 0x10000u);
    REQUIRE(fw.data.size() == 0x10000);
    CHECK(Bytes(fw.data.begin(), fw.data.begin() + 8) == counting(8, 8));
    CHECK(Bytes(fw.data.end() - 8, fw.data.end()) == counting(8, 0));
}

TEST_CASE("Intel HEX: a bad checksum names the file and the line", "[firmware][hex]") {
    std::string good = record(0x00, 0x0000, counting(16, 0));
    std::string bad = record(0x00, 0x0010, counting(16, 16));
    bad[bad.size() - 2] = bad[bad.size() - 2] == '0' ? '1' : '0';  // corrupt the checksum
    std::string text = linear_base(0x0800) + good + bad + kEof;
    CHECK_THROWS_WITH(parse_text(text, "app.hex"), Catch::Contains("app.hex") &&
                                                       Catch::Contains("line 3") &&
                                                       Catch::Contains("checksum"));
}

TEST_CASE("Intel HEX: malformed files are refused with the line number", "[firmware][hex]") {
    std::string data = record(0x00, 0, counting(4, 0));
    SECTION("no end-of-file record") {
        CHECK_THROWS_WITH(parse_text(data), Catch::Contains("end-of-file"));
    }
    SECTION("data after the end-of-file record") {
        CHECK_THROWS_WITH(parse_text(data + kEof + data), Catch::Contains("line 3"));
    }
    SECTION("unknown record type") {
        CHECK_THROWS_WITH(parse_text(data + record(0x06, 0, {}) + kEof),
                          Catch::Contains("line 2") && Catch::Contains("type"));
    }
    SECTION("length byte disagrees with the record") {
        std::string shortened = data;
        shortened.erase(9, 2);  // drop one data byte, keep the count
        CHECK_THROWS_WITH(parse_text(shortened + kEof), Catch::Contains("line 1"));
    }
    SECTION("non-hex character") {
        std::string bad = data;
        bad[10] = 'G';
        CHECK_THROWS_WITH(parse_text(bad + kEof), Catch::Contains("line 1"));
    }
    SECTION("odd number of digits") {
        CHECK_THROWS_AS(parse_text(":00000001F\n"), FirmwareError);
    }
    SECTION("line not starting with a colon") {
        CHECK_THROWS_WITH(parse_text(data + " " + kEof), Catch::Contains("line 2"));
    }
    SECTION("address record of the wrong size") {
        CHECK_THROWS_WITH(parse_text(record(0x04, 0, {0x08}) + data + kEof),
                          Catch::Contains("line 1"));
    }
    SECTION("overlapping data") {
        std::string overlap = record(0x00, 2, counting(4, 9));
        CHECK_THROWS_WITH(parse_text(data + overlap + kEof), Catch::Contains("overlapping"));
    }
    SECTION("more than 1 MiB between the first and last byte") {
        std::string text = linear_base(0x0800) + data + linear_base(0x0810) +
                           record(0x00, 0, counting(1, 0)) + kEof;
        CHECK_THROWS_WITH(parse_text(text), Catch::Contains("1 MiB"));
    }
    SECTION("no data at all") {
        CHECK_THROWS_WITH(parse_text(kEof), Catch::Contains("no data"));
    }
}

// ------------------------------------------------------------------------------------------
// ELF
// ------------------------------------------------------------------------------------------

TEST_CASE("ELF: loadable segments at their load addresses, gaps 0xFF", "[firmware][elf]") {
    Firmware fw = parse_firmware(build_elf(typical_segments()), "app.elf", 0x1234u);
    CHECK(fw.format == "elf");
    CHECK(fw.base_addr == 0x08010200u);  // bin_base is ignored for ELF
    REQUIRE(fw.data.size() == 0x210);
    CHECK(Bytes(fw.data.begin(), fw.data.begin() + 0x100) == counting(0x100, 0));
    CHECK(std::all_of(fw.data.begin() + 0x100, fw.data.begin() + 0x200,
                      [](uint8_t b) { return b == 0xFF; }));
    // .data's initializers, stored in flash at its LMA.
    CHECK(Bytes(fw.data.begin() + 0x200, fw.data.end()) == counting(0x10, 0xA0));
}

TEST_CASE("ELF: segment order in the file does not matter", "[firmware][elf]") {
    auto segs = typical_segments();
    std::swap(segs[0], segs[1]);
    Firmware fw = parse_firmware(build_elf(segs), "app.elf", std::nullopt);
    CHECK(fw.base_addr == 0x08010200u);
    CHECK(fw.data.size() == 0x210);
}

TEST_CASE("ELF: files that are not 32-bit little-endian ARM are refused", "[firmware][elf]") {
    Bytes x86 = build_elf(typical_segments(), 3);
    CHECK_THROWS_WITH(parse_firmware(x86, "pc.elf", std::nullopt),
                      Catch::Contains("pc.elf") && Catch::Contains("ARM"));
    Bytes elf64 = build_elf(typical_segments());
    elf64[4] = 2;
    CHECK_THROWS_AS(parse_firmware(elf64, "a.elf", std::nullopt), FirmwareError);
    Bytes big_endian = build_elf(typical_segments());
    big_endian[5] = 2;
    CHECK_THROWS_AS(parse_firmware(big_endian, "a.elf", std::nullopt), FirmwareError);
}

TEST_CASE("ELF: offsets beyond the file are refused, never read", "[firmware][elf]") {
    Bytes elf = build_elf(typical_segments());
    SECTION("file shorter than the ELF header") {
        Bytes head(elf.begin(), elf.begin() + 40);
        CHECK_THROWS_AS(parse_firmware(head, "a.elf", std::nullopt), FirmwareError);
    }
    SECTION("program header table past the end") {
        uint32_t phoff = uint32_t(elf.size()) - 16;
        std::memcpy(elf.data() + 28, &phoff, 4);
        CHECK_THROWS_WITH(parse_firmware(elf, "a.elf", std::nullopt),
                          Catch::Contains("program header"));
    }
    SECTION("program header offset near 4 GiB") {
        uint32_t phoff = 0xFFFFFFF0u;
        std::memcpy(elf.data() + 28, &phoff, 4);
        CHECK_THROWS_AS(parse_firmware(elf, "a.elf", std::nullopt), FirmwareError);
    }
    SECTION("segment data past the end") {
        uint32_t offset = uint32_t(elf.size()) - 8;  // .text is 0x100 bytes
        std::memcpy(elf.data() + 52 + 4, &offset, 4);
        CHECK_THROWS_WITH(parse_firmware(elf, "a.elf", std::nullopt),
                          Catch::Contains("past the end"));
    }
    SECTION("segment size near 4 GiB") {
        uint32_t filesz = 0xFFFFFFFFu;
        std::memcpy(elf.data() + 52 + 16, &filesz, 4);
        CHECK_THROWS_AS(parse_firmware(elf, "a.elf", std::nullopt), FirmwareError);
    }
    SECTION("truncated anywhere") {
        // Without the note, whose bytes are never read, every cut removes something needed.
        auto segs = typical_segments();
        segs.pop_back();
        Bytes loadable = build_elf(segs);
        for (size_t len = 0; len < loadable.size(); ++len) {
            Bytes cut(loadable.begin(), loadable.begin() + len);
            if (len < 4)
                continue;  // not recognisably ELF: would be a raw binary
            CHECK_THROWS_AS(parse_firmware(cut, "a.elf", std::nullopt), FirmwareError);
        }
    }
}

TEST_CASE("ELF: no loadable data, or overlapping segments, are refused", "[firmware][elf]") {
    std::vector<Segment> only_bss{{kPtLoad, 0x20000000, 0x20000000, {}, 0x100},
                                  {kPtNote, 0, 0, counting(4, 0), 4}};
    CHECK_THROWS_WITH(parse_firmware(build_elf(only_bss), "a.elf", std::nullopt),
                      Catch::Contains("loadable"));
    CHECK_THROWS_AS(parse_firmware(build_elf({}), "a.elf", std::nullopt), FirmwareError);
    auto overlap = typical_segments();
    overlap[1].paddr = 0x080102F8;  // .data's LMA inside .text
    CHECK_THROWS_WITH(parse_firmware(build_elf(overlap), "a.elf", std::nullopt),
                      Catch::Contains("overlapping"));
    auto stray = typical_segments();
    stray[2].data = counting(4, 0);  // a RAM segment with file bytes: 384 MiB away from flash
    CHECK_THROWS_WITH(parse_firmware(build_elf(stray), "a.elf", std::nullopt),
                      Catch::Contains("1 MiB"));
}

// ------------------------------------------------------------------------------------------
// Files
// ------------------------------------------------------------------------------------------

TEST_CASE("load_firmware reads a file and names it in errors", "[firmware]") {
    TempFile elf(build_elf(typical_segments()));
    Firmware fw = load_firmware(elf.path, std::nullopt);
    CHECK(fw.format == "elf");
    CHECK(fw.base_addr == 0x08010200u);

    TempFile bin(counting(64, 0));
    CHECK_THROWS_WITH(load_firmware(bin.path, std::nullopt), Catch::Contains(bin.path));
    CHECK(load_firmware(bin.path, 0x08040200u).data == counting(64, 0));

    CHECK_THROWS_AS(load_firmware("/nonexistent/ferry/app.elf", std::nullopt), FirmwareError);
}
