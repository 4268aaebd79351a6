/* Mock of libuv's <uv.h>: handles, requests and their callbacks. */
#ifndef CONCUR_MOCK_UV_H
#define CONCUR_MOCK_UV_H
#ifdef __cplusplus
extern "C" {
#endif
typedef struct uv_loop_s uv_loop_t;
typedef struct uv_handle_s { void *data; } uv_handle_t;
typedef struct uv_stream_s { void *data; } uv_stream_t;
typedef struct uv_tcp_s { void *data; } uv_tcp_t;
typedef struct uv_timer_s { void *data; } uv_timer_t;
typedef struct uv_idle_s { void *data; } uv_idle_t;
typedef struct uv_poll_s { void *data; } uv_poll_t;
typedef struct uv_signal_s { void *data; } uv_signal_t;
typedef struct uv_work_s { void *data; } uv_work_t;
typedef struct uv_fs_s { void *data; long result; } uv_fs_t;
typedef struct uv_write_s { void *data; } uv_write_t;
typedef struct uv_connect_s { void *data; } uv_connect_t;
typedef struct uv_buf_t { char *base; __SIZE_TYPE__ len; } uv_buf_t;
typedef long ssize_t_uv;
typedef void (*uv_alloc_cb)(uv_handle_t *h, __SIZE_TYPE__ suggested,
                            uv_buf_t *buf);
typedef void (*uv_read_cb)(uv_stream_t *s, ssize_t_uv nread,
                           const uv_buf_t *buf);
typedef void (*uv_timer_cb)(uv_timer_t *h);
typedef void (*uv_idle_cb)(uv_idle_t *h);
typedef void (*uv_poll_cb)(uv_poll_t *h, int status, int events);
typedef void (*uv_signal_cb)(uv_signal_t *h, int signum);
typedef void (*uv_connection_cb)(uv_stream_t *server, int status);
typedef void (*uv_work_cb)(uv_work_t *req);
typedef void (*uv_after_work_cb)(uv_work_t *req, int status);
typedef void (*uv_fs_cb)(uv_fs_t *req);
typedef void (*uv_write_cb)(uv_write_t *req, int status);
typedef void (*uv_close_cb)(uv_handle_t *h);
uv_loop_t *uv_default_loop(void);
int uv_run(uv_loop_t *loop, int mode);
int uv_tcp_init(uv_loop_t *loop, uv_tcp_t *h);
int uv_timer_init(uv_loop_t *loop, uv_timer_t *h);
int uv_idle_init(uv_loop_t *loop, uv_idle_t *h);
int uv_read_start(uv_stream_t *s, uv_alloc_cb alloc_cb, uv_read_cb read_cb);
int uv_timer_start(uv_timer_t *h, uv_timer_cb cb, unsigned long long timeout,
                   unsigned long long repeat);
int uv_idle_start(uv_idle_t *h, uv_idle_cb cb);
int uv_poll_start(uv_poll_t *h, int events, uv_poll_cb cb);
int uv_signal_start(uv_signal_t *h, uv_signal_cb cb, int signum);
int uv_listen(uv_stream_t *s, int backlog, uv_connection_cb cb);
int uv_accept(uv_stream_t *server, uv_stream_t *client);
int uv_queue_work(uv_loop_t *loop, uv_work_t *req, uv_work_cb work_cb,
                  uv_after_work_cb after_work_cb);
int uv_fs_read(uv_loop_t *loop, uv_fs_t *req, int file, const uv_buf_t bufs[],
               unsigned int nbufs, long long offset, uv_fs_cb cb);
int uv_write(uv_write_t *req, uv_stream_t *handle, const uv_buf_t bufs[],
             unsigned int nbufs, uv_write_cb cb);
void uv_close(uv_handle_t *handle, uv_close_cb close_cb);
#define UV_RUN_DEFAULT 0
#ifdef __cplusplus
}
#endif
#endif
