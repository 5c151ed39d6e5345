/* msg.c - the status line's message: one line, set by whatever happened last. */
#include "tui/state/msg.h"
#include "tui/state/types.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void tui_msg(struct tui *t, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	/* one line: messages quote file contents and paths */
	for (char *p = t->msg; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	t->msg_error = error;
	t->dirty = 1;
}

void tui_msg_fail(struct tui *t, const char *what, char *cause)
{
	tui_msg(t, 1, "%s: %s", what, cause ? cause : "failed");
	free(cause);
}
