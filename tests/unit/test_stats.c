/* test_stats.c - stats.c against answers worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "core/rng.h"
#include "core/stats.h"
#include "formats/scan_file.h"

#define EPS 1e-9

static void assert_close(double got, double want, double eps)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("got %.12g, want %.12g (eps %g)", got, want, eps);
}

/* ---- Wilson ------------------------------------------------------------- */

/* k = 81, n = 263, z^2 = 3.841459:
 *   p = 0.307985, denom = 1 + z^2/n = 1.0146063
 *   centre = (p + z^2/(2n)) / denom = (0.307985 + 0.0073032) / 1.0146063 = 0.310749
 *   half = z * sqrt(p(1-p)/n + z^2/(4n^2)) / denom
 *        = 1.959964 * sqrt(8.10380e-4 + 1.38843e-5) / 1.0146063 = 0.0554604
 *   => [0.255289, 0.366209], the textbook [0.2553, 0.3662]. */
static void test_wilson_textbook(void **state)
{
	(void)state;
	double lo, hi;

	stats_wilson(81, 263, &lo, &hi);
	assert_close(lo, 0.2552885199, 1e-9);
	assert_close(hi, 0.3662095770, 1e-9);
}

/* k = 0, n = 10: centre = half = (z^2/20)/(1 + z^2/10) = 0.1387664, so [0, 0.2775328]
 * and k = n mirrors it to [0.7224672, 1]. */
static void test_wilson_edges(void **state)
{
	(void)state;
	double lo, hi;

	stats_wilson(0, 10, &lo, &hi);
	assert_true(lo == 0.0);
	assert_close(hi, 0.2775327999, 1e-9);

	stats_wilson(10, 10, &lo, &hi);
	assert_close(lo, 0.7224672001, 1e-9);
	assert_true(hi == 1.0);
}

static void test_wilson_empty_and_bad(void **state)
{
	(void)state;
	double lo, hi;

	stats_wilson(0, 0, &lo, &hi);
	assert_true(lo == 0.0 && hi == 1.0);
	stats_wilson(3, -1, &lo, &hi);
	assert_true(lo == 0.0 && hi == 1.0);

	/* Out-of-range k is clamped, never NaN. */
	stats_wilson(-5, 10, &lo, &hi);
	assert_true(lo == 0.0);
	assert_close(hi, 0.2775327999, 1e-9);
	stats_wilson(12, 10, &lo, &hi);
	assert_true(hi == 1.0);
	assert_close(lo, 0.7224672001, 1e-9);
}

/* ---- paired drop -------------------------------------------------------- */

/* n = 10, n10 = 3, n01 = 1: d = three +1, one -1, six 0.
 *   mean = 2/10 = 0.2 -> drop 20 pp
 *   sum (d - mean)^2 = sum d^2 - n*mean^2 = 4 - 10*0.04 = 3.6
 *   var = 3.6/9 = 0.4, sd = 0.632456, se = sd/sqrt(10) = 0.2
 *   half = z * 0.2 * 100 = 39.19928 -> [-19.19928, 59.19928] */
static void test_paired_hand(void **state)
{
	(void)state;
	double d, lo, hi;

	stats_paired_drop(10, 3, 1, &d, &lo, &hi);
	assert_close(d, 20.0, EPS);
	assert_close(lo, 20.0 - 39.19927969, 1e-7);
	assert_close(hi, 20.0 + 39.19927969, 1e-7);
}

/* A pure gain is a negative drop: n = 10, n10 = 0, n01 = 3.
 *   mean = -0.3, ss = 3 - 10*0.09 = 2.1, var = 2.1/9 = 0.233333, se = sqrt(0.0233333) = 0.1527525
 *   half = 1.959964 * 15.27525 = 29.93894 -> [-59.93894, -0.06106] */
static void test_paired_gain(void **state)
{
	(void)state;
	double d, lo, hi;

	stats_paired_drop(10, 0, 3, &d, &lo, &hi);
	assert_close(d, -30.0, EPS);
	assert_close(lo, -30.0 - 29.938944, 1e-5);
	assert_close(hi, -30.0 + 29.938944, 1e-5);
}

static void test_paired_degenerate(void **state)
{
	(void)state;
	double d, lo, hi;

	/* Nothing changed on 100 images: no spread, a point interval. */
	stats_paired_drop(100, 0, 0, &d, &lo, &hi);
	assert_true(d == 0.0 && lo == 0.0 && hi == 0.0);

	/* All flipped right->wrong: d is constant +1, sd 0, interval [100, 100]. */
	stats_paired_drop(5, 5, 0, &d, &lo, &hi);
	assert_close(d, 100.0, EPS);
	assert_close(lo, 100.0, EPS);
	assert_close(hi, 100.0, EPS);

	/* n = 1: sd undefined, drop +-100 clipped. */
	stats_paired_drop(1, 1, 0, &d, &lo, &hi);
	assert_true(d == 100.0 && lo == 0.0 && hi == 100.0);
	stats_paired_drop(1, 0, 1, &d, &lo, &hi);
	assert_true(d == -100.0 && lo == -100.0 && hi == 0.0);
	stats_paired_drop(1, 0, 0, &d, &lo, &hi);
	assert_true(d == 0.0 && lo == -100.0 && hi == 100.0);

	/* n = 0: no evidence at all. */
	stats_paired_drop(0, 0, 0, &d, &lo, &hi);
	assert_true(d == 0.0 && lo == -100.0 && hi == 100.0);
}

/* Half right->wrong, half wrong->right, n = 2: mean 0, ss = 2, var = 2, se = 1,
 * half = 196 pp -> clipped to [-100, 100]. */
static void test_paired_clipped(void **state)
{
	(void)state;
	double d, lo, hi;

	stats_paired_drop(2, 1, 1, &d, &lo, &hi);
	assert_true(d == 0.0 && lo == -100.0 && hi == 100.0);
}

/* ---- ranks -------------------------------------------------------------- */

static void test_ranks_ties(void **state)
{
	(void)state;
	const double x[] = { 10, 20, 20, 30 };
	double r[4];

	stats_ranks(x, 4, r);
	assert_close(r[0], 1.0, EPS);
	assert_close(r[1], 2.5, EPS);
	assert_close(r[2], 2.5, EPS);
	assert_close(r[3], 4.0, EPS);
}

/* Unsorted input with a triple tie: 5 takes positions 2..4 -> 3. */
static void test_ranks_unsorted(void **state)
{
	(void)state;
	const double x[] = { 5, 9, 5, 1, 5 };
	double r[5];

	stats_ranks(x, 5, r);
	assert_close(r[0], 3.0, EPS);
	assert_close(r[1], 5.0, EPS);
	assert_close(r[2], 3.0, EPS);
	assert_close(r[3], 1.0, EPS);
	assert_close(r[4], 3.0, EPS);
}

/* NaN sorts below everything and NaNs tie with each other. */
static void test_ranks_nan(void **state)
{
	(void)state;
	const double x[] = { 2, NAN, 1, NAN, -INFINITY };
	double r[5];

	stats_ranks(x, 5, r);
	assert_close(r[0], 5.0, EPS);
	assert_close(r[1], 1.5, EPS);
	assert_close(r[2], 4.0, EPS);
	assert_close(r[3], 1.5, EPS);
	assert_close(r[4], 3.0, EPS);
}

static void test_ranks_empty(void **state)
{
	(void)state;
	double r[1] = { 42.0 };

	stats_ranks(NULL, 0, r);
	assert_true(r[0] == 42.0);
}

/* ---- Spearman ----------------------------------------------------------- */

static void test_spearman_monotone(void **state)
{
	(void)state;
	const double a[] = { 1, 2, 3, 4, 5 };
	const double up[] = { 1, 4, 9, 16, 25 };
	const double down[] = { 50, 40, 30, 20, 10 };

	assert_close(stats_spearman(a, up, 5), 1.0, EPS);
	assert_close(stats_spearman(a, down, 5), -1.0, EPS);
}

/* The IQ vs. TV-hours example (Wikipedia, "Spearman's rank correlation coefficient"):
 * ranks IQ [7 4 1 5 3 6 2 10 9 8], TV [3 7 1 10 8 9 6 4 2 5], sum d^2 = 194,
 * rho = 1 - 6*194 / (10*99) = -29/165 = -0.175758. */
static void test_spearman_textbook(void **state)
{
	(void)state;
	const double iq[] = { 106, 100, 86, 101, 99, 103, 97, 113, 112, 110 };
	const double tv[] = { 7, 27, 2, 50, 28, 29, 20, 12, 6, 17 };

	assert_close(stats_spearman(iq, tv, 10), -29.0 / 165.0, EPS);
}

/* a = [1 2 2 3] -> ranks [1 2.5 2.5 4]; b = [1 3 2 2] -> ranks [1 4 2.5 2.5].
 * Mean rank 2.5; deviations a [-1.5 0 0 1.5], b [-1.5 1.5 0 0].
 * cov sum = 2.25, var sums 4.5 and 4.5 -> rho = 2.25 / 4.5 = 0.5.
 * (The no-ties 1 - 6 sum d^2 formula would give 0.55: ties matter.) */
static void test_spearman_ties(void **state)
{
	(void)state;
	const double a[] = { 1, 2, 2, 3 };
	const double b[] = { 1, 3, 2, 2 };

	assert_close(stats_spearman(a, b, 4), 0.5, EPS);
}

static void test_spearman_undefined(void **state)
{
	(void)state;
	const double a[] = { 1, 2, 3 };
	const double flat[] = { 7, 7, 7 };
	const double nans[] = { NAN, NAN, NAN };

	assert_true(isnan(stats_spearman(a, flat, 3)));
	assert_true(isnan(stats_spearman(flat, a, 3)));
	assert_true(isnan(stats_spearman(a, nans, 3)));
	assert_true(isnan(stats_spearman(a, a, 1)));
	assert_true(isnan(stats_spearman(NULL, NULL, 0)));
}

/* NaN is the smallest value, so [NaN 1 2] ranks like [0 1 2]. */
static void test_spearman_nan(void **state)
{
	(void)state;
	const double a[] = { NAN, 1, 2 };
	const double b[] = { 0, 1, 2 };
	const double c[] = { 2, 1, 0 };

	assert_close(stats_spearman(a, b, 3), 1.0, EPS);
	assert_close(stats_spearman(a, c, 3), -1.0, EPS);
}

/* ---- Kendall ------------------------------------------------------------ */

/* a = [1 2 3 4 5], b = [3 4 1 2 5]; over the 10 pairs (i<j) b goes
 *   (1,2) 3->4 C  (1,3) 3->1 D  (1,4) 3->2 D  (1,5) 3->5 C  (2,3) 4->1 D
 *   (2,4) 4->2 D  (2,5) 4->5 C  (3,4) 1->2 C  (3,5) 1->5 C  (4,5) 2->5 C
 * C = 6, D = 4, no ties -> tau = (6 - 4) / 10 = 0.2. */
static void test_kendall_textbook(void **state)
{
	(void)state;
	const double a[] = { 1, 2, 3, 4, 5 };
	const double b[] = { 3, 4, 1, 2, 5 };

	assert_close(stats_kendall(a, b, 5), 0.2, EPS);
	assert_close(stats_kendall(a, a, 5), 1.0, EPS);
	const double rev[] = { 5, 4, 3, 2, 1 };
	assert_close(stats_kendall(a, rev, 5), -1.0, EPS);
}

/* a = [1 2 2 3], b = [1 3 2 2]; n0 = 6 pairs:
 *   (1,2) C  (1,3) C  (1,4) C  (2,3) tied in a  (2,4) a up, b down: D  (3,4) tied in b
 * C = 3, D = 1, n1 = 1, n2 = 1 -> tau_b = 2 / sqrt(5 * 5) = 0.4. */
static void test_kendall_ties(void **state)
{
	(void)state;
	const double a[] = { 1, 2, 2, 3 };
	const double b[] = { 1, 3, 2, 2 };

	assert_close(stats_kendall(a, b, 4), 0.4, EPS);
}

/* a = [1 1 2], b = [1 1 2]: pair (1,2) tied in both, counted in n1 and n2.
 * C = 2, D = 0, n0 = 3, n1 = n2 = 1 -> tau_b = 2 / sqrt(2 * 2) = 1. */
static void test_kendall_joint_tie(void **state)
{
	(void)state;
	const double a[] = { 1, 1, 2 };

	assert_close(stats_kendall(a, a, 3), 1.0, EPS);
}

static void test_kendall_undefined_and_nan(void **state)
{
	(void)state;
	const double a[] = { 1, 2, 3 };
	const double flat[] = { 4, 4, 4 };
	const double withnan[] = { NAN, 5, 6 };

	assert_true(isnan(stats_kendall(a, flat, 3)));
	assert_true(isnan(stats_kendall(a, a, 1)));
	assert_true(isnan(stats_kendall(NULL, NULL, 0)));
	assert_close(stats_kendall(a, withnan, 3), 1.0, EPS);
}

/* ---- top-k overlap ------------------------------------------------------ */

/* top-3 of a = {2, 4, 0} (9, 7, 5); top-3 of b = {1, 3, 4} (9, 8, 3) -> {4}. */
static void test_topk_basic(void **state)
{
	(void)state;
	const double a[] = { 5, 3, 9, 1, 7 };
	const double b[] = { 1, 9, 2, 8, 3 };

	assert_int_equal(stats_topk_overlap(a, b, 5, 3), 1);
	assert_int_equal(stats_topk_overlap(a, a, 5, 3), 3);
	assert_int_equal(stats_topk_overlap(a, b, 5, 1), 0);
	/* k clipped to n: everything overlaps. */
	assert_int_equal(stats_topk_overlap(a, b, 5, 99), 5);
	assert_int_equal(stats_topk_overlap(a, b, 5, 0), 0);
	assert_int_equal(stats_topk_overlap(a, b, 5, -2), 0);
	assert_int_equal(stats_topk_overlap(NULL, NULL, 0, 3), 0);
}

/* Ties go to the lower index: top-2 of a constant vector is {0, 1}. */
static void test_topk_ties(void **state)
{
	(void)state;
	const double flat[] = { 1, 1, 1, 1 };
	const double tail[] = { 0, 0, 1, 1 };
	const double mid[] = { 0, 2, 2, 2 };

	assert_int_equal(stats_topk_overlap(flat, flat, 4, 2), 2);
	assert_int_equal(stats_topk_overlap(flat, tail, 4, 2), 0);
	/* mid's top-2 is {1, 2}; flat's is {0, 1}. */
	assert_int_equal(stats_topk_overlap(flat, mid, 4, 2), 1);
}

/* NaN is smallest: top-2 of [NaN 1 2] = {2, 1}; of [3 NaN 2] = {0, 2} -> {2}. */
static void test_topk_nan(void **state)
{
	(void)state;
	const double a[] = { NAN, 1, 2 };
	const double b[] = { 3, NAN, 2 };

	assert_int_equal(stats_topk_overlap(a, b, 3, 2), 1);
}

/* ---- mean / sd ---------------------------------------------------------- */

/* [2 4 4 4 5 5 7 9]: mean 5, squared deviations sum to 32, sample var 32/7. */
static void test_mean_sd(void **state)
{
	(void)state;
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	double m, s;

	stats_mean_sd(x, 8, &m, &s);
	assert_close(m, 5.0, EPS);
	assert_close(s, sqrt(32.0 / 7.0), EPS);

	stats_mean_sd(x, 1, &m, &s);
	assert_close(m, 2.0, EPS);
	assert_true(s == 0.0);

	stats_mean_sd(NULL, 0, &m, &s);
	assert_true(isnan(m));
	assert_true(s == 0.0);
}

/* Large offset, tiny spread: the two-pass sd must not cancel to garbage. */
static void test_mean_sd_offset(void **state)
{
	(void)state;
	const double x[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
	double m, s;

	stats_mean_sd(x, 3, &m, &s);
	assert_close(m, 1e9 + 2, 1e-6);
	assert_close(s, 1.0, 1e-9);
}

/* ---- rank bootstrap ------------------------------------------------------- */

/* The counts come back from the drop and interval stats_paired_drop printed
 * (4 decimals, as a scan file keeps them). */
static void test_paired_counts_roundtrip(void **state)
{
	(void)state;
	const long cases[][3] = { { 10, 3, 1 }, { 300, 12, 5 }, { 10000, 150, 37 }, { 1000, 0, 4 }, { 50, 0, 0 },
		{ 5, 5, 0 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double d, lo, hi;
		long a, b;
		stats_paired_drop(cases[i][0], cases[i][1], cases[i][2], &d, &lo, &hi);
		d = round(d * 1e4) / 1e4;
		lo = round(lo * 1e4) / 1e4;
		hi = round(hi * 1e4) / 1e4;
		assert_int_equal(stats_paired_counts(cases[i][0], d, lo, hi, &a, &b), 0);
		assert_int_equal(a, cases[i][1]);
		assert_int_equal(b, cases[i][2]);
	}
	long a, b;
	assert_int_equal(stats_paired_counts(1, 0, 0, 0, &a, &b), -1);
	assert_int_equal(stats_paired_counts(10, NAN, 0, 0, &a, &b), -1);
}

/* Enumerable: layer 0 on n = 2 images, one right->wrong (n10 = 1): a draw
 * picks k ~ Bin(2, 1/2) of its images, drop 0, 50 or 100 with probability
 * 1/4, 1/2, 1/4.  Layer 1 never changes (drop 0).  So P(drop0 > drop1) =
 * 3/4, equal 1/4: pgt = 3/4 + 1/8 = 7/8, inside (2.5%, 97.5%): tied.  Layer
 * 0's rank is 1 (3/4) or 1.5 (tie, 1/4): interval [1, 1.5]; layer 1's
 * [1.5, 2]. */
static void test_rank_bootstrap_enumerated(void **state)
{
	(void)state;
	const struct stats_paired rows[] = { { 2, 1, 0 }, { 2, 0, 0 } };
	const double drops[] = { 50, 0 };
	const int item[] = { 0, 1 };
	double rank[2], lo[2], hi[2], pgt[4];
	stats_rank_bootstrap(rows, drops, item, 2, 2, 20000, 7, rank, lo, hi, pgt);
	assert_close(rank[0], 1, EPS);
	assert_close(rank[1], 2, EPS);
	assert_close(lo[0], 1, EPS);
	assert_close(hi[0], 1.5, EPS);
	assert_close(lo[1], 1.5, EPS);
	assert_close(hi[1], 2, EPS);
	assert_close(pgt[1], 0.875, 0.01);	/* sd of the estimate: 0.0023 */
	assert_close(pgt[2], 0.125, 0.01);
	assert_close(pgt[0], 0.5, EPS);
	assert_true(stats_tied(pgt[1]));
	assert_false(stats_tied(1.0));
}

/* Certain orders: every image of layer 0 goes wrong, layer 1 never changes;
 * a third item without rows stays NaN.  Two trials of one layer average. */
static void test_rank_bootstrap_certain(void **state)
{
	(void)state;
	const struct stats_paired rows[] = { { 20, 20, 0 }, { 20, 0, 0 }, { 20, 10, 0 }, { 20, 10, 0 } };
	const double drops[] = { 100, 0, 50, 50 };
	const int item[] = { 0, 1, 3, 3 };
	double rank[4], lo[4], hi[4], pgt[16];
	stats_rank_bootstrap(rows, drops, item, 4, 4, 500, 1, rank, lo, hi, pgt);
	assert_close(rank[0], 1, EPS);
	assert_close(rank[3], 2, EPS);
	assert_close(rank[1], 3, EPS);
	assert_true(isnan(rank[2]) && isnan(lo[2]) && isnan(pgt[2 * 4 + 0]));
	assert_close(lo[0], 1, EPS);
	assert_close(hi[0], 1, EPS);
	assert_close(lo[1], 3, EPS);
	assert_close(hi[1], 3, EPS);
	assert_close(pgt[0 * 4 + 1], 1, EPS);
	assert_false(stats_tied(pgt[0 * 4 + 1]));
	/* the mean of two Bin(20, 1/2) halves: strictly between 0 and 100 almost always */
	assert_true(pgt[0 * 4 + 3] > 0.99 && pgt[3 * 4 + 1] > 0.99);
}

/* Binomial draws: mean and variance near n p and n p (1 - p), both regimes. */
static void test_binomial_moments(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 3);
	const long n[] = { 10, 1000, 10000 };
	const double p[] = { 0.3, 0.02, 0.4 };
	for (int c = 0; c < 3; c++) {
		double s = 0, ss = 0;
		const int draws = 20000;
		for (int i = 0; i < draws; i++) {
			long k = stats_binomial(&r, n[c], p[c]);
			assert_true(k >= 0 && k <= n[c]);
			s += (double)k;
			ss += (double)k * (double)k;
		}
		double m = s / draws, v = ss / draws - m * m, want = (double)n[c] * p[c];
		assert_close(m, want, 4 * sqrt(want * (1 - p[c]) / draws) + 1e-9);
		assert_close(v, want * (1 - p[c]), 0.05 * want * (1 - p[c]));
	}
}

/* A negative drop within its interval is no measurable effect ("none"); a
 * significant one (the interval below 0) and positive drops keep their number. */
static void test_no_effect(void **state)
{
	(void)state;
	char buf[16];
	struct scan_row r = { .drop = -0.33, .drop_lo = -2.30, .drop_hi = 1.63 };
	assert_true(scan_row_no_effect(&r));
	scan_drop_text(&r, buf, sizeof buf);
	assert_string_equal(buf, "none");
	r = (struct scan_row){ .drop = -3.0, .drop_lo = -5.0, .drop_hi = -1.0 };
	assert_false(scan_row_no_effect(&r));
	scan_drop_text(&r, buf, sizeof buf);
	assert_string_equal(buf, "-3.00");
	r = (struct scan_row){ .drop = 0.5, .drop_lo = -1.0, .drop_hi = 2.0 };
	assert_false(scan_row_no_effect(&r));
	scan_drop_text(&r, buf, sizeof buf);
	assert_string_equal(buf, "0.50");
	r = (struct scan_row){ .drop = NAN, .drop_lo = NAN, .drop_hi = NAN };
	assert_false(scan_row_no_effect(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson_textbook),
		cmocka_unit_test(test_wilson_edges),
		cmocka_unit_test(test_wilson_empty_and_bad),
		cmocka_unit_test(test_paired_hand),
		cmocka_unit_test(test_paired_gain),
		cmocka_unit_test(test_paired_degenerate),
		cmocka_unit_test(test_paired_clipped),
		cmocka_unit_test(test_ranks_ties),
		cmocka_unit_test(test_ranks_unsorted),
		cmocka_unit_test(test_ranks_nan),
		cmocka_unit_test(test_ranks_empty),
		cmocka_unit_test(test_spearman_monotone),
		cmocka_unit_test(test_spearman_textbook),
		cmocka_unit_test(test_spearman_ties),
		cmocka_unit_test(test_spearman_undefined),
		cmocka_unit_test(test_spearman_nan),
		cmocka_unit_test(test_kendall_textbook),
		cmocka_unit_test(test_kendall_ties),
		cmocka_unit_test(test_kendall_joint_tie),
		cmocka_unit_test(test_kendall_undefined_and_nan),
		cmocka_unit_test(test_topk_basic),
		cmocka_unit_test(test_topk_ties),
		cmocka_unit_test(test_topk_nan),
		cmocka_unit_test(test_mean_sd),
		cmocka_unit_test(test_mean_sd_offset),
		cmocka_unit_test(test_paired_counts_roundtrip),
		cmocka_unit_test(test_rank_bootstrap_enumerated),
		cmocka_unit_test(test_rank_bootstrap_certain),
		cmocka_unit_test(test_binomial_moments),
		cmocka_unit_test(test_no_effect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
