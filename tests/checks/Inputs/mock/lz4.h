/* lz4.h - mock of LZ4's block API for concur's check tests. */
#ifndef CONCUR_MOCK_LZ4_H
#define CONCUR_MOCK_LZ4_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

int LZ4_compressBound(int inputSize);
int LZ4_compress_default(const char *src, char *dst, int srcSize,
                         int dstCapacity);
int LZ4_compress_fast(const char *src, char *dst, int srcSize, int dstCapacity,
                      int acceleration);
int LZ4_compress_HC(const char *src, char *dst, int srcSize, int dstCapacity,
                    int compressionLevel);
int LZ4_decompress_safe(const char *src, char *dst, int compressedSize,
                        int dstCapacity);
int LZ4_decompress_safe_partial(const char *src, char *dst, int srcSize,
                                int targetOutputSize, int dstCapacity);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_LZ4_H */
