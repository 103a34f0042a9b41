#include "script.hpp"

#include <re2/re2.h>

#include <charconv>
#include <optional>

#include "legion/error.hpp"
#include "legion/json_input.hpp"

namespace legion::detail {
namespace {

constexpr std::string_view kOpen = "[[script]]";
constexpr std::string_view kClose = "[[/script]]";
constexpr std::string_view kSpace = " \t\r\n\f\v";

// Splits "op rest" at the first run of whitespace.
std::pair<std::string_view, std::string_view> split_word(std::string_view text) {
  const std::size_t space = text.find_first_of(kSpace);
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), trim(text.substr(space))};
}

[[noreturn]] void fail(int line, const std::string& problem) {
  throw ScriptError("script line " + std::to_string(line) + ": " + problem);
}

// `code` sources are one line in the script, so \n stands for a newline and \\ for a
// backslash; every other backslash stays as written.
std::string decode_source(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == '\\')) {
      out += text[i + 1] == 'n' ? '\n' : '\\';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

TemplatePiece literal_piece(std::string text) {
  TemplatePiece piece;
  piece.text = std::move(text);
  return piece;
}

// Latin-1 so a pattern or a text that is not UTF-8 is read byte by byte, as std::regex did
// before (`.` matches one byte); errors go to the ScriptError, not to RE2's log on stderr.
std::shared_ptr<const re2::RE2> compile_find(std::string_view pattern) {
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  return std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                          options);
}

TemplatePiece make_template(std::string_view name, std::string_view written, int line) {
  TemplatePiece piece;
  piece.text = std::string(written);
  using Kind = TemplatePiece::Kind;
  if (name == "result") {
    piece.kind = Kind::kResult;
  } else if (name == "results") {
    piece.kind = Kind::kResults;
  } else if (name == "last") {
    piece.kind = Kind::kLast;
  } else if (name == "step") {
    piece.kind = Kind::kStep;
  } else if (name.starts_with("result:")) {
    const std::string_view digits = name.substr(7);
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), piece.index);
    if (error != std::errc() || end != digits.data() + digits.size() || piece.index == 0) {
      fail(line, "template '" + piece.text + "': K must be a positive integer");
    }
    piece.kind = Kind::kResultAt;
  } else if (name.starts_with("find:") && name.size() > 5) {
    piece.kind = Kind::kFind;
    piece.regex = compile_find(name.substr(5));
    if (!piece.regex->ok()) {
      fail(line, "template '" + piece.text + "': bad regex: " + piece.regex->error());
    }
  } else {
    fail(line, "unknown template '" + piece.text + "'");
  }
  return piece;
}

// Splits a text into literals and {{...}} templates. A template closes at the last "}}" of
// a run of closing braces, so a regex may end in a quantifier: {{find:x{2}}} is "x{2}".
// An unclosed "{{" is literal text. Literals go through `decode` (code sources only).
TemplateText parse_text(std::string_view text, int line, bool decode) {
  TemplateText out;
  auto literal = [&](std::string_view piece) {
    return decode ? decode_source(piece) : std::string(piece);
  };
  std::size_t done = 0;
  std::size_t open = text.find("{{");
  while (open != std::string_view::npos) {
    std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    while (close + 2 < text.size() && text[close + 2] == '}') ++close;
    if (open > done) out.pieces.push_back(literal_piece(literal(text.substr(done, open - done))));
    out.pieces.push_back(make_template(text.substr(open + 2, close - open - 2),
                                       text.substr(open, close + 2 - open), line));
    done = close + 2;
    open = text.find("{{", done);
  }
  if (out.pieces.empty()) {
    out.literal = literal(text);
  } else if (done < text.size()) {
    out.pieces.push_back(literal_piece(literal(text.substr(done))));
  }
  return out;
}

// Wraps a text in fixed literals (the "VOTE: " prefix, the code fence) once, at parse time.
TemplateText wrap(std::string prefix, TemplateText text, std::string suffix) {
  if (!text.has_templates()) {
    text.literal = prefix + text.literal + suffix;
    return text;
  }
  if (!prefix.empty()) text.pieces.insert(text.pieces.begin(), literal_piece(std::move(prefix)));
  if (!suffix.empty()) text.pieces.push_back(literal_piece(std::move(suffix)));
  return text;
}

// Every string of `root` holding a template, with its JSON pointer. Iterative, and a pointer
// is built only for a string that has a template: building one per level on the way down
// cost time quadratic in the depth.
void find_templates(const Json& root, int line,
                    std::vector<std::pair<Json::json_pointer, TemplateText>>& out) {
  struct Frame {
    const Json* container;
    Json::const_iterator next;
    std::size_t index = 0;
  };
  std::vector<Frame> stack;
  std::vector<std::string> path;  // the tokens down to the value being visited
  // A string is checked at once; a container becomes a frame, its token kept until it is done.
  const auto visit = [&](const Json& value) {
    if (value.is_object() || value.is_array()) {
      stack.push_back({&value, value.begin()});
      return true;
    }
    if (value.is_string()) {
      const std::string& text = value.get_ref<const std::string&>();
      if (text.find("{{") != std::string::npos) {
        TemplateText parsed = parse_text(text, line, false);
        if (parsed.has_templates()) {
          Json::json_pointer where;
          for (const std::string& token : path) where /= token;
          out.emplace_back(std::move(where), std::move(parsed));
        }
      }
    }
    return false;
  };
  visit(root);
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next == frame.container->end()) {
      stack.pop_back();
      if (!stack.empty()) path.pop_back();  // the finished container's own token
      continue;
    }
    const auto it = frame.next++;
    path.push_back(frame.container->is_object() ? it.key() : std::to_string(frame.index));
    ++frame.index;
    if (!visit(*it)) path.pop_back();
  }
}

// The end of the JSON object opening at text[0] (one past its '}'), matching braces outside
// strings; npos when it never closes.
std::size_t object_end(std::string_view text) {
  int depth = 0;
  const std::size_t close = scan_json_brackets(text, [&](std::size_t, char c) {
    if (c == '{') ++depth;
    return c != '}' || --depth != 0;
  });
  return close == std::string_view::npos ? close : close + 1;
}

// "TOOL {JSON} && call TOOL {JSON} ...". Arguments may be left out for a tool without any.
std::vector<ScriptCall> parse_calls(std::string_view rest, int line) {
  std::vector<ScriptCall> calls;
  while (true) {
    const std::size_t name_end = std::min(rest.find_first_of(kSpace), rest.find('{'));
    ScriptCall call;
    call.tool = std::string(rest.substr(0, name_end));
    if (call.tool.empty() || call.tool == "&&") fail(line, "call needs a tool name");
    rest = name_end == std::string_view::npos ? std::string_view() : trim(rest.substr(name_end));
    const std::string where = "call " + call.tool;
    if (rest.empty() || rest.starts_with("&&")) {
      call.arguments = Json::object();
    } else {
      const std::size_t end = rest.front() == '{' ? object_end(rest) : std::string_view::npos;
      if (end == std::string_view::npos) fail(line, where + ": arguments are not a JSON object");
      ParsedJson parsed = parse_json(rest.substr(0, end));
      if (parsed.too_deep) fail(line, where + ": arguments " + parsed.error);
      if (!parsed.ok() || !parsed.value.is_object()) {
        fail(line, where + ": arguments are not a JSON object");
      }
      call.arguments = std::move(parsed.value);
      rest = trim(rest.substr(end));
    }
    find_templates(call.arguments, line, call.templated);
    calls.push_back(std::move(call));
    if (rest.empty()) return calls;
    if (!rest.starts_with("&&")) {
      fail(line, where + ": unexpected text after the arguments: '" + std::string(rest) + "'");
    }
    const auto [next, tail] = split_word(trim(rest.substr(2)));
    if (next != "call") fail(line, where + ": '&&' must be followed by another call");
    rest = tail;
  }
}

ScriptStep parse_line(std::string_view text, int line) {
  // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
  const std::pair<std::string_view, std::string_view> words = split_word(text);
  const std::string_view op = words.first;
  const std::string_view rest = words.second;
  ScriptStep step;
  step.line = line;
  auto need = [&](bool ok, const char* usage) {
    if (!ok) fail(line, std::string(op) + " needs " + usage);
  };
  if (op == "call") {
    step.operation = Operation::kCall;
    step.calls = parse_calls(rest, line);
  } else if (op == "delegate") {
    step.operation = Operation::kDelegate;
    const auto [worker, task] = split_word(rest);
    need(!worker.empty() && !task.empty(), "a worker and a task: delegate WORKER TEXT");
    step.worker = std::string(worker);
    step.text = parse_text(task, line, false);
  } else if (op == "say" || op == "answer") {
    step.operation = op == "say" ? Operation::kSay : Operation::kAnswer;
    step.text = parse_text(rest, line, false);
  } else if (op == "vote") {
    step.operation = Operation::kVote;
    need(!rest.empty(), "an option: vote OPTION");
    step.text = wrap("VOTE: ", parse_text(rest, line, false), "");
  } else if (op == "select") {
    step.operation = Operation::kSelect;
    need(!rest.empty(), "a name: select NAME");
    step.text = parse_text(rest, line, false);
  } else if (op == "code") {
    step.operation = Operation::kCode;
    const auto [language, source] = split_word(rest);
    need(!language.empty() && !source.empty(), "a language and a source: code LANG SOURCE");
    step.text = wrap("```" + std::string(language) + "\n", parse_text(source, line, true), "\n```");
  } else {
    fail(line, "unknown operation '" + std::string(op) + "'");
  }
  return step;
}

}  // namespace

std::string_view trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

Script parse_script(std::string_view body) {
  // The newline right after [[script]] belongs to the marker, so line 1 is the first line
  // below it.
  if (body.starts_with("\r\n")) {
    body.remove_prefix(2);
  } else if (body.starts_with('\n')) {
    body.remove_prefix(1);
  }
  Script script;
  int line = 0;
  std::size_t begin = 0;
  while (begin <= body.size()) {
    const std::size_t end = std::min(body.find('\n', begin), body.size());
    ++line;
    const std::string_view text = trim(body.substr(begin, end - begin));
    if (!text.empty() && text.front() != '#') script.steps.push_back(parse_line(text, line));
    begin = end + 1;
  }
  if (script.steps.empty())
    fail(1, "empty script (no operation between [[script]] and [[/script]])");
  return script;
}

ScriptLocation locate_script(const std::vector<ChatMessage>& messages) {
  for (std::size_t i = messages.size(); i-- > 0;) {
    const ChatMessage& message = messages[i];
    if (message.role != Role::kSystem && message.role != Role::kUser) continue;
    const std::string_view content(message.content);
    // Forward search is memchr-fast where rfind compares at every position; a message
    // rarely holds more than one block.
    std::size_t open = content.find(kOpen);
    if (open == std::string_view::npos) continue;
    for (std::size_t next = content.find(kOpen, open + 1); next != std::string_view::npos;
         next = content.find(kOpen, next + 1)) {
      open = next;
    }
    const std::size_t body = open + kOpen.size();
    const std::size_t close = content.find(kClose, body);
    if (close == std::string_view::npos) {
      fail(1, "unterminated [[script]] block (no [[/script]] follows it)");
    }
    return {i, open, close + kClose.size(), content.substr(body, close - body)};
  }
  throw ScriptError("no [[script]] block in the conversation");
}

// Matches are taken left to right without overlap, as std::regex_iterator did, except that
// after an empty match the search moves on one byte (std::regex first tried a non-empty
// match at the same place). Each search sees the whole text, so ^ and \b judge a position by
// what precedes it, also at the window's first byte.
//
// One RE2 search is linear in the text after its start, but it may read on to the end: in
// `a.*b|a` over "aaa..." every `a` matches, yet the first alternative stays possible until
// the last byte. Taken one after another, such matches cost the square of the text's
// length; starting kFindWindowBytes before the end bounds that to the window's square.
bool find_last_match(const re2::RE2& regex, std::string_view text, std::string& out) {
  const re2::StringPiece whole(text.data(), text.size());
  re2::StringPiece match[2];
  const int wanted = regex.NumberOfCapturingGroups() > 0 ? 2 : 1;
  std::optional<re2::StringPiece> last;  // copied out once, after the last match
  std::size_t at = text.size() > kFindWindowBytes ? text.size() - kFindWindowBytes : 0;
  while (at <= text.size()) {
    if (!regex.Match(whole, at, text.size(), re2::RE2::UNANCHORED, match, wanted)) break;
    last = match[wanted - 1];
    const auto begin = static_cast<std::size_t>(match[0].data() - text.data());
    const std::size_t end = begin + match[0].size();
    at = end > begin ? end : end + 1;
  }
  if (!last) return false;
  out.assign(last->data() == nullptr ? "" : last->data(), last->size());
  return true;
}

}  // namespace legion::detail
