#pragma once
// The parsed form of a simulated-model script (grammar: docs/simulated-model.md). Parsing
// happens once per distinct script text; the simulated model caches the result, so
// everything a reply needs (templates split, regexes compiled, JSON parsed) is done here.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "legion/message.hpp"

namespace re2 {
class RE2;
}

namespace legion::detail {

struct TemplatePiece {
  enum class Kind { kLiteral, kResult, kResultAt, kResults, kLast, kStep, kFind };
  Kind kind = Kind::kLiteral;
  std::string text;       // the literal, or the template as written
  std::size_t index = 0;  // K of {{result:K}}, 1-based
  // {{find:REGEX}}: RE2, so one match takes time linear in the text whatever the regex (a
  // backtracking matcher ran for minutes on a fuzzed script); bytes are Latin-1, as std::regex
  // read them. Searched by find_last_match.
  std::shared_ptr<const re2::RE2> regex;
};

// A text split into literals and templates. Without templates `pieces` is empty and
// `literal` holds the whole text, so the common case is a plain copy.
struct TemplateText {
  std::string literal;
  std::vector<TemplatePiece> pieces;
  bool has_templates() const { return !pieces.empty(); }
};

struct ScriptCall {
  std::string tool;
  Json arguments;  // always an object
  // The string values of `arguments` holding templates, found once at parse time.
  std::vector<std::pair<Json::json_pointer, TemplateText>> templated;
};

enum class Operation { kCall, kDelegate, kSay, kAnswer, kVote, kSelect, kCode };

struct ScriptStep {
  Operation operation = Operation::kSay;
  int line = 0;                   // 1-based line in the script body, for error messages
  std::vector<ScriptCall> calls;  // kCall
  std::string worker;             // kDelegate
  // The reply text: TEXT, "VOTE: OPTION", NAME or the whole fenced code block; for kDelegate
  // the task.
  TemplateText text;
};

struct Script {
  std::vector<ScriptStep> steps;
};

// Parses the text between [[script]] and [[/script]]. Throws ScriptError naming the line and
// the problem, e.g. "script line 2: unknown operation 'cal'".
Script parse_script(std::string_view body);

// Where the governing script sits: the last [[script]] block of the newest system or user
// message that has one.
struct ScriptLocation {
  std::size_t message = 0;      // index into the conversation
  std::size_t block_begin = 0;  // offset of "[[script]]" in that message's content
  std::size_t block_end = 0;    // offset just past "[[/script]]"
  std::string_view body;        // the script text between the markers
};

// Whitespace-trimmed view.
std::string_view trim(std::string_view text);

// Throws ScriptError when no message holds a block or the last block is not closed.
ScriptLocation locate_script(const std::vector<ChatMessage>& messages);

// How far from the end of a text {{find:}} starts its search (docs/simulated-model.md).
inline constexpr std::size_t kFindWindowBytes = 16 * 1024;

// {{find:}}'s search of one text: the last of the regex's matches taken left to right
// without overlap from kFindWindowBytes before the end (from the start of a shorter text);
// its first capture group, or the whole match for a regex without groups, goes to `out`.
// False when nothing matches there. At most about kFindWindowBytes^2 steps, whatever the
// regex and the text's length.
bool find_last_match(const re2::RE2& regex, std::string_view text, std::string& out);

}  // namespace legion::detail
