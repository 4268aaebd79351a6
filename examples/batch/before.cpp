// Scenario 3 of the seeds: batch data processing.
//
// Each record is parsed and summarised independently (sorting its values and
// hashing its fields), one after another on one core. concur reports the
// loop in summarise_all as `concur-parallelizable-cpu-loop` with row
// `futures` (independent, thread-safe CPU tasks on a core-sized pool).
// See after.cpp.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

struct Summary {
  std::string key;
  long median = 0;
  size_t fingerprint = 0;
};

std::vector<long> parse_values(const std::string &record) {
  std::vector<long> values;
  std::istringstream fields(record);
  std::string field;
  while (std::getline(fields, field, ','))
    values.push_back(std::stol(field));
  return values;
}

Summary summarise(const std::string &record) {
  std::vector<long> values = parse_values(record);
  std::sort(values.begin(), values.end());
  Summary summary;
  summary.key = record.substr(0, record.find(','));
  summary.median = values.empty() ? 0 : values[values.size() / 2];
  for (long value : values)
    summary.fingerprint = summary.fingerprint * 31 + std::hash<long>{}(value);
  return summary;
}

std::vector<Summary> summarise_all(const std::vector<std::string> &records) {
  std::vector<Summary> summaries;
  for (const std::string &record : records)
    summaries.push_back(summarise(record));
  return summaries;
}

int main() {
  std::vector<std::string> records;
  // Test data, built once: not the work this example is about.
  for (int i = 0; i < 1000; ++i) { // NOLINT(concur-parallelizable-cpu-loop)
    std::string record = std::to_string(i);
    for (int j = 0; j < 200; ++j)
      record += "," + std::to_string((i * 7919 + j * 104729) % 100003);
    records.push_back(record);
  }
  std::vector<Summary> summaries = summarise_all(records);
  std::printf("%zu summaries, first median %ld\n", summaries.size(),
              summaries.front().median);
}
