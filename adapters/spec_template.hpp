#pragma once
// The ${...} templates of scenario specs. A variable is text; ${name} inserts it as is, and
// anything else inside ${...} is an integer expression over the variables (+ - * / %,
// unary minus, parentheses). Errors throw std::invalid_argument with a one-line reason.
#include <cstdint>
#include <map>
#include <string>

namespace legion::adapters {

using Variables = std::map<std::string, std::string>;

std::int64_t evaluate(const std::string& expression, const Variables& variables);
std::string expand(const std::string& text, const Variables& variables);

}  // namespace legion::adapters
