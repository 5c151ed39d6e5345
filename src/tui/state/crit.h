/* crit.h - the importance criteria next to the measured sensitivity: the
 * weight statistics computed at start from the pristine weights, plus the
 * columns of a `safer rank` file (--rank, R) and the gradient criteria
 * computed in the background; and their agreement with the drops measured
 * at the current kind and level, as `safer compare` computes it. */
#ifndef SAFER_TUI_CRIT_H
#define SAFER_TUI_CRIT_H

#include <stddef.h>

#include "tui/state/types.h"

/* Fewer measured layers than this make no ranking: rho and tau over two or
 * three layers are 1.00 or -1.00 by chance, so the pane shows none. */
#define TUI_CRIT_MIN_MEASURED 4

/* Called before any job runs: the master weights are pristine. */
void tui_crit_init(struct tui *t);
void tui_crit_free(struct tui_criteria *c);
/* Adds the columns of a rank file made from the same weights. */
int tui_crit_load(struct tui *t, const char *path, char **cause);
/* Gradient criteria (grad, taylor, fisher) on the first images, computed by
 * a thread on its own copy of the network read from the cfg and weights
 * files (the engine's weights are perturbed meanwhile); tui_crit_wake_fd
 * turns readable when they are ready and tui_crit_background_done merges
 * them.  tui_crit_background_stop interrupts and joins (before curses stops:
 * Darknet's output capture swaps fds 1 and 2). */
void tui_crit_background_start(struct tui *t);
int tui_crit_wake_fd(const struct tui *t);	/* -1 when nothing runs */
void tui_crit_background_done(struct tui *t);
void tui_crit_background_stop(struct tui *t);
/* Every criterion against the drops measured at the current kind/level;
 * the caller frees v. */
void tui_crit_agreement(const struct tui *t, struct tui_crit_agreement *v);
void tui_crit_agreement_free(struct tui_crit_agreement *v);
/* Brings t->crit.agree up to date; recomputes only when the results, the
 * table or the kind/level/seed changed since the last call. */
void tui_crit_refresh(struct tui *t);

/* The noise of t->crit.agree, brought up to date with it by tui_crit_refresh
 * (core/stats.h: a paired bootstrap of each measured drop's counts, seeded by
 * the explorer's seed): the measured ranking's intervals and ties, each
 * criterion's rho interval and whether it is within noise of the best's
 * (the bootstrap difference of rho includes 0).  Kept by crit.c. */
struct tui_crit_noise {
	int n;				/* table rows */
	double *rank_lo, *rank_hi;	/* per row, NaN unmeasured */
	unsigned char *tied;		/* n x n: rows i, j in an order within noise */
	double rho_lo[CRIT_COUNT], rho_hi[CRIT_COUNT];	/* NaN when rho is */
	unsigned char same_as_best[CRIT_COUNT];
};
const struct tui_crit_noise *tui_crit_noise(const struct tui *t);
/* One line: which criterion predicts the measured drops best. */
char *tui_crit_reading(const struct tui *t, const struct tui_crit_agreement *v, char *buf, size_t size);

#endif
