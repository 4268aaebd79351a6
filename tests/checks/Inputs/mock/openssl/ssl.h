/* openssl/ssl.h - mock of OpenSSL's TLS API for concur's check tests. */
#ifndef CONCUR_MOCK_OPENSSL_SSL_H
#define CONCUR_MOCK_OPENSSL_SSL_H
#pragma GCC system_header

#include <openssl/evp.h>
#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SSL_ERROR_NONE 0
#define SSL_ERROR_WANT_READ 2
#define SSL_ERROR_WANT_WRITE 3

const SSL_METHOD *TLS_client_method(void);
const SSL_METHOD *TLS_server_method(void);
SSL_CTX *SSL_CTX_new(const SSL_METHOD *method);
void SSL_CTX_free(SSL_CTX *ctx);
SSL *SSL_new(SSL_CTX *ctx);
void SSL_free(SSL *ssl);
int SSL_set_fd(SSL *ssl, int fd);
int SSL_connect(SSL *ssl);
int SSL_accept(SSL *ssl);
int SSL_do_handshake(SSL *ssl);
int SSL_read(SSL *ssl, void *buf, int num);
int SSL_read_ex(SSL *ssl, void *buf, __SIZE_TYPE__ num,
                __SIZE_TYPE__ *readbytes);
int SSL_write(SSL *ssl, const void *buf, int num);
int SSL_write_ex(SSL *ssl, const void *buf, __SIZE_TYPE__ num,
                 __SIZE_TYPE__ *written);
int SSL_peek(SSL *ssl, void *buf, int num);
int SSL_shutdown(SSL *ssl);
int SSL_get_error(const SSL *ssl, int ret);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_OPENSSL_SSL_H */
