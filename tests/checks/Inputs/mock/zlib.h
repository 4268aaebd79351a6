/* zlib.h - mock of zlib for concur's check tests: one-shot and streaming
 * (de)compression, checksums and the gz* file functions. */
#ifndef CONCUR_MOCK_ZLIB_H
#define CONCUR_MOCK_ZLIB_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned char Bytef;
typedef unsigned int uInt;
typedef unsigned long uLong;
typedef uLong uLongf;
typedef void *voidp;
typedef struct z_stream_s {
  const Bytef *next_in; uInt avail_in; uLong total_in;
  Bytef *next_out; uInt avail_out; uLong total_out;
  const char *msg; void *state;
} z_stream;
typedef z_stream *z_streamp;
typedef struct gzFile_s *gzFile;
#define Z_OK 0
#define Z_STREAM_END 1
#define Z_NO_FLUSH 0
#define Z_FINISH 4
#define Z_DEFAULT_COMPRESSION (-1)
#define ZLIB_VERSION "1.3.0-mock"

int compress(Bytef *dest, uLongf *destLen, const Bytef *source,
             uLong sourceLen);
int compress2(Bytef *dest, uLongf *destLen, const Bytef *source,
              uLong sourceLen, int level);
uLong compressBound(uLong sourceLen);
int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source,
               uLong sourceLen);
int deflateInit_(z_streamp strm, int level, const char *version,
                 int stream_size);
int deflate(z_streamp strm, int flush);
int deflateEnd(z_streamp strm);
int inflateInit_(z_streamp strm, const char *version, int stream_size);
int inflate(z_streamp strm, int flush);
int inflateEnd(z_streamp strm);
#define deflateInit(strm, level)                                               \
  deflateInit_((strm), (level), ZLIB_VERSION, (int)sizeof(z_stream))
#define inflateInit(strm) inflateInit_((strm), ZLIB_VERSION, (int)sizeof(z_stream))
uLong crc32(uLong crc, const Bytef *buf, uInt len);
uLong adler32(uLong adler, const Bytef *buf, uInt len);

gzFile gzopen(const char *path, const char *mode);
int gzread(gzFile file, voidp buf, unsigned len);
int gzwrite(gzFile file, const void *buf, unsigned len);
char *gzgets(gzFile file, char *buf, int len);
int gzputs(gzFile file, const char *s);
int gzprintf(gzFile file, const char *format, ...);
int gzflush(gzFile file, int flush);
int gzclose(gzFile file);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_ZLIB_H */
