/* stats.c - see stats.h */
#include "core/stats.h"
#include "core/util.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

/* Two-sided 95% normal quantile. */
#define STATS_Z95 1.959963984540054

static double clip(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

void stats_wilson(long k, long n, double *lo, double *hi)
{
	if (n <= 0) {
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	/* A caller bug should give a sane interval, not NaN from sqrt of a negative. */
	if (k < 0)
		k = 0;
	if (k > n)
		k = n;

	double nn = (double)n, z2 = STATS_Z95 * STATS_Z95;
	double p = (double)k / nn;
	double denom = 1.0 + z2 / nn;
	double centre = (p + z2 / (2.0 * nn)) / denom;
	double half = STATS_Z95 * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;

	/* The bounds at k = 0 and k = n are exactly 0 and 1; rounding would leave 1e-17 crumbs. */
	*lo = k == 0 ? 0.0 : clip(centre - half, 0.0, 1.0);
	*hi = k == n ? 1.0 : clip(centre + half, 0.0, 1.0);
}

void stats_paired_drop(long n, long n10, long n01, double *drop, double *lo, double *hi)
{
	if (n <= 0) {
		/* No images, no evidence either way. */
		*drop = 0.0;
		*lo = -100.0;
		*hi = 100.0;
		return;
	}
	if (n10 < 0)
		n10 = 0;
	if (n01 < 0)
		n01 = 0;
	if (n10 > n)
		n10 = n;
	if (n01 > n)
		n01 = n;

	double nn = (double)n;
	double mean = ((double)n10 - (double)n01) / nn;
	*drop = clip(100.0 * mean, -100.0, 100.0);

	if (n == 1) {
		/* One image: the sample sd is undefined, so claim nothing beyond the range. */
		*lo = clip(*drop - 100.0, -100.0, 100.0);
		*hi = clip(*drop + 100.0, -100.0, 100.0);
		return;
	}
	if (n10 == 0 && n01 == 0) {
		/* Every difference is 0: the sample has no spread at all. */
		*lo = 0.0;
		*hi = 0.0;
		return;
	}

	/* d_i^2 is 1 for each discordant image, so sum (d_i - mean)^2 = (n10 + n01) - n*mean^2.
	 * Clamped at 0 in case inconsistent counts (n10 + n01 > n) push it negative. */
	double ss = ((double)n10 + (double)n01) - nn * mean * mean;
	if (ss < 0.0)
		ss = 0.0;
	double sd = sqrt(ss / (nn - 1.0));
	double half = 100.0 * STATS_Z95 * sd / sqrt(nn);
	*lo = clip(*drop - half, -100.0, 100.0);
	*hi = clip(*drop + half, -100.0, 100.0);
}

/* Total order on doubles with NaN below everything and all NaNs equal, so sorting never
 * depends on how qsort meets an unordered comparison. */
static int cmp_value(double x, double y)
{
	bool xn = isnan(x), yn = isnan(y);

	if (xn || yn)
		return xn && yn ? 0 : xn ? -1 : 1;
	return x < y ? -1 : x > y ? 1 : 0;
}

struct stats_pair {
	double value;
	int index;
};

/* Ascending by value; index breaks ties so the order is the same under every qsort. */
static int cmp_pair_asc(const void *pa, const void *pb)
{
	const struct stats_pair *a = pa, *b = pb;
	int c = cmp_value(a->value, b->value);

	if (c != 0)
		return c;
	return (a->index > b->index) - (a->index < b->index);
}

/* Descending by value, lower index first among ties (the top-k tie rule). */
static int cmp_pair_desc(const void *pa, const void *pb)
{
	const struct stats_pair *a = pa, *b = pb;
	int c = cmp_value(b->value, a->value);

	if (c != 0)
		return c;
	return (a->index > b->index) - (a->index < b->index);
}

static struct stats_pair *sorted_pairs(const double *x, int n, int (*cmp)(const void *, const void *))
{
	struct stats_pair *p = xmalloc((size_t)n * sizeof *p);

	for (int i = 0; i < n; i++) {
		p[i].value = x[i];
		p[i].index = i;
	}
	qsort(p, (size_t)n, sizeof *p, cmp);
	return p;
}

void stats_ranks(const double *x, int n, double *ranks)
{
	if (n <= 0)
		return;

	struct stats_pair *p = sorted_pairs(x, n, cmp_pair_asc);
	int i = 0;

	while (i < n) {
		int j = i + 1;
		while (j < n && cmp_value(p[j].value, p[i].value) == 0)
			j++;
		/* Positions i+1 .. j (1-based) share their mean. */
		double r = ((double)i + 1.0 + (double)j) / 2.0;
		for (int t = i; t < j; t++)
			ranks[p[t].index] = r;
		i = j;
	}
	free(p);
}

double stats_spearman(const double *a, const double *b, int n)
{
	if (n < 2)
		return NAN;

	double *ra = xmalloc((size_t)n * sizeof *ra);
	double *rb = xmalloc((size_t)n * sizeof *rb);

	stats_ranks(a, n, ra);
	stats_ranks(b, n, rb);

	/* Average ranks always sum to n(n+1)/2, so the mean is exact. */
	double m = ((double)n + 1.0) / 2.0;
	double sab = 0.0, saa = 0.0, sbb = 0.0;
	for (int i = 0; i < n; i++) {
		double da = ra[i] - m, db = rb[i] - m;
		sab += da * db;
		saa += da * da;
		sbb += db * db;
	}
	free(ra);
	free(rb);

	/* Ranks are multiples of 0.5, so a constant side gives exactly zero here. */
	if (saa == 0.0 || sbb == 0.0)
		return NAN;
	return clip(sab / sqrt(saa * sbb), -1.0, 1.0);
}

double stats_kendall(const double *a, const double *b, int n)
{
	if (n < 2)
		return NAN;

	long long conc = 0, disc = 0, ties_a = 0, ties_b = 0;
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++) {
			int sa = cmp_value(a[i], a[j]), sb = cmp_value(b[i], b[j]);
			/* Pairs tied in both count towards both tie totals (tau-b's n1 and n2). */
			if (sa == 0)
				ties_a++;
			if (sb == 0)
				ties_b++;
			if (sa != 0 && sb != 0) {
				if (sa == sb)
					conc++;
				else
					disc++;
			}
		}
	}

	long long n0 = (long long)n * (n - 1) / 2;
	double den = sqrt((double)(n0 - ties_a)) * sqrt((double)(n0 - ties_b));
	if (den == 0.0)
		return NAN;
	return clip((double)(conc - disc) / den, -1.0, 1.0);
}

int stats_topk_overlap(const double *a, const double *b, int n, int k)
{
	if (n <= 0 || k <= 0)
		return 0;
	if (k > n)
		k = n;

	struct stats_pair *pa = sorted_pairs(a, n, cmp_pair_desc);
	struct stats_pair *pb = sorted_pairs(b, n, cmp_pair_desc);
	bool *in_a = xcalloc((size_t)n, sizeof *in_a);

	for (int i = 0; i < k; i++)
		in_a[pa[i].index] = true;
	int common = 0;
	for (int i = 0; i < k; i++)
		common += in_a[pb[i].index];

	free(in_a);
	free(pa);
	free(pb);
	return common;
}

void stats_mean_sd(const double *x, int n, double *mean, double *sd)
{
	if (n <= 0) {
		/* The mean of nothing is undefined; NaN shows up in a report instead of a fake 0. */
		*mean = NAN;
		*sd = 0.0;
		return;
	}

	/* Two passes: the one-pass sum-of-squares formula loses digits when sd << mean.
	 * NaN in x propagates into both results. */
	double s = 0.0;
	for (int i = 0; i < n; i++)
		s += x[i];
	double m = s / n;

	double ss = 0.0;
	for (int i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);

	*mean = m;
	*sd = n < 2 ? 0.0 : sqrt(ss / (n - 1));
}
