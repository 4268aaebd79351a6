// Must not compile, with exactly one error line that says what to write:
// an executor is built from a pool or a worker count.
#include "concur/executor.hpp"

int main() { concur::executor ex("four"); }
