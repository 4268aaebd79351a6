// Plain arithmetic: nothing to report.
int square(int x) { return x * x; }
