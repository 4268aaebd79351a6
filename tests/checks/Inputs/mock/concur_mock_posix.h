/* concur_mock_posix.h - a stand-in for the POSIX and C library headers.
 *
 * Declares the libc functions named in checks/data/knowledge-base.yaml
 * (sockets, file descriptors, stdio, processes, ipc, sleeps, pthreads,
 * semaphores, MT-unsafe functions, parsing/formatting/memory, math) with
 * their real signatures, so test sources compile in milliseconds. Include it
 * instead of <stdio.h>, <unistd.h>, <sys/socket.h>, ... (not with them: the
 * structures it defines would be defined twice). Valid C (C11) and C++. */
#ifndef CONCUR_MOCK_POSIX_H
#define CONCUR_MOCK_POSIX_H
#pragma GCC system_header

#ifdef __cplusplus
extern "C" {
#endif

#ifndef NULL
#ifdef __cplusplus
#define NULL nullptr
#else
#define NULL ((void *)0)
#endif
#endif
#define EOF (-1)

/* --- types ---------------------------------------------------------------- */
typedef __SIZE_TYPE__ size_t;
typedef long ssize_t;
typedef long off_t;
typedef long off64_t;
typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int mode_t;
typedef unsigned int socklen_t;
typedef unsigned short sa_family_t;
typedef unsigned short in_port_t;
typedef unsigned int in_addr_t;
typedef long time_t;
typedef int clockid_t;
typedef unsigned long nfds_t;
typedef int key_t;
typedef int mqd_t;
typedef struct _IO_FILE FILE;
typedef struct __dirstream DIR;

struct timespec { time_t tv_sec; long tv_nsec; };
struct timeval { time_t tv_sec; long tv_usec; };
struct tm {
  int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday,
      tm_isdst;
  long tm_gmtoff;
  const char *tm_zone;
};
struct stat { unsigned long st_dev, st_ino; mode_t st_mode; off_t st_size; };
struct dirent { unsigned long d_ino; unsigned char d_type; char d_name[256]; };
struct iovec { void *iov_base; size_t iov_len; };
struct pollfd { int fd; short events, revents; };
struct sockaddr { sa_family_t sa_family; char sa_data[14]; };
struct in_addr { in_addr_t s_addr; };
struct sockaddr_in {
  sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr;
  unsigned char sin_zero[8];
};
struct sockaddr_storage { sa_family_t ss_family; char ss_pad[126]; };
struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov;
                size_t msg_iovlen; };
struct addrinfo {
  int ai_flags, ai_family, ai_socktype, ai_protocol;
  socklen_t ai_addrlen; struct sockaddr *ai_addr; char *ai_canonname;
  struct addrinfo *ai_next;
};
struct hostent { char *h_name; char **h_aliases; int h_addrtype, h_length;
                 char **h_addr_list; };
struct passwd { char *pw_name; uid_t pw_uid; gid_t pw_gid; char *pw_dir; };
typedef struct { unsigned long fds_bits[16]; } fd_set;
union epoll_data { void *ptr; int fd; };
struct epoll_event { unsigned int events; union epoll_data data; };

/* --- constants ------------------------------------------------------------ */
#define AF_INET 2
#define AF_INET6 10
#define AF_UNSPEC 0
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_NONBLOCK 04000
#define F_GETFL 3
#define F_SETFL 4
#define FIONBIO 0x5421
#define SOL_SOCKET 1
#define SO_REUSEADDR 2
#define INADDR_ANY ((in_addr_t)0)
#define MSG_DONTWAIT 0x40
#define POLLIN 1
#define POLLOUT 4
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_NONBLOCK 04000
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define WNOHANG 1
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define RAND_MAX 2147483647
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* --- sockets, name resolution, readiness ---------------------------------- */
int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t recv(int fd, void *buf, size_t n, int flags);
ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr,
                 socklen_t *len);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t send(int fd, const void *buf, size_t n, int flags);
ssize_t sendto(int fd, const void *buf, size_t n, int flags,
               const struct sockaddr *addr, socklen_t len);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
int shutdown(int fd, int how);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res);
void freeaddrinfo(struct addrinfo *res);
int getnameinfo(const struct sockaddr *addr, socklen_t len, char *host,
                socklen_t hostlen, char *serv, socklen_t servlen, int flags);
struct hostent *gethostbyname(const char *name);
struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type);
char *inet_ntoa(struct in_addr in);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
int inet_pton(int af, const char *src, void *dst);
unsigned short htons(unsigned short v);
unsigned int htonl(unsigned int v);
unsigned short ntohs(unsigned short v);
unsigned int ntohl(unsigned int v);
int poll(struct pollfd *fds, nfds_t n, int timeout);
int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *timeout);
int epoll_create1(int flags);
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout);

/* --- file descriptors ----------------------------------------------------- */
int open(const char *path, int flags, ...);
int fcntl(int fd, int cmd, ...);
int ioctl(int fd, unsigned long request, ...);
int openat(int dirfd, const char *path, int flags, ...);
int creat(const char *path, mode_t mode);
ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
ssize_t pread(int fd, void *buf, size_t n, off_t offset);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset);
ssize_t readv(int fd, const struct iovec *iov, int n);
ssize_t writev(int fd, const struct iovec *iov, int n);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
int fsync(int fd);
int fdatasync(int fd);
int ftruncate(int fd, off_t length);
int stat(const char *path, struct stat *buf);
int fstat(int fd, struct stat *buf);
int lstat(const char *path, struct stat *buf);
int access(const char *path, int mode);
int rename(const char *from, const char *to);
int unlink(const char *path);
int mkdir(const char *path, mode_t mode);
int rmdir(const char *path);
ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t n);
ssize_t splice(int fd_in, off64_t *off_in, int fd_out, off64_t *off_out,
               size_t len, unsigned int flags);
DIR *opendir(const char *path);
struct dirent *readdir(DIR *dir);
int closedir(DIR *dir);
int pipe(int fds[2]);
int dup2(int oldfd, int newfd);

/* --- stdio ---------------------------------------------------------------- */
extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;
FILE *fopen(const char *path, const char *mode);
FILE *fdopen(int fd, const char *mode);
int fclose(FILE *f);
size_t fread(void *buf, size_t size, size_t n, FILE *f);
size_t fwrite(const void *buf, size_t size, size_t n, FILE *f);
char *fgets(char *s, int n, FILE *f);
int fgetc(FILE *f);
int getc(FILE *f);
ssize_t getline(char **line, size_t *n, FILE *f);
int fprintf(FILE *f, const char *fmt, ...);
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_end(ap) __builtin_va_end(ap)
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int fscanf(FILE *f, const char *fmt, ...);
int fflush(FILE *f);
int fseek(FILE *f, long offset, int whence);
long ftell(FILE *f);
int feof(FILE *f);
int ferror(FILE *f);
int fileno(FILE *f);
int remove(const char *path);
int printf(const char *fmt, ...);
int puts(const char *s);
int putchar(int c);
int fputs(const char *s, FILE *f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
void perror(const char *s);
int scanf(const char *fmt, ...);
int getchar(void);
int sprintf(char *buf, const char *fmt, ...);
int snprintf(char *buf, size_t n, const char *fmt, ...);
int sscanf(const char *s, const char *fmt, ...);
char *tmpnam(char *s);

/* --- the system log and eventfd ------------------------------------------ */
#define LOG_ERR 3
#define LOG_DEBUG 7
void syslog(int priority, const char *fmt, ...);
typedef unsigned long eventfd_t;
int eventfd(unsigned int initval, int flags);
int eventfd_write(int fd, eventfd_t value);
int sched_yield(void);
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

/* --- processes ------------------------------------------------------------ */
int system(const char *command);
FILE *popen(const char *command, const char *mode);
int pclose(FILE *f);
pid_t fork(void);
int execv(const char *path, char *const argv[]);
int execve(const char *path, char *const argv[], char *const envp[]);
int execvp(const char *file, char *const argv[]);
int execl(const char *path, const char *arg, ...);
int execlp(const char *file, const char *arg, ...);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);
typedef struct { int flags; } posix_spawn_file_actions_t;
typedef struct { int flags; } posix_spawnattr_t;
int posix_spawn(pid_t *pid, const char *path,
                const posix_spawn_file_actions_t *actions,
                const posix_spawnattr_t *attr, char *const argv[],
                char *const envp[]);
int posix_spawnp(pid_t *pid, const char *file,
                 const posix_spawn_file_actions_t *actions,
                 const posix_spawnattr_t *attr, char *const argv[],
                 char *const envp[]);
pid_t getpid(void);
int kill(pid_t pid, int sig);
__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);

/* --- ipc: System V and POSIX message queues ------------------------------- */
int msgget(key_t key, int flags);
ssize_t msgrcv(int id, void *msg, size_t size, long type, int flags);
int msgsnd(int id, const void *msg, size_t size, int flags);
mqd_t mq_open(const char *name, int flags, ...);
ssize_t mq_receive(mqd_t q, char *msg, size_t len, unsigned int *prio);
int mq_send(mqd_t q, const char *msg, size_t len, unsigned int prio);
int mq_close(mqd_t q);

/* --- errno ------------------------------------------------------------------ */
int *__errno_location(void);
#define errno (*__errno_location())
#define EAGAIN 11
#define EWOULDBLOCK EAGAIN
#define EINPROGRESS 115
#define ETIMEDOUT 110

/* --- a C event library that registers callbacks (libevent's form) ----------- */
struct event;
void event_set(struct event *ev, int fd, short events,
               void (*callback)(int, short, void *), void *arg);
int event_add(struct event *ev, const struct timeval *timeout);

/* --- time and sleeps ------------------------------------------------------ */
unsigned int sleep(unsigned int seconds);
int usleep(unsigned int usec);
int nanosleep(const struct timespec *req, struct timespec *rem);
int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
                    struct timespec *rem);
int clock_gettime(clockid_t clock, struct timespec *ts);
time_t time(time_t *t);
struct tm *localtime(const time_t *t);
struct tm *localtime_r(const time_t *t, struct tm *out);
struct tm *gmtime(const time_t *t);
struct tm *gmtime_r(const time_t *t, struct tm *out);
char *ctime(const time_t *t);
char *asctime(const struct tm *tm);
size_t strftime(char *s, size_t max, const char *fmt, const struct tm *tm);

/* --- pthreads and semaphores ---------------------------------------------- */
typedef unsigned long pthread_t;
typedef struct { int flags; } pthread_attr_t;
typedef struct { int lock; } pthread_mutex_t;
typedef struct { int kind; } pthread_mutexattr_t;
typedef struct { int seq; } pthread_cond_t;
typedef struct { int kind; } pthread_condattr_t;
typedef struct { int lock; } pthread_rwlock_t;
typedef int pthread_once_t;
typedef struct { int count; } sem_t;
#define PTHREAD_MUTEX_INITIALIZER {0}
#define PTHREAD_COND_INITIALIZER {0}
#define PTHREAD_RWLOCK_INITIALIZER {0}
#define PTHREAD_ONCE_INIT 0
int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                   void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **result);
int pthread_detach(pthread_t thread);
pthread_t pthread_self(void);
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_rwlock_rdlock(pthread_rwlock_t *l);
int pthread_rwlock_wrlock(pthread_rwlock_t *l);
int pthread_rwlock_unlock(pthread_rwlock_t *l);
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                           const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);
int pthread_once(pthread_once_t *once, void (*init)(void));
int sem_init(sem_t *s, int pshared, unsigned int value);
int sem_wait(sem_t *s);
int sem_trywait(sem_t *s);
int sem_timedwait(sem_t *s, const struct timespec *abstime);
int sem_post(sem_t *s);
int sem_destroy(sem_t *s);

/* --- stdlib: memory, environment, random, parsing, sorting ---------------- */
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
char *getenv(const char *name);
int setenv(const char *name, const char *value, int overwrite);
int unsetenv(const char *name);
int putenv(char *string);
int rand(void);
int rand_r(unsigned int *seed);
void srand(unsigned int seed);
double drand48(void);
long lrand48(void);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
double atof(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
double strtod(const char *s, char **end);
float strtof(const char *s, char **end);
void qsort(void *base, size_t n, size_t size,
           int (*compare)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*compare)(const void *, const void *));
int abs(int v);
char *setlocale(int category, const char *locale);
struct passwd *getpwnam(const char *name);
struct passwd *getpwuid(uid_t uid);

/* --- string.h ------------------------------------------------------------- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strdup(const char *s);
char *strtok(char *s, const char *delim);
char *strtok_r(char *s, const char *delim, char **save);
char *strerror(int errnum);
int strerror_r(int errnum, char *buf, size_t n);

/* --- math.h --------------------------------------------------------------- */
double sqrt(double x);
float sqrtf(float x);
long double sqrtl(long double x);
double cbrt(double x);
double exp(double x);
float expf(float x);
double exp2(double x);
double log(double x);
float logf(float x);
double log2(double x);
double log10(double x);
double log1p(double x);
double pow(double x, double y);
float powf(float x, float y);
double sin(double x);
float sinf(float x);
double cos(double x);
float cosf(float x);
double tan(double x);
double asin(double x);
double acos(double x);
double atan(double x);
double atan2(double y, double x);
double sinh(double x);
double cosh(double x);
double tanh(double x);
double erf(double x);
double erfc(double x);
double tgamma(double x);
double lgamma(double x);
double lgamma_r(double x, int *sign);
double hypot(double x, double y);
double fmod(double x, double y);
double fabs(double x);
double floor(double x);
double ceil(double x);
double round(double x);
double fma(double x, double y, double z);

#ifdef __cplusplus
}
#endif

#endif /* CONCUR_MOCK_POSIX_H */
