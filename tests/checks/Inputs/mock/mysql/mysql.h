/* mysql/mysql.h - the same mock as <mysql.h>, for code that includes it by
 * this path. */
#pragma GCC system_header
#include "../mysql.h"
