/* zstd.h - mock of Zstandard for concur's check tests. */
#ifndef CONCUR_MOCK_ZSTD_H
#define CONCUR_MOCK_ZSTD_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct ZSTD_DCtx_s ZSTD_DCtx;
typedef ZSTD_CCtx ZSTD_CStream;
typedef ZSTD_DCtx ZSTD_DStream;
typedef struct ZSTD_inBuffer_s { const void *src; __SIZE_TYPE__ size, pos; }
    ZSTD_inBuffer;
typedef struct ZSTD_outBuffer_s { void *dst; __SIZE_TYPE__ size, pos; }
    ZSTD_outBuffer;
typedef enum { ZSTD_e_continue = 0, ZSTD_e_flush = 1, ZSTD_e_end = 2 }
    ZSTD_EndDirective;

__SIZE_TYPE__ ZSTD_compressBound(__SIZE_TYPE__ srcSize);
__SIZE_TYPE__ ZSTD_compress(void *dst, __SIZE_TYPE__ dstCapacity,
                            const void *src, __SIZE_TYPE__ srcSize,
                            int compressionLevel);
__SIZE_TYPE__ ZSTD_decompress(void *dst, __SIZE_TYPE__ dstCapacity,
                              const void *src, __SIZE_TYPE__ compressedSize);
unsigned long long ZSTD_getFrameContentSize(const void *src,
                                            __SIZE_TYPE__ srcSize);
unsigned ZSTD_isError(__SIZE_TYPE__ code);
ZSTD_CCtx *ZSTD_createCCtx(void);
__SIZE_TYPE__ ZSTD_freeCCtx(ZSTD_CCtx *cctx);
ZSTD_DCtx *ZSTD_createDCtx(void);
__SIZE_TYPE__ ZSTD_freeDCtx(ZSTD_DCtx *dctx);
__SIZE_TYPE__ ZSTD_compressCCtx(ZSTD_CCtx *cctx, void *dst,
                                __SIZE_TYPE__ dstCapacity, const void *src,
                                __SIZE_TYPE__ srcSize, int compressionLevel);
__SIZE_TYPE__ ZSTD_decompressDCtx(ZSTD_DCtx *dctx, void *dst,
                                  __SIZE_TYPE__ dstCapacity, const void *src,
                                  __SIZE_TYPE__ srcSize);
__SIZE_TYPE__ ZSTD_compressStream2(ZSTD_CCtx *cctx, ZSTD_outBuffer *output,
                                   ZSTD_inBuffer *input,
                                   ZSTD_EndDirective endOp);
__SIZE_TYPE__ ZSTD_decompressStream(ZSTD_DStream *zds, ZSTD_outBuffer *output,
                                    ZSTD_inBuffer *input);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_ZSTD_H */
