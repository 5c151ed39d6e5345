/* criterion.h - the names of the importance criteria and the table of their
 * scores and ranks per weight layer: the data that rank files store and the
 * engine (engine/criteria.h, which says what each score is) computes. */
#ifndef SAFER_CRITERION_H
#define SAFER_CRITERION_H

enum criterion {
	CRIT_MAGNITUDE,
	CRIT_L2,
	CRIT_L2PP,
	CRIT_PARAMS,
	CRIT_MACS,
	CRIT_GRAD,
	CRIT_TAYLOR,
	CRIT_FISHER,
	CRIT_HESSIAN,
	CRIT_IG,
	CRIT_QUICK,
	CRIT_COUNT
};

const char *criterion_name(enum criterion c);
int criterion_from_name(const char *name, enum criterion *out);
/* One line on what the score is (static string). */
const char *criterion_explain(enum criterion c);

/* Scores (and ranks) of every weight layer, one column per criterion. */
struct criteria_table {
	int n;			/* weight layers */
	int *layers;		/* owned: Darknet layer indexes */
	char (*kinds)[16];	/* owned: "conv", "connected" */
	int ncols;
	enum criterion cols[CRIT_COUNT];
	double *score;		/* owned: n x ncols, row-major */
	double *rank;		/* owned: same shape; 1 = most important */
};

/* Rows for n layers and the columns of `mask`, in criterion order, zeroed. */
void criteria_table_init(struct criteria_table *t, int n, unsigned mask);
void criteria_table_free(struct criteria_table *t);
/* Column of criterion c, -1 when absent. */
int criteria_column(const struct criteria_table *t, enum criterion c);

#endif
