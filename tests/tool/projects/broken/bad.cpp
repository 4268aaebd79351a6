// Does not compile: concur-advise reports the unit as not analysed (exit 3).
int broken( { return 0; }
