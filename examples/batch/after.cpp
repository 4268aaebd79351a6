// Scenario 3 of the seeds, after: batch data processing on all cores.
//
// before.cpp summarised the records one after another. Each summary is
// independent, thread-safe CPU work (parse, sort, hash), so the selection
// table's row `futures` applies: an executor over a core-sized pool,
// concur::cpu_pool(), whose ordered map returns the summaries in the order
// of the records. map sends the records in chunks (about four per worker),
// so a thousand small tasks do not pay a thousand hand-offs.
// Trade-offs of the row: one simple interface, little control over
// scheduling.
#include <concur/executor.hpp>
#include <concur/thread_pool.hpp>

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
  concur::executor executor(concur::cpu_pool()); // row: futures, core-sized pool
  return executor.map(summarise, records);
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
