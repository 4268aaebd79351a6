/* openssl/aes.h - mock of OpenSSL's low-level AES block functions. */
#ifndef CONCUR_MOCK_OPENSSL_AES_H
#define CONCUR_MOCK_OPENSSL_AES_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

#define AES_BLOCK_SIZE 16
typedef struct aes_key_st { unsigned int rd_key[60]; int rounds; } AES_KEY;
int AES_set_encrypt_key(const unsigned char *key, const int bits,
                        AES_KEY *out);
int AES_set_decrypt_key(const unsigned char *key, const int bits,
                        AES_KEY *out);
void AES_encrypt(const unsigned char *in, unsigned char *out,
                 const AES_KEY *key);
void AES_decrypt(const unsigned char *in, unsigned char *out,
                 const AES_KEY *key);
void AES_cbc_encrypt(const unsigned char *in, unsigned char *out,
                     __SIZE_TYPE__ length, const AES_KEY *key,
                     unsigned char *ivec, const int enc);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_OPENSSL_AES_H */
