/* format.h - human-readable numbers for tables and the TUI. */
#ifndef SAFER_FORMAT_H
#define SAFER_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* 1234567 -> "1,234,567" into buf (at least 32 bytes); returns buf. */
char *fmt_thousands(uint64_t v, char *buf, size_t size);
/* 1234567 -> "1.2M" style, 3 significant digits (k, M, G, T). */
char *fmt_si(double v, char *buf, size_t size);
/* bytes -> "1.18 MiB" */
char *fmt_bytes(double bytes, char *buf, size_t size);
/* bytes -> "891KiB", "1.18MiB": IEC, 3 significant digits, for narrow columns. */
char *fmt_bytes_short(double bytes, char *buf, size_t size);
/* v in the fewest significant digits (1 to 17) that strtod reads back as
 * exactly v: 0.927, not 0.92700000000000005; without an exponent from 1e-4
 * to 1e15 (911220, not 9.1122e+05).  buf at least 32 bytes. */
char *fmt_real_shortest(double v, char *buf, size_t size);
/* "28x28x16" */
char *fmt_shape(int w, int h, int c, char *buf, size_t size);

#endif
