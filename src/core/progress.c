/* progress.c - see progress.h */
#include "core/progress.h"
#include "core/util.h"

#include <stdio.h>
#include <unistd.h>

void progress_start(struct progress *p, const char *what, const char *unit, int tenths, int quiet)
{
	*p = (struct progress){ .what = what, .unit = unit, .tty = isatty(2), .quiet = quiet, .tenths = tenths };
	p->t0 = p->last = now_seconds();
}

int progress_update(struct progress *p, int done, int total)
{
	if (p->quiet)
		return 0;
	if (p->tty)
		return 1;
	double now = now_seconds();
	int tenth = total > 0 ? (int)(10LL * done / total) : 10;
	int due = now - p->last >= PROGRESS_PLAIN_SECONDS || (p->tenths && tenth > p->last_tenth);
	if (!due || done <= 0)
		return 0;
	fprintf(stderr, "safer: %s: %d/%d %s, %d%%, %.1f s elapsed\n", p->what, done, total, p->unit,
	    total > 0 ? (int)(100LL * done / total) : 100, now - p->t0);
	fflush(stderr);
	p->last = now;
	p->last_tenth = tenth;
	return 0;
}
