int good(int x) { return x + 1; }
