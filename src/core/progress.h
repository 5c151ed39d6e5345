/* progress.h - how far long work has got, on stderr: on a terminal one
 * line rewritten in place (the caller draws it); on anything else (a log
 * file, a pipe, a batch job's output) a plain line now and then,
 * "safer: scan: 12/60 rows, 20%, 3.1 s elapsed", so a log shows the work
 * moving without a stream of carriage returns.  --quiet silences both. */
#ifndef SAFER_PROGRESS_H
#define SAFER_PROGRESS_H

struct progress {
	const char *what, *unit;	/* borrowed: "scan", "rows" */
	int tty;		/* stderr is a terminal: the in-place line */
	int quiet;		/* nothing at all */
	int tenths;		/* plain lines also at every tenth of the total */
	double t0, last;	/* start; the last plain line */
	int last_tenth;
};

/* Plain lines come every PROGRESS_PLAIN_SECONDS (and at every tenth with
 * tenths set). */
#define PROGRESS_PLAIN_SECONDS 5.0

void progress_start(struct progress *p, const char *what, const char *unit, int tenths, int quiet);
/* 1 when the caller should redraw its in-place line (a terminal, not
 * quiet); otherwise prints the plain line when one is due and returns 0. */
int progress_update(struct progress *p, int done, int total);

#endif
