// CPU loops whose iterations all change one object passed by pointer or
// reference (one output string, one index, one hash context), read what
// earlier iterations wrote (array recurrences), only release resources, or
// fill a fixed table from constants, are not parallel opportunities. Iterations that each mutate only their own
// element, and callees that only read the shared object they get, stay
// independent and are reported.
#include <concur_mock_posix.h>
#include <mock_std.h>

struct Doc {
  std::vector<long> words;
  std::string text;
  long score = 0;
};

long weigh(std::vector<long> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Appends to the one output: writes through its first parameter.
void append_digest(std::string *out, const Doc &d) {
  long w = weigh(d.words);
  out->append(std::to_string(w));
}

// negative: every iteration appends to the one string *out
void digest_all(std::string *out, const std::vector<Doc> &docs) {
  for (const Doc &d : docs)
    append_digest(out, d);
}

struct Index {
  std::map<long, size_t> by_weight;
  void add(long w, size_t at) { by_weight[w] = at; }
};

void index_doc(Index &idx, const Doc &d, size_t at) { idx.add(weigh(d.words), at); }

// negative: every iteration inserts into the one index, through a callee
void index_all(Index *idx, const std::vector<Doc> &docs) {
  for (size_t i = 0; i < docs.size(); ++i)
    index_doc(*idx, docs[i], i);
}

struct HashState {
  unsigned long h[8];
  unsigned long count;
};

// One block of a hash: mixes the block into the state the next block reads.
void hash_block(HashState *s, const unsigned char *block) {
  unsigned long w[80];
  for (int t = 0; t < 16; ++t)
    w[t] = block[t * 4] | (unsigned long)block[t * 4 + 1] << 8;
  for (int t = 16; t < 80; ++t)
    w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]) << 1;
  unsigned long a = s->h[0], b = s->h[1], c = s->h[2];
  for (int t = 0; t < 80; ++t) {
    unsigned long tmp = (a << 5) + (b ^ c) + w[t];
    c = b;
    b = a;
    a = tmp;
  }
  s->h[0] += a;
  s->h[1] += b;
  s->h[2] += c;
  s->count += 64;
}

// negative: every block updates the one hash state
void hash_all(HashState *s, const unsigned char *data, size_t blocks) {
  for (size_t i = 0; i < blocks; ++i)
    hash_block(s, data + 64 * i);
}

// negative: forward substitution: row i reads the x[j] that rows j < i wrote
void forward(const std::vector<std::vector<double>> &l, const double *b,
             double *x, int n) {
  for (int i = 0; i < n; ++i) {
    double s = b[i];
    for (int j = 0; j < i; ++j)
      s -= l[i][j] * x[j] * std::sqrt(l[j][j]);
    x[i] = s / l[i][i];
  }
}

// negative: error diffusion writes the next pixel, which the next iteration
// reads
void diffuse(double *pixel, const Doc *docs, int n) {
  for (int i = 0; i + 1 < n; ++i) {
    double err = pixel[i] - double(weigh(docs[i].words));
    pixel[i + 1] += err * 0.4375;
  }
}

struct Tree {
  Tree *left = nullptr, *right = nullptr;
  std::vector<long> keys;
};

void free_tree(Tree *t) {
  while (t) {
    free_tree(t->left);
    Tree *next = t->right;
    for (long &k : t->keys)
      k = 0;
    delete t;
    t = next;
  }
}

// negative: cleanup: releasing each tree is not work worth a pool
void release_all(std::vector<Tree *> &trees) {
  for (Tree *t : trees)
    free_tree(t);
}

// Each iteration mutates only its own document; the weights table is only
// read by the callee.
void rescore(Doc &d, std::vector<long> *weights) {
  d.score = weigh(d.words) + (weights->empty() ? 0 : (*weights)[0]);
}
void rescore_all(std::vector<Doc> &docs, std::vector<long> *weights) {
  for (Doc &d : docs)
    rescore(d, weights);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort' via 'rescore' -> 'weigh'); run them in parallel (row: futures, core-sized pool)
}

// Each iteration sorts its own element's data in place, through a pointer.
void sort_words(long *first, size_t n) { std::sort(first, first + n); }
void sort_each(std::vector<Doc> &docs) {
  for (size_t i = 0; i < docs.size(); ++i)
    sort_words(docs[i].words.data(), docs[i].words.size());
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort' via 'sort_words'); run them in parallel (row: futures, core-sized pool)
}

// One entry of a start-up table: a fixed amount of bit arithmetic.
unsigned long table_entry(unsigned long op[32], unsigned long n) {
  unsigned long r = 0;
  for (int round = 0; round < 64; ++round)
    for (int k = 0; n && k < 32; ++k, n >>= 1)
      r ^= (n & 1) ? op[k] * (unsigned long)round : r >> 3;
  return r;
}

// negative: a table of 256 entries computed from constants at start-up is
// constant work, the same on every run
void init_table(unsigned long table[][256]) {
  unsigned long op[32];
  for (int k = 0; k < 32; ++k)
    op[k] = 1ul << k;
  for (unsigned n = 0; n < 256; ++n) {
    table[0][n] = table_entry(op, n);
    table[1][n] = table_entry(op, n << 8);
  }
}

// Three channels is a constant count, but each sorts data of run-time size.
void sort_channels(std::vector<long> *channels) {
  for (int c = 0; c < 3; ++c)
    std::sort(channels[c].begin(), channels[c].end());
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each do substantial CPU work (sort work in 'std::sort'); run them in parallel
}
