// An explicit `Enable: false` (and spellings clang-tidy accepts for booleans)
// keeps the check off.
// CONCUR-CONFIG: {CheckOptions: {concur-function-profile.Enable: 'off'}}
#include <concur_mock_posix.h>

// negative: disabled explicitly
void nap() { usleep(50000); }

// negative: disabled explicitly
int add(int a, int b) { return a + b; }
