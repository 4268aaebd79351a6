/* Assembly with the preprocessor: listed in the database, not analysed. */
#define ENTRY(name) .globl name; name:
ENTRY(concur_start)
  ret
