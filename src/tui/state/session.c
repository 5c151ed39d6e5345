/* session.c - the working budget survives the session: saved on exit to
 * $XDG_STATE_HOME/safer/session.budget (default ~/.local/state/...), offered
 * back at the next start. */
#include "tui/state/session.h"
#include "tui/state/budget.h"
#include "tui/state/msg.h"
#include "tui/state/prompt.h"
#include "tui/state/types.h"
#include "core/atomic.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *session_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	if (state && state[0] == '/')	/* the spec ignores relative values */
		return xasprintf("%s/safer/session.budget", state);
	const char *home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.local/state/safer/session.budget", home);
	return NULL;
}

/* mkdir -p of the directory part of path. */
static int make_parents(const char *path, char **cause)
{
	char *dir = xstrdup(path);
	int rc = 0;
	for (char *p = dir + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("%s: %s", dir, strerror(errno));
			rc = -1;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

int tui_session_save(struct tui *t, char **cause)
{
	budget_compact(&t->budget.b);
	char *path = session_path();
	if (t->budget.b.n == 0 || path == NULL) {
		free(path);
		return 0;
	}
	struct atomic_file a;
	int rc = -1;
	if (make_parents(path, cause) == 0 && atomic_open(&a, path, cause) == 0) {
		if (budget_write(a.f, &t->budget.b, t->model) != 0) {
			*cause = xasprintf("%s: write failed", path);
			atomic_abort(&a);
		} else {
			rc = atomic_commit(&a, cause);
		}
	}
	free(path);
	return rc;
}

static void session_restore(struct tui *t, int accepted, const char *text)
{
	(void)text;
	char *path = session_path(), *cause = NULL;
	struct budget nb;
	if (!accepted) {
		tui_msg(t, 0, "starting with an empty budget");
	} else if (path && budget_load(path, t->model, &nb, &cause) == 0) {
		tui_budget_set(t, &nb, "restore the last session");
		tui_msg(t, 0, "restored the last session's budget (%d layer%s)", t->budget.b.n,
		    t->budget.b.n == 1 ? "" : "s");
	} else {
		tui_msg_fail(t, "session", cause);
	}
	free(path);
}

void tui_session_offer(struct tui *t)
{
	char *path = session_path();
	if (path && access(path, R_OK) == 0)
		tui_prompt_yesno(t, "restore last session's budget?", session_restore);
	free(path);
}
