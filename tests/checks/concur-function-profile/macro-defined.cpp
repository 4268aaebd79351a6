// Functions whose names come from macros are profiled under their real names
// (code bases define handlers, plugin hooks and renamed library functions so).
// CONCUR-CONFIG: {CheckOptions: {concur-function-profile.Enable: true}}
#include <concur_mock_posix.h>
#include <mock_std.h>

#define DEFINE_HANDLER(name) long name(int fd, char *buf)
#define PLUGIN_HOOK(plugin, hook) long plugin##_##hook(int fd, char *buf)
#define md5_update li_md5_update

// The name is a macro argument.
DEFINE_HANDLER(on_read) { return read(fd, buf, 4096); }
// CHECK-MESSAGES: :[[@LINE-1]]:16: remark: 'on_read' is io (file; confidence {{[0-9.]+}}); model: threading

// The name is pasted together in the macro.
PLUGIN_HOOK(mod_status, handle) { return read(fd, buf, 512); }
// CHECK-MESSAGES: :[[@LINE-1]]:1: remark: 'mod_status_handle' is io (file; confidence {{[0-9.]+}}); model: threading

// The name is renamed by an object-like macro.
long md5_update(long *state, const unsigned char *in, int n) {
  long s = *state;
  for (int i = 0; i < n; ++i)
    s = (s << 5) + s + in[i];
  return *state = s;
}
// CHECK-MESSAGES: :[[@LINE-6]]:6: remark: 'li_md5_update' is {{.*}}
