/* openssl/rsa.h - mock of OpenSSL's legacy RSA API. */
#ifndef CONCUR_MOCK_OPENSSL_RSA_H
#define CONCUR_MOCK_OPENSSL_RSA_H
#pragma GCC system_header

#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RSA_PKCS1_OAEP_PADDING 4
RSA *RSA_new(void);
void RSA_free(RSA *rsa);
int RSA_size(const RSA *rsa);
int RSA_generate_key_ex(RSA *rsa, int bits, BIGNUM *e, BN_GENCB *cb);
int RSA_public_encrypt(int flen, const unsigned char *from, unsigned char *to,
                       RSA *rsa, int padding);
int RSA_private_decrypt(int flen, const unsigned char *from, unsigned char *to,
                        RSA *rsa, int padding);
int RSA_sign(int type, const unsigned char *m, unsigned int m_length,
             unsigned char *sigret, unsigned int *siglen, RSA *rsa);
int RSA_verify(int type, const unsigned char *m, unsigned int m_length,
               const unsigned char *sigbuf, unsigned int siglen, RSA *rsa);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_OPENSSL_RSA_H */
