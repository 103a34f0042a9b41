#pragma once

// Plain-text tables and number formatting for the human output of legion-stats and
// legion-compare (shared so both print numbers the same way).

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "stats/interval.hpp"

namespace stats::text {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  // Columns padded to their widest cell; the first column left-aligned, the others right.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Significant digits suited to benchmark values: 1234567 -> "1234567", 12.3456 -> "12.35",
// 0.000123456 -> "0.0001235"; NaN -> "n/a".
std::string number(double v);
// p-values: "0.0123", "<1e-16" below double resolution; NaN -> "n/a".
std::string p_value(double p);
std::string interval(const std::optional<stats::Interval>& ci);

}  // namespace stats::text
