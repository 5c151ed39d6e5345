/* stats.h - the statistics safer reports: intervals, paired drops, rank agreement. */
#ifndef SAFER_STATS_H
#define SAFER_STATS_H

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

#endif
