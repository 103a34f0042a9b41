#include "spec_template.hpp"

#include <cctype>
#include <charconv>
#include <limits>
#include <stdexcept>

namespace legion::adapters {
namespace {

bool add(std::int64_t a, std::int64_t b, std::int64_t* out) {
  return __builtin_add_overflow(a, b, out);
}
bool subtract(std::int64_t a, std::int64_t b, std::int64_t* out) {
  return __builtin_sub_overflow(a, b, out);
}
bool multiply(std::int64_t a, std::int64_t b, std::int64_t* out) {
  return __builtin_mul_overflow(a, b, out);
}

// Recursive descent; the grammar is small enough that a table would hide more than it saves.
class Parser {
 public:
  Parser(const std::string& text, const Variables& variables) : s_(text), vars_(variables) {}

  std::int64_t parse() {
    const std::int64_t value = sum();
    skip();
    if (i_ != s_.size()) fail("unexpected '" + std::string(1, s_[i_]) + "'");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("expression '" + s_ + "': " + why);
  }
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool eat(char c) {
    skip();
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  // Every operation is checked: an overflow would turn a spec's parameter into a silently
  // wrong figure (and a wrong expected answer).
  // `op` is one of the __builtin_*_overflow functions.
  template <class Op>
  std::int64_t checked(Op op, std::int64_t lhs, std::int64_t rhs) const {
    std::int64_t result = 0;
    if (op(lhs, rhs, &result)) fail("overflows a 64-bit integer");
    return result;
  }
  std::int64_t sum() {
    std::int64_t value = product();
    for (;;) {
      if (eat('+')) {
        value = checked(add, value, product());
      } else if (eat('-')) {
        value = checked(subtract, value, product());
      } else {
        return value;
      }
    }
  }
  std::int64_t product() {
    std::int64_t value = unary();
    for (;;) {
      const bool mul = eat('*');
      const bool div = !mul && eat('/');
      const bool mod = !mul && !div && eat('%');
      if (!mul && !div && !mod) return value;
      const std::int64_t rhs = unary();
      if ((div || mod) && rhs == 0) fail("division by zero");
      if (mul) {
        value = checked(multiply, value, rhs);
      } else {
        // INT64_MIN / -1 (and % -1) overflow too.
        if (value == std::numeric_limits<std::int64_t>::min() && rhs == -1) {
          fail("overflows a 64-bit integer");
        }
        value = div ? value / rhs : value % rhs;
      }
    }
  }
  std::int64_t unary() {
    if (eat('-')) return checked(subtract, 0, unary());
    if (eat('(')) {
      const std::int64_t value = sum();
      if (!eat(')')) fail("missing ')'");
      return value;
    }
    skip();
    const std::size_t start = i_;
    if (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      std::int64_t value = 0;
      const auto [end, error] = std::from_chars(s_.data() + start, s_.data() + i_, value);
      if (error != std::errc())
        fail("number " + s_.substr(start, i_ - start) + " overflows a 64-bit integer");
      return value;
    }
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
      ++i_;
    }
    if (start == i_)
      fail(i_ < s_.size() ? "unexpected '" + std::string(1, s_[i_]) + "'" : "ends early");
    const std::string name = s_.substr(start, i_ - start);
    const auto found = vars_.find(name);
    if (found == vars_.end()) fail("unknown variable '" + name + "'");
    std::size_t used = 0;
    std::int64_t value = 0;
    try {
      value = std::stoll(found->second, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != found->second.size()) fail("variable '" + name + "' is not a number");
    return value;
  }

  const std::string& s_;
  const Variables& vars_;
  std::size_t i_ = 0;
};

}  // namespace

std::int64_t evaluate(const std::string& expression, const Variables& variables) {
  return Parser(expression, variables).parse();
}

std::string expand(const std::string& text, const Variables& variables) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find("${", i);
    if (open == std::string::npos) break;
    const std::size_t close = text.find('}', open + 2);
    if (close == std::string::npos) throw std::invalid_argument("'${' without a closing '}'");
    out.append(text, i, open - i);
    const std::string inner = text.substr(open + 2, close - open - 2);
    const auto found = variables.find(inner);
    out += found != variables.end() ? found->second : std::to_string(evaluate(inner, variables));
    i = close + 1;
  }
  out.append(text, i);
  return out;
}

}  // namespace legion::adapters
