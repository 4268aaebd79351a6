// A stand-in for libevent's header: its path is what identifies libevent.
struct event_base;
int event_base_dispatch(struct event_base *base);
