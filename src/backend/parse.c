/* parse.c - cfg text to a Darknet network: Darknet parses only from a path,
 * prints while it does, and exit()s or aborts on cfgs it dislikes, so the text
 * goes to a private temporary file, a forked child tries it first, and the
 * real parse runs with the output captured (log.c). */
#include "backend/internal.h"
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *write_temp_cfg(const char *text, char **cause)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/safer-cfg-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		*cause = xasprintf("%s: cannot create temporary file: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w <= 0) {
			*cause = xasprintf("%s: write failed: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			free(path);
			return NULL;
		}
		off += (size_t)w;
	}
	close(fd);
	return path;
}

/* free_network and free_layer forget these; nothing else owns them. */
void backend_parse_free(network *dn)
{
	for (int i = 0; i < dn->n; i++) {
		if (dn->layers[i].type == SOFTMAX)
			free(dn->layers[i].loss);
		if (dn->layers[i].type == YOLO)
			free(dn->layers[i].mask);
	}
	free(dn->seen);
	free(dn->t);
	free(dn->steps);	/* policy=steps: parse_net_options's arrays */
	free(dn->scales);
	free(dn->cost);
	free(dn->workspace);
	free_network(dn);
}

/* The trial child's verdict pipe, for its crash handlers. */
static int trial_fd = -1;

/* Darknet does not check its callocs: one that fails leaves errno ENOMEM
 * (the child starts with 0) and the next write through NULL crashes, or
 * malloc_error() exit()s.  Either way the verdict is 'M', out of memory. */
static void trial_on_crash(int sig)
{
	(void)sig;
	char v = errno == ENOMEM ? 'M' : 'C';
	if (write(trial_fd, &v, 1) != 1)
		_exit(4);
	_exit(5);
}

static void trial_at_exit(void)
{
	char v = errno == ENOMEM ? 'M' : 'X';
	if (v == 'M' && write(trial_fd, &v, 1) != 1)
		_exit(4);
}

static void trial_child_guard(int fd)
{
	static char stack[64 * 1024];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof stack };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = trial_on_crash;
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	trial_fd = fd;
	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	atexit(trial_at_exit);	/* this process only: registered after the fork */
	errno = 0;
}

static int trial_parse(const char *tmp_path, const char *cfg_path, char **cause)
{
	int fds[2];
	if (pipe(fds) != 0) {
		*cause = xasprintf("%s: pipe: %s", cfg_path, strerror(errno));
		return -1;
	}
	/* opened here: the child has only this thread and must not take log.c's lock */
	int log_fd = backend_log_fd();
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		*cause = xasprintf("%s: fork: %s", cfg_path, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		if (log_fd >= 0) {
			dup2(log_fd, 1);
			dup2(log_fd, 2);
		}
		alarm(120);
		trial_child_guard(fds[1]);
		network *n = parse_network_cfg((char *)tmp_path);
		char ok = n ? 'K' : 'X';
		if (n)
			backend_parse_free(n);	/* tidy, so memory checkers following the fork see no leak */
		if (write(fds[1], &ok, 1) != 1)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	char got = 0;
	ssize_t r;
	do
		r = read(fds[0], &got, 1);
	while (r < 0 && errno == EINTR);
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* the byte is the verdict: a memory checker may alter the child's exit status */
	if (got == 'K')
		return 0;
	/* SIGKILL: most likely the kernel's OOM killer */
	if (got == 'M' || (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
		char *what = xasprintf("Darknet ran out parsing %s", cfg_path);
		mem_exhausted(what);
	}
	if (WIFSIGNALED(status))
		*cause = xasprintf("%s: Darknet crashed parsing this cfg (signal %d)", cfg_path, WTERMSIG(status));
	else
		*cause = xasprintf("%s: Darknet refused this cfg (run with --verbose to see its message)", cfg_path);
	return -1;
}

network *backend_parse(const char *text, const char *cfg_path, int trial, char **cause)
{
	char *tmp = write_temp_cfg(text, cause);
	if (tmp == NULL)
		return NULL;
	network *dn = NULL;
	if (!trial || trial_parse(tmp, cfg_path, cause) == 0) {
		backend_log_begin();
		dn = parse_network_cfg(tmp);
		backend_log_end();
		if (dn == NULL)
			*cause = xasprintf("%s: Darknet could not parse this cfg", cfg_path);
	}
	unlink(tmp);
	free(tmp);
	return dn;
}
