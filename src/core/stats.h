/* stats.h - the statistics safer reports: intervals, paired drops, rank agreement. */
#ifndef SAFER_STATS_H
#define SAFER_STATS_H

#include <stdint.h>

/* 95% Wilson score interval for k successes out of n (fractions in [0,1]). */
void stats_wilson(long k, long n, double *lo, double *hi);

/* Paired drop between a baseline and a perturbed run on the same n images.
 * n10: images right before and wrong after; n01: wrong before, right after.
 * drop = (n10 - n01) / n in percentage points, with a 95% interval from the
 * per-image differences (normal approximation on the paired differences). */
void stats_paired_drop(long n, long n10, long n01, double *drop, double *lo, double *hi);

/* Average ranks (1-based, ties get the mean of their positions), ascending. */
void stats_ranks(const double *x, int n, double *ranks);
/* Spearman rho with tie handling (Pearson on average ranks). NAN if undefined. */
double stats_spearman(const double *a, const double *b, int n);
/* Kendall tau-b. NAN if undefined. */
double stats_kendall(const double *a, const double *b, int n);
/* Size of the intersection of the k largest of a and the k largest of b. */
int stats_topk_overlap(const double *a, const double *b, int n, int k);

void stats_mean_sd(const double *x, int n, double *mean, double *sd);

/* ---- rankings with their noise: a paired bootstrap over images ----
 * A row measured on n images is its paired 2x2 table (n10 right->wrong, n01
 * wrong->right, the rest unchanged); a bootstrap draw resamples its n images
 * with replacement, i.e. (n10*, n01*, rest*) ~ Multinomial(n; n10/n, n01/n,
 * rest/n).  Rows are resampled independently of each other (a scan file keeps
 * counts, not the images' flags), which makes two rows' difference look at
 * least as noisy as it is: ties are called generously, never hidden. */
#define STATS_BOOT_DRAWS 1000

struct stats_paired {
	long n, n10, n01;
};

struct rng;
/* The counts behind a drop and interval stats_paired_drop gave (rounded:
 * files keep 4 decimals); -1 when they cannot be told (n < 2, NaN). */
int stats_paired_counts(long n, double drop, double lo, double hi, long *n10, long *n01);
/* One bootstrap draw of the row's drop in points. */
double stats_paired_resample(struct rng *r, const struct stats_paired *p);
/* Binomial(n, p) draw: exact (inversion) while n*min(p,1-p) < 40, else the
 * rounded normal approximation. */
long stats_binomial(struct rng *r, long n, double p);

/* Ranks by drop (1 = the largest drop, ties share their mean position) of
 * nitems items, item i's drop being the mean over the rows r with
 * item_of[r] == i (trials), point estimates from drops[r] and, over draws
 * seeded resamples, its 95% percentile rank interval [lo, hi].  pgt
 * (nitems x nitems, may be NULL): P(item i's drop > item j's drop) over the
 * draws, equal drops counting one half.  Items without rows get NaN. */
void stats_rank_bootstrap(const struct stats_paired *rows, const double *drops, const int *item_of, int nrows,
    int nitems, int draws, uint64_t seed, double *rank, double *lo, double *hi, double *pgt);
/* i and j are tied (their order is within noise): 2.5% < P(i > j) < 97.5%. */
int stats_tied(double pgt);
/* The q-quantile (0..1) of x[0..n) by the nearest-rank rule (sorts x). */
double stats_quantile(double *x, int n, double q);

#endif
