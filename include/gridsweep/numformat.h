/* The number writer of map rows: printf's %.Pg, byte for byte, without
 * printf's cost (glibc's exact big-number path took 12% of a sorted sweep's
 * time and 15% of a short relu sweep's: README, "Where the time goes"). */
#ifndef GRIDSWEEP_NUMFORMAT_H
#define GRIDSWEEP_NUMFORMAT_H

/* Writes v as sprintf(p, "%.*g", precision, v) would in the C locale
 * (precision 1 to 17; glibc rounds the exact value half to even) and a
 * terminating NUL; returns the address of that NUL. p must have room for 32
 * bytes. */
char *gs_format_g(char *p, double v, int precision);

#endif
