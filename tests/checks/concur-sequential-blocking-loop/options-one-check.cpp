// A check option given for one check changes that check only, although the
// checks of a translation unit share their analysis when configured alike:
// here each check knows rpc::call as another kind of I/O, and each must say
// its own whichever check analyses the loop first.
// CONCUR-CHECKS: -*,concur-sequential-blocking-loop,concur-function-profile
// CONCUR-CONFIG: {CheckOptions: {concur-sequential-blocking-loop.ExtraBlockingFunctions: 'rpc::call=network', concur-function-profile.ExtraBlockingFunctions: 'rpc::call=database', concur-function-profile.Enable: true}}

namespace rpc {
int call(int service, int arg);
}

void call_ten() {
  for (int i = 0; i < 10; ++i)
    rpc::call(i, 0);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'rpc::call'; run them concurrently (row: asyncio)
}
// CHECK-MESSAGES: :[[@LINE-5]]:6: remark: 'call_ten' is io (database; confidence {{[0-9.]+}})
