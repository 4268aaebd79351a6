/* curl/curl.h - mock of libcurl for concur's check tests: the easy and
 * multi interfaces as named in checks/data/knowledge-base.yaml. */
#ifndef CONCUR_MOCK_CURL_H
#define CONCUR_MOCK_CURL_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

typedef void CURL;
typedef void CURLM;
typedef int curl_socket_t;
typedef enum { CURLE_OK = 0, CURLE_AGAIN = 81 } CURLcode;
typedef enum { CURLM_OK = 0 } CURLMcode;
typedef enum {
  CURLOPT_URL = 10002,
  CURLOPT_WRITEDATA = 10001,
  CURLOPT_WRITEFUNCTION = 20011,
  CURLOPT_TIMEOUT = 13,
  CURLOPT_FOLLOWLOCATION = 52
} CURLoption;
typedef enum { CURLINFO_RESPONSE_CODE = 0x200002 } CURLINFO;
struct curl_waitfd { curl_socket_t fd; short events, revents; };
typedef struct CURLMsg CURLMsg;
#define CURL_GLOBAL_DEFAULT 3L
#define CURL_SOCKET_TIMEOUT (-1)

CURLcode curl_global_init(long flags);
void curl_global_cleanup(void);
CURL *curl_easy_init(void);
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...);
CURLcode curl_easy_perform(CURL *curl);
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...);
CURLcode curl_easy_recv(CURL *curl, void *buf, __SIZE_TYPE__ n,
                        __SIZE_TYPE__ *got);
CURLcode curl_easy_send(CURL *curl, const void *buf, __SIZE_TYPE__ n,
                        __SIZE_TYPE__ *sent);
void curl_easy_cleanup(CURL *curl);
const char *curl_easy_strerror(CURLcode code);

CURLM *curl_multi_init(void);
CURLMcode curl_multi_add_handle(CURLM *multi, CURL *easy);
CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *easy);
CURLMcode curl_multi_perform(CURLM *multi, int *running);
CURLMcode curl_multi_wait(CURLM *multi, struct curl_waitfd *extra, unsigned n,
                          int timeout_ms, int *numfds);
CURLMcode curl_multi_poll(CURLM *multi, struct curl_waitfd *extra, unsigned n,
                          int timeout_ms, int *numfds);
CURLMcode curl_multi_socket_action(CURLM *multi, curl_socket_t s, int mask,
                                   int *running);
CURLMsg *curl_multi_info_read(CURLM *multi, int *queued);
CURLMcode curl_multi_cleanup(CURLM *multi);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_CURL_H */
