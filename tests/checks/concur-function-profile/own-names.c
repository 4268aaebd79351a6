// A project's own static functions are not the library functions that share
// their names: bzip2's `static void compress(char *name)` is the whole
// per-file pipeline, not zlib's compress(). The body is analysed as it is.
// CONCUR-ARGS: -std=c11
// CONCUR-CONFIG: {CheckOptions: {concur-function-profile.Enable: true}}
#include <concur_mock_posix.h>

int compress(unsigned char *dest, unsigned long *dest_len,
             const unsigned char *source, unsigned long source_len);

static int checksum;

// Named like zlib's compress, but it only adds bytes.
static void uncompress(const unsigned char *data, int n) {
  for (int i = 0; i < 4; i++)
    checksum += data[i % n];
}
// CHECK-MESSAGES: :[[@LINE-4]]:13: remark: 'uncompress' is trivial

void check_all(const unsigned char *data, int n) { uncompress(data, n); }
// CHECK-MESSAGES: :[[@LINE-1]]:6: remark: 'check_all' is trivial

// zlib's compress, declared by the library: its knowledge-base entry holds.
int pack(unsigned char *out, unsigned long *out_len, const unsigned char *in,
         unsigned long in_len) {
  return compress(out, out_len, in, in_len);
}
// CHECK-MESSAGES: :[[@LINE-4]]:5: remark: 'pack' is cpu
