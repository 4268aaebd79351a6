// Scenario 3b of the seeds: batch data processing through legacy C code.
//
// Each record goes through normalise_record, a routine from an old C
// library: it tokenises with strtok (hidden static state), keeps a call
// counter in a function-local static and returns a pointer into a static
// buffer. The work per record is CPU-bound (the fingerprint below), and the
// records are independent, but two threads running normalise_record at
// once would corrupt each other's tokens and output. concur reports the
// loop in summarise_all as `concur-parallelizable-cpu-loop` with row
// `multiprocessing` (CPU work that is not thread-safe: each worker process
// gets its own copy of those statics). See after.cpp.
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

// --- the legacy library (do not touch: other code depends on its quirks) ---
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
};

Summary summarise(const std::string &record) {
  std::vector<char> line(record.begin(), record.end());
  line.push_back('\0');
  std::string normal = normalise_record(line.data());
  Summary summary;
  summary.key = normal.substr(0, normal.find('|'));
  // A deliberately expensive fingerprint: many rounds of FNV-1a.
  unsigned long hash = 1469598103934665603UL;
  for (int round = 0; round < 2000; ++round)
    for (char c : normal)
      hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211UL;
  summary.fingerprint = hash;
  return summary;
}

std::vector<Summary> summarise_all(const std::vector<std::string> &records) {
  std::vector<Summary> summaries;
  for (const std::string &record : records)
    summaries.push_back(summarise(record));
  return summaries;
}

std::vector<std::string> make_records() {
  std::vector<std::string> records;
  // Test data, built once: not the work this example is about.
  for (int i = 0; i < 400; ++i) { // NOLINT(concur-parallelizable-cpu-loop)
    std::string record = "id" + std::to_string(i);
    for (int j = 0; j < 12; ++j)
      record += ", field" + std::to_string((i * 31 + j * 17) % 97);
    records.push_back(record);
  }
  return records;
}

int main() {
  std::vector<Summary> summaries = summarise_all(make_records());
  unsigned long combined = 0;
  for (const Summary &summary : summaries)
    combined ^= summary.fingerprint;
  std::printf("%zu summaries, first key %s, combined fingerprint %lx\n", summaries.size(),
              summaries.front().key.c_str(), combined);
}
