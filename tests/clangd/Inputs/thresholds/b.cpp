// Its work is all in a.cpp: only the linked summary sees it.
int mix(int x);

int twice(int x) { return mix(x) + mix(x + 1); }
