/* format.c - see format.h */
#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *fmt_thousands(uint64_t v, char *buf, size_t size)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
	size_t o = 0;
	for (int i = 0; i < n && o + 1 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0 && o + 2 < size)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

char *fmt_si(double v, char *buf, size_t size)
{
	static const char units[] = " kMGTP";
	int u = 0;
	while (v >= 999.5 && u < 5) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, v < 9.995 ? "%.2f%c" : v < 99.95 ? "%.1f%c" : "%.0f%c", v, units[u]);
	return buf;
}

char *fmt_bytes(double bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, u == 0 ? "%.0f %s" : "%.2f %s", bytes, units[u]);
	return buf;
}

char *fmt_bytes_short(double bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	while (bytes >= 999.5 && u < 4) {	/* 1000..1023 KiB reads as 0.98MiB: 3 digits at most */
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, u == 0 || bytes >= 99.95 ? "%.0f%s" : bytes >= 9.995 ? "%.1f%s" : "%.2f%s", bytes, units[u]);
	return buf;
}

char *fmt_shape(int w, int h, int c, char *buf, size_t size)
{
	snprintf(buf, size, "%dx%dx%d", w, h, c);
	return buf;
}

char *fmt_real_shortest(double v, char *buf, size_t size)
{
	if (!isfinite(v)) {	/* one spelling whatever the precision */
		snprintf(buf, size, "%g", v);
		return buf;
	}
	int prec = 1;
	for (; prec < 17; prec++) {
		snprintf(buf, size, "%.*e", prec - 1, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* those digits without an exponent where that reads well: 911220, not
	 * %g's 9.1122e+05.  Below 1e15 a whole number of prec digits is exactly
	 * a double, so %.0f prints those digits and zeros, never more digits. */
	snprintf(buf, size, "%.*e", prec - 1, v);
	int exp10 = atoi(strchr(buf, 'e') + 1);
	if (exp10 < -4 || exp10 >= 15)
		snprintf(buf, size, "%.*g", prec, v);
	else
		snprintf(buf, size, "%.*f", prec - 1 - exp10 > 0 ? prec - 1 - exp10 : 0, v);
	return buf;
}
