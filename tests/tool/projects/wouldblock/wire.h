// A descriptor layer (net.cpp) under a packet layer (packet.cpp).
#pragma once
long net_send(int sock, const char *data, long len);
