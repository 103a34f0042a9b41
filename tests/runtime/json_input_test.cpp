// Parsing input that a person or another program wrote: the nesting limit (a value nested
// ~90k levels deep would overflow the stack in whatever copies, dumps or hashes it next),
// one-line syntax errors, whole files, and the UTF-8 check at the door.
#include "legion/json_input.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "legion/error.hpp"
#include "legion/utf8.hpp"

namespace legion {
namespace {

std::string nested_arrays(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

TEST(JsonInput, TheLimitIsAcceptedAndOneLevelMoreIsNot) {
  const ParsedJson at_limit = parse_json(nested_arrays(kMaxJsonDepth));
  EXPECT_TRUE(at_limit.ok()) << at_limit.error;
  const ParsedJson deeper = parse_json(nested_arrays(kMaxJsonDepth + 1));
  EXPECT_FALSE(deeper.ok());
  EXPECT_TRUE(deeper.too_deep);
  EXPECT_EQ(deeper.error, "nested deeper than 512 levels");
}

TEST(JsonInput, NinetyThousandLevelsAreAnErrorNotACrash) {
  const ParsedJson parsed = parse_json(nested_arrays(90'000));
  EXPECT_TRUE(parsed.too_deep);
  EXPECT_EQ(json_too_deep_at(nested_arrays(90'000)), kMaxJsonDepth);
}

TEST(JsonInput, BracketsInsideStringsDoNotCount) {
  const std::string text = R"({"a": "[[[[{{{{ \" [[[[", "b": [1, {"c": "]]]]"}]})";
  EXPECT_EQ(json_too_deep_at(text, 3), std::string_view::npos);
  EXPECT_EQ(json_too_deep_at(text, 2), text.find("{\"c\""));
  EXPECT_TRUE(parse_json(text, 3).ok());
}

TEST(JsonInput, SyntaxErrorIsOneLineWithoutTheExceptionTag) {
  const ParsedJson parsed = parse_json("{\"a\": tru}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_FALSE(parsed.too_deep);
  EXPECT_EQ(parsed.error.rfind("not valid JSON: parse error at line 1", 0), 0u) << parsed.error;
  EXPECT_EQ(parsed.error.find('\n'), std::string::npos);
  EXPECT_EQ(parsed.error.find("json.exception"), std::string::npos);
}

// nlohmann throws out_of_range.406, not parse_error, for a number beyond double's range.
TEST(JsonInput, NumberOutOfRangeIsAnErrorNotAnException) {
  ParsedJson parsed;
  ASSERT_NO_THROW(parsed = parse_json(R"({"a": 1e999})"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_FALSE(parsed.too_deep);
  EXPECT_EQ(parsed.error.rfind("not valid JSON: number overflow", 0), 0u) << parsed.error;
  EXPECT_EQ(parsed.error.find("json.exception"), std::string::npos);
}

TEST(JsonInput, ReadTextFileNamesWhatIsWrong) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  try {
    read_text_file(dir);
    FAIL() << "read a directory";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), dir + ": is a directory");
  }
  try {
    read_text_file("/nonexistent/legion-spec.json");
    FAIL() << "read a missing file";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "/nonexistent/legion-spec.json: cannot open (No such file or directory)");
  }
}

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("task-1"));
  EXPECT_TRUE(valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_TRUE(valid_utf8("\xEF\xBF\xBD\xF4\x8F\xBF\xBF"));               // U+FFFD, U+10FFFF
}

TEST(Utf8, RejectsWhatJsonCannotCarry) {
  EXPECT_FALSE(valid_utf8("\xFF"));              // never a UTF-8 byte
  EXPECT_FALSE(valid_utf8("task-\xC3"));         // truncated sequence
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate, U+D800
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xE2\x82"));          // cut short
  EXPECT_FALSE(valid_utf8("\xE2\x28\xA1"));      // bad continuation byte
}

}  // namespace
}  // namespace legion
