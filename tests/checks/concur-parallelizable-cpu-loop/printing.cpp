// Console output is not the workload: a Dump() method or a listing walks
// its items to print them. A loop that computes for each item is still
// reported.
#include <concur_mock_posix.h>
#include <mock_std.h>

struct Node {
  std::vector<std::string> inputs, outputs;
  // Prints the node; stepping through its lists is not work.
  void Dump() const {
    printf("node: ");
    for (const std::string &in : inputs)
      printf("%s ", in.c_str());
    printf("-> ");
    for (const std::string &out : outputs)
      printf("%s ", out.c_str());
    puts("");
  }
};

// negative: every node is printed.
void dump_all(const std::vector<Node> &nodes) {
  for (const Node &n : nodes)
    n.Dump();
}

// negative: a listing of the items, one line each.
void list_all(const std::vector<std::string> &names, const int *sizes) {
  for (size_t i = 0; i < names.size(); ++i)
    printf("%-20s %8d\n", names[i].c_str(), sizes[i]);
}

// A real computation per item is still reported.
void checksum_all(const std::vector<std::string> &items, unsigned long *out) {
  for (size_t i = 0; i < items.size(); ++i) {
    unsigned long h = 5381;
    for (int round = 0; round < 16; ++round)
      for (char c : items[i])
        h = h * 33 ^ (unsigned long)c;
    out[i] = h;
  }
  // CHECK-MESSAGES: :[[@LINE-7]]:3: warning: independent iterations each do substantial CPU work
}

unsigned long checksum(const std::string &item) {
  unsigned long h = 5381;
  for (int round = 0; round < 16; ++round)
    for (char c : item)
      h = h * 33 ^ (unsigned long)c;
  return h;
}

// negative: each item's checksum printed as it is computed: one output,
// in order.
void print_checksums(const std::vector<std::string> &items) {
  for (const std::string &item : items)
    printf("%lx %s\n", checksum(item), item.c_str());
}
