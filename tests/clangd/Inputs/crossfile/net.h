// Declared here, defined in net.cpp: a single-file analysis of service.cpp
// cannot see that fetch_block blocks.
#pragma once
long fetch_block(int fd);
