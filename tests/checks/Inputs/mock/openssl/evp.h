/* openssl/evp.h - mock of OpenSSL's EVP API (digests, ciphers, public-key
 * operations) for concur's check tests. */
#ifndef CONCUR_MOCK_OPENSSL_EVP_H
#define CONCUR_MOCK_OPENSSL_EVP_H
#pragma GCC system_header

#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EVP_MAX_MD_SIZE 64

const EVP_MD *EVP_sha256(void);
const EVP_MD *EVP_sha512(void);
const EVP_MD *EVP_md5(void);
const EVP_CIPHER *EVP_aes_256_gcm(void);
const EVP_CIPHER *EVP_aes_128_cbc(void);

EVP_MD_CTX *EVP_MD_CTX_new(void);
void EVP_MD_CTX_free(EVP_MD_CTX *ctx);
int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *data, __SIZE_TYPE__ n);
int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *len);
int EVP_Digest(const void *data, __SIZE_TYPE__ n, unsigned char *md,
               unsigned int *len, const EVP_MD *type, ENGINE *impl);

EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void);
void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *ctx);
int EVP_EncryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher,
                       ENGINE *impl, const unsigned char *key,
                       const unsigned char *iv);
int EVP_EncryptUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl,
                      const unsigned char *in, int inl);
int EVP_EncryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl);
int EVP_DecryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher,
                       ENGINE *impl, const unsigned char *key,
                       const unsigned char *iv);
int EVP_DecryptUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl,
                      const unsigned char *in, int inl);
int EVP_DecryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl);

EVP_PKEY_CTX *EVP_PKEY_CTX_new(EVP_PKEY *pkey, ENGINE *e);
void EVP_PKEY_CTX_free(EVP_PKEY_CTX *ctx);
int EVP_PKEY_sign_init(EVP_PKEY_CTX *ctx);
int EVP_PKEY_sign(EVP_PKEY_CTX *ctx, unsigned char *sig, __SIZE_TYPE__ *siglen,
                  const unsigned char *tbs, __SIZE_TYPE__ tbslen);
int EVP_PKEY_verify(EVP_PKEY_CTX *ctx, const unsigned char *sig,
                    __SIZE_TYPE__ siglen, const unsigned char *tbs,
                    __SIZE_TYPE__ tbslen);
int EVP_PKEY_keygen(EVP_PKEY_CTX *ctx, EVP_PKEY **ppkey);
int PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt,
                      int saltlen, int iter, const EVP_MD *digest, int keylen,
                      unsigned char *out);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_OPENSSL_EVP_H */
