#include <catch2/catch.hpp>
#include <string>

#include "at_parser.h"

using namespace telit_sim;
using Kind = AtArg::Kind;

TEST_CASE("bare AT and basic commands", "[parser]") {
    auto l = parse_at_line("AT");
    REQUIRE(l.ok());
    REQUIRE(l.commands.size() == 1);
    CHECK(l.commands[0].name.empty());

    l = parse_at_line("ATE0");
    REQUIRE(l.ok());
    REQUIRE(l.commands.size() == 1);
    CHECK(l.commands[0].name == "E");
    CHECK(l.commands[0].type == AtCommand::Type::set);
    CHECK(l.commands[0].args[0].number == 0);

    l = parse_at_line("ate1v1");  // case-insensitive, chained basic commands
    REQUIRE(l.ok());
    REQUIRE(l.commands.size() == 2);
    CHECK(l.commands[0].name == "E");
    CHECK(l.commands[1].name == "V");

    l = parse_at_line("AT&K3");
    REQUIRE(l.ok());
    CHECK(l.commands[0].name == "&K");
    CHECK(l.commands[0].args[0].number == 3);

    l = parse_at_line("ATS3?");
    REQUIRE(l.ok());
    CHECK(l.commands[0].name == "S3");
    CHECK(l.commands[0].type == AtCommand::Type::read);

    l = parse_at_line("ATS0=1");
    REQUIRE(l.ok());
    CHECK(l.commands[0].name == "S0");
    CHECK(l.commands[0].args[0].number == 1);
}

TEST_CASE("extended commands: set, read, test, action", "[parser]") {
    auto l = parse_at_line("AT+CEREG?");
    REQUIRE(l.ok());
    CHECK(l.commands[0].name == "+CEREG");
    CHECK(l.commands[0].type == AtCommand::Type::read);

    l = parse_at_line("AT+CEREG=?");
    REQUIRE(l.ok());
    CHECK(l.commands[0].type == AtCommand::Type::test);

    l = parse_at_line("at#cgsn");
    REQUIRE(l.ok());
    CHECK(l.commands[0].name == "#CGSN");
    CHECK(l.commands[0].type == AtCommand::Type::action);

    l = parse_at_line("AT+CMEE = 1");
    REQUIRE(l.ok());
    CHECK(l.commands[0].number(0, 0, 2) == 1u);
}

TEST_CASE("quoted strings keep commas, semicolons and spaces", "[parser]") {
    auto l = parse_at_line("AT#HTTPQRY=0,0,\"/p?d=a,b;c&n=7 x\",\"Range: bytes=0-1499\"");
    REQUIRE(l.ok());
    REQUIRE(l.commands.size() == 1);
    const AtCommand& c = l.commands[0];
    REQUIRE(c.args.size() == 4);
    CHECK(c.args[0].kind == Kind::number);
    CHECK(c.args[1].number == 0);
    CHECK(c.args[2].kind == Kind::string);
    CHECK(c.args[2].text == "/p?d=a,b;c&n=7 x");
    CHECK(c.args[3].text == "Range: bytes=0-1499");
    CHECK(c.string(2) == std::optional<std::string>("/p?d=a,b;c&n=7 x"));
    CHECK_FALSE(c.string(0).has_value());
}

TEST_CASE("several extended commands on one line", "[parser]") {
    auto l = parse_at_line("AT#HTTPCFG=0,\"a;b\",80;+CMEE=1;#SGACT?");
    REQUIRE(l.ok());
    REQUIRE(l.commands.size() == 3);
    CHECK(l.commands[0].args[1].text == "a;b");
    CHECK(l.commands[1].name == "+CMEE");
    CHECK(l.commands[2].name == "#SGACT");
    CHECK(l.commands[2].type == AtCommand::Type::read);
}

TEST_CASE("missing and empty arguments", "[parser]") {
    auto l = parse_at_line("AT#SD=1,0,80,\"host\",,,1");
    REQUIRE(l.ok());
    const AtCommand& c = l.commands[0];
    REQUIRE(c.args.size() == 7);
    CHECK(c.args[4].is_empty());
    CHECK(c.args[5].is_empty());
    CHECK(c.args[6].number == 1);
    CHECK_FALSE(c.number(4, 0, 255).has_value());
    CHECK(c.arg(7) == nullptr);

    l = parse_at_line("AT#SCFG=1,");
    REQUIRE(l.ok());
    REQUIRE(l.commands[0].args.size() == 2);
    CHECK(l.commands[0].args[1].is_empty());

    l = parse_at_line("AT#HTTPCFG=0,\"\"");  // an empty string is not a missing argument
    REQUIRE(l.ok());
    CHECK(l.commands[0].args[1].kind == Kind::string);
    CHECK(l.commands[0].args[1].text.empty());

    l = parse_at_line("AT+CGDCONT=1,IP,internet");  // unquoted words are tokens
    REQUIRE(l.ok());
    CHECK(l.commands[0].args[1].kind == Kind::token);
    CHECK_FALSE(l.commands[0].string(1).has_value());
}

TEST_CASE("numbers: ranges and overflow", "[parser]") {
    auto l = parse_at_line("AT#HTTPRCV=0,1500");
    REQUIRE(l.ok());
    CHECK(l.commands[0].number(1, 64, 1500) == 1500u);
    CHECK_FALSE(l.commands[0].number(1, 64, 1499).has_value());

    l = parse_at_line("AT#X=123456789012345678901234");  // too big for a number: a token
    REQUIRE(l.ok());
    CHECK(l.commands[0].args[0].kind == Kind::token);
}

TEST_CASE("malformed lines", "[parser]") {
    CHECK(parse_at_line("AT#HTTPQRY=0,0,\"/p").error == AtParseError::unterminated);
    CHECK(parse_at_line("AT#HTTPQRY=0,0,\"/p\"x").error == AtParseError::bad_argument);
    CHECK(parse_at_line("AT#HTTPQRY=0,0,/p\"x\"").error == AtParseError::bad_argument);
    CHECK(parse_at_line("XT+CSQ").error == AtParseError::not_at);
    CHECK(parse_at_line("A").error == AtParseError::not_at);
    CHECK(parse_at_line("AT+").error == AtParseError::bad_command);
    CHECK(parse_at_line("AT+CSQ?x").error == AtParseError::bad_command);
    CHECK(parse_at_line("AT;").error == AtParseError::bad_command);
    CHECK(parse_at_line("AT&").error == AtParseError::bad_command);
}

TEST_CASE("command lines are limited to 400 characters", "[parser]") {
    std::string line = "AT#HTTPQRY=0,0,\"/";
    line += std::string(kMaxCommandLine - line.size() - 1, 'a');
    line += "\"";
    REQUIRE(line.size() == kMaxCommandLine);
    CHECK(parse_at_line(line).ok());
    line.insert(17, "b");
    REQUIRE(line.size() == kMaxCommandLine + 1);
    CHECK(parse_at_line(line).error == AtParseError::too_long);
}
