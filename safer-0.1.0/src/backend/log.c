/* log.c - Darknet's stdout/stderr, diverted to a nameless log file.
 *
 * Darknet prints from deep inside its parser and loader, so the only way to
 * silence it is to point fds 1 and 2 elsewhere, which is process-wide.  Two
 * threads doing that unlocked (the explorer's criteria task and an export on
 * the main thread) could save each other's redirection as "the terminal" and
 * leave fds 1 and 2 on the log for good; so the sections are counted under a
 * mutex: the first to begin saves and redirects, the last to end restores. */
#include "backend/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = -1;
static int log_verbose;
/* Under log_mu: open sections, and the fds 1 and 2 they will restore. */
static int log_depth;
static int saved_out = -1, saved_err = -1;

void backend_set_verbose(int verbose)
{
	log_verbose = verbose;
}

/* Called with log_mu held. */
static void log_open(void)
{
	if (log_fd >= 0)
		return;
	char tmpl[] = "/tmp/safer-darknet-log-XXXXXX";
	log_fd = mkstemp(tmpl);
	if (log_fd >= 0)
		unlink(tmpl);	/* nameless: vanishes with the process */
}

int backend_log_fd(void)
{
	pthread_mutex_lock(&log_mu);
	log_open();
	int fd = log_fd;
	pthread_mutex_unlock(&log_mu);
	return fd;
}

void backend_log_begin(void)
{
	pthread_mutex_lock(&log_mu);
	if (log_depth++ == 0) {
		fflush(stdout);
		fflush(stderr);
		log_open();
		if (!log_verbose && log_fd >= 0) {
			saved_out = dup(1);
			saved_err = dup(2);
			dup2(log_fd, 1);
			dup2(log_fd, 2);
		}
	}
	pthread_mutex_unlock(&log_mu);
}

void backend_log_end(void)
{
	pthread_mutex_lock(&log_mu);
	if (--log_depth == 0) {
		fflush(stdout);
		fflush(stderr);
		if (saved_out >= 0) {
			dup2(saved_out, 1);
			close(saved_out);
			saved_out = -1;
		}
		if (saved_err >= 0) {
			dup2(saved_err, 2);
			close(saved_err);
			saved_err = -1;
		}
	}
	pthread_mutex_unlock(&log_mu);
}
