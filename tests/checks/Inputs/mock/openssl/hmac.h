/* openssl/hmac.h - mock of OpenSSL's one-shot HMAC. */
#ifndef CONCUR_MOCK_OPENSSL_HMAC_H
#define CONCUR_MOCK_OPENSSL_HMAC_H
#pragma GCC system_header

#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

unsigned char *HMAC(const EVP_MD *md, const void *key, int key_len,
                    const unsigned char *d, __SIZE_TYPE__ n, unsigned char *out,
                    unsigned int *out_len);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_OPENSSL_HMAC_H */
