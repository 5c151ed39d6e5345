/* stats.c - see stats.h */
#include "core/stats.h"
#include "core/rng.h"
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

int stats_paired_counts(long n, double drop, double lo, double hi, long *n10, long *n01)
{
	if (n < 2 || !isfinite(drop) || !isfinite(lo) || !isfinite(hi))
		return -1;
	double nn = (double)n, mean = drop / 100.0;
	/* the wider side: the other may have been clipped at +-100 */
	double half = fmax(hi - drop, drop - lo) / 100.0;
	double sd = half / STATS_Z95 * sqrt(nn);
	double disc = sd * sd * (nn - 1.0) + nn * mean * mean;	/* n10 + n01 */
	if (!(disc <= nn))	/* an interval wider than n images allow (or garbage) */
		disc = nn;
	long diff = lround(mean * nn), sum = lround(disc);
	if ((sum - diff) % 2 != 0)	/* rounding: the parity of n10 - n01 wins */
		sum += disc > (double)sum ? 1 : -1;
	if (sum < labs(diff))
		sum = labs(diff);
	if (sum > n)
		sum = n - ((n - diff) % 2 != 0);
	*n10 = (sum + diff) / 2;
	*n01 = (sum - diff) / 2;
	if (*n10 < 0 || *n01 < 0 || *n10 + *n01 > n)
		return -1;
	return 0;
}

long stats_binomial(struct rng *r, long n, double p)
{
	if (n <= 0 || p <= 0.0)
		return 0;
	if (p >= 1.0)
		return n;
	if (p > 0.5)
		return n - stats_binomial(r, n, 1.0 - p);
	double np = (double)n * p;
	if (np >= 40.0) {
		double x = floor(np + sqrt(np * (1.0 - p)) * rng_normal(r) + 0.5);
		return x < 0 ? 0 : x > (double)n ? n : (long)x;
	}
	/* inversion: walk the cumulative probabilities from k = 0 */
	double u = rng_uniform(r), q = 1.0 - p, pk = pow(q, (double)n), cdf = pk;
	long k = 0;
	while (u >= cdf && k < n) {
		pk *= ((double)(n - k) / (double)(k + 1)) * (p / q);
		k++;
		cdf += pk;
	}
	return k;
}

double stats_paired_resample(struct rng *r, const struct stats_paired *p)
{
	if (p->n <= 0)
		return 0.0;
	double nn = (double)p->n, p10 = (double)p->n10 / nn, p01 = (double)p->n01 / nn;
	long a = stats_binomial(r, p->n, p10);
	long b = p10 < 1.0 ? stats_binomial(r, p->n - a, p01 / (1.0 - p10)) : 0;
	return 100.0 * (double)(a - b) / nn;
}

static int cmp_double(const void *pa, const void *pb)
{
	return cmp_value(*(const double *)pa, *(const double *)pb);
}

double stats_quantile(double *x, int n, double q)
{
	if (n <= 0)
		return NAN;
	qsort(x, (size_t)n, sizeof *x, cmp_double);
	int k = (int)ceil(q * n) - 1;
	return x[k < 0 ? 0 : k >= n ? n - 1 : k];
}

int stats_tied(double pgt)
{
	return isfinite(pgt) && pgt > 0.025 && pgt < 0.975;
}

/* Descending ranks of the items' drops (NaN items keep NaN). */
static void ranks_desc(const double *v, int n, double *neg, double *rank)
{
	for (int i = 0; i < n; i++)
		neg[i] = -v[i];
	stats_ranks(neg, n, rank);
	/* NaN sorts first: shift the finite ones back */
	int nan = 0;
	for (int i = 0; i < n; i++)
		nan += isnan(v[i]);
	for (int i = 0; i < n; i++)
		rank[i] = isnan(v[i]) ? NAN : rank[i] - nan;
}

/* The mean drop per item from the rows' values. */
static void item_means(const double *d, const int *item_of, int nrows, int nitems, double *sum, int *cnt)
{
	for (int i = 0; i < nitems; i++) {
		sum[i] = 0;
		cnt[i] = 0;
	}
	for (int r = 0; r < nrows; r++)
		if (item_of[r] >= 0 && item_of[r] < nitems && isfinite(d[r])) {
			sum[item_of[r]] += d[r];
			cnt[item_of[r]]++;
		}
	for (int i = 0; i < nitems; i++)
		sum[i] = cnt[i] ? sum[i] / cnt[i] : NAN;
}

void stats_rank_bootstrap(const struct stats_paired *rows, const double *drops, const int *item_of, int nrows,
    int nitems, int draws, uint64_t seed, double *rank, double *lo, double *hi, double *pgt)
{
	if (nitems <= 0)
		return;
	size_t ni = (size_t)nitems;
	double *v = xcalloc(ni, sizeof *v), *neg = xcalloc(ni, sizeof *neg), *rk = xcalloc(ni, sizeof *rk);
	double *d = xcalloc(nrows > 0 ? (size_t)nrows : 1, sizeof *d);
	double *all = xcalloc(ni * (size_t)(draws > 0 ? draws : 1), sizeof *all);	/* item-major */
	int *cnt = xcalloc(ni, sizeof *cnt);
	item_means(drops, item_of, nrows, nitems, v, cnt);
	ranks_desc(v, nitems, neg, rank);
	if (pgt)
		for (size_t k = 0; k < ni * ni; k++)
			pgt[k] = 0;
	struct rng r;
	rng_seed(&r, seed);
	for (int b = 0; b < draws; b++) {
		for (int k = 0; k < nrows; k++)
			d[k] = isfinite(drops[k]) ? stats_paired_resample(&r, &rows[k]) : NAN;
		item_means(d, item_of, nrows, nitems, v, cnt);
		ranks_desc(v, nitems, neg, rk);
		for (int i = 0; i < nitems; i++)
			all[(size_t)i * (size_t)draws + (size_t)b] = rk[i];
		for (int i = 0; pgt && i < nitems; i++)
			for (int j = 0; j < nitems; j++)
				pgt[(size_t)i * ni + (size_t)j] += v[i] > v[j] ? 1.0 : v[i] == v[j] ? 0.5 : 0.0;
	}
	for (int i = 0; i < nitems; i++) {
		double *x = &all[(size_t)i * (size_t)draws];
		if (isnan(rank[i]) || draws <= 0) {
			lo[i] = hi[i] = rank[i];
			continue;
		}
		lo[i] = stats_quantile(x, draws, 0.025);
		hi[i] = stats_quantile(x, draws, 0.975);
	}
	for (size_t k = 0; pgt && k < ni * ni; k++)
		pgt[k] = draws > 0 && isfinite(rank[k / ni]) && isfinite(rank[k % ni]) ? pgt[k] / draws : NAN;
	free(v);
	free(neg);
	free(rk);
	free(d);
	free(all);
	free(cnt);
}
