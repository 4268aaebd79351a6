/* openssl/sha.h - mock of OpenSSL's one-shot and legacy SHA API. */
#ifndef CONCUR_MOCK_OPENSSL_SHA_H
#define CONCUR_MOCK_OPENSSL_SHA_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

#define SHA256_DIGEST_LENGTH 32
typedef struct { unsigned int h[8]; unsigned int Nl, Nh, data[16], num, md_len; }
    SHA256_CTX;
unsigned char *SHA1(const unsigned char *d, __SIZE_TYPE__ n, unsigned char *md);
unsigned char *SHA256(const unsigned char *d, __SIZE_TYPE__ n,
                      unsigned char *md);
unsigned char *SHA512(const unsigned char *d, __SIZE_TYPE__ n,
                      unsigned char *md);
int SHA256_Init(SHA256_CTX *c);
int SHA256_Update(SHA256_CTX *c, const void *data, __SIZE_TYPE__ len);
int SHA256_Final(unsigned char *md, SHA256_CTX *c);
unsigned char *MD5(const unsigned char *d, __SIZE_TYPE__ n, unsigned char *md);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_OPENSSL_SHA_H */
