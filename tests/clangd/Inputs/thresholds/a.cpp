// A little arithmetic: below the default SubstantialWork, above a low one.
int mix(int x) {
  int h = x;
  for (int i = 0; i < 16; ++i)
    h = h * 31 + i;
  return h;
}
