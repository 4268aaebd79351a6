// Scenario 3b, after: the legacy, thread-unsafe normalise_record runs in
// worker processes (row `multiprocessing`). Each worker has its own copy of
// strtok's hidden state and of the function's statics, so the records are
// processed in parallel without touching the legacy code. A thread pool
// would be faster to start but wrong here; see before.cpp.
//
// What changed: main() starts the fork server first (while the program is
// single-threaded), Summary says how to serialise itself, and summarise_all
// hands the loop to concur::process_pool::map.
#include <concur/process_pool.hpp>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

// --- the legacy library, unchanged ------------------------------------------
const char *normalise_record(char *line) {
  static char output[512];
  static int calls = 0;
  ++calls;
  output[0] = '\0';
  for (char *field = std::strtok(line, ","); field; field = std::strtok(nullptr, ",")) {
    while (*field == ' ')
      ++field;
    std::strncat(output, field, sizeof output - std::strlen(output) - 2);
    std::strcat(output, "|");
  }
  for (char *c = output; *c; ++c)
    *c = char(std::toupper(static_cast<unsigned char>(*c)));
  return output;
}

// --- the batch job ----------------------------------------------------------
struct Summary {
  std::string key;
  unsigned long fingerprint = 0;
  // Results cross the process boundary: list the fields once.
  template <class Archive> void serialize(Archive &archive) { archive(key, fingerprint); }
};

Summary summarise(const std::string &record) {
  std::vector<char> line(record.begin(), record.end());
  line.push_back('\0');
  std::string normal = normalise_record(line.data());
  Summary summary;
  summary.key = normal.substr(0, normal.find('|'));
  unsigned long hash = 1469598103934665603UL;
  for (int round = 0; round < 2000; ++round)
    for (char c : normal)
      hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211UL;
  summary.fingerprint = hash;
  return summary;
}

std::vector<Summary> summarise_all(concur::process_pool &pool, const std::vector<std::string> &records) {
  // Ordered results; records travel in chunks (about four per worker).
  return pool.map(summarise, records);
}

std::vector<std::string> make_records() {
  std::vector<std::string> records;
  for (int i = 0; i < 400; ++i) { // NOLINT(concur-parallelizable-cpu-loop)
    std::string record = "id" + std::to_string(i);
    for (int j = 0; j < 12; ++j)
      record += ", field" + std::to_string((i * 31 + j * 17) % 97);
    records.push_back(record);
  }
  return records;
}

int main() {
  concur::start_fork_server(); // before any thread exists
  concur::process_pool pool;   // one worker per core
  std::vector<Summary> summaries = summarise_all(pool, make_records());
  unsigned long combined = 0;
  for (const Summary &summary : summaries)
    combined ^= summary.fingerprint;
  std::printf("%zu summaries, first key %s, combined fingerprint %lx\n", summaries.size(),
              summaries.front().key.c_str(), combined);
}
