/* openssl/rand.h - mock of OpenSSL's random bytes. */
#ifndef CONCUR_MOCK_OPENSSL_RAND_H
#define CONCUR_MOCK_OPENSSL_RAND_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

int RAND_bytes(unsigned char *buf, int num);
int RAND_priv_bytes(unsigned char *buf, int num);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_OPENSSL_RAND_H */
