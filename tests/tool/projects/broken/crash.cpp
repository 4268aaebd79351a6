// Crashes the compiler front end on purpose (clang's own debug pragma): the
// run survives, names the unit and exits 3.
#pragma clang __debug crash
int fine() { return 1; }
