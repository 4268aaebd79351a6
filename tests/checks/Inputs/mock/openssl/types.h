/* openssl/types.h - mock of OpenSSL's opaque types for concur's check
 * tests; included by the other openssl/ mocks. */
#ifndef CONCUR_MOCK_OPENSSL_TYPES_H
#define CONCUR_MOCK_OPENSSL_TYPES_H
#pragma GCC system_header

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_method_st SSL_METHOD;
typedef struct bio_st BIO;
typedef struct evp_md_st EVP_MD;
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;
typedef struct engine_st ENGINE;
typedef struct rsa_st RSA;
typedef struct bignum_st BIGNUM;
typedef struct bn_gencb_st BN_GENCB;
typedef struct hmac_ctx_st HMAC_CTX;

#endif /* CONCUR_MOCK_OPENSSL_TYPES_H */
