// The C++ unit of a project whose database also lists assembly.
extern "C" int checksum(const unsigned char *Data, int Size);
int twice(int X) { return 2 * X; }
