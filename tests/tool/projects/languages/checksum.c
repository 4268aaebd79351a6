/* The C unit: analysed like the C++ one. */
int checksum(const unsigned char *data, int size) {
  int sum = 0;
  for (int i = 0; i < size; i++)
    sum += data[i];
  return sum;
}
