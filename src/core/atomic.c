/* atomic.c - see atomic.h */
#include "core/atomic.h"
#include "core/exit_status.h"
#include "core/inputs.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporaries not yet committed or aborted: the out-of-memory exit removes
 * them (util_on_fatal), so a run that dies leaves no .tmp- file behind. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct atomic_file *open_list;
static pthread_once_t hook_once = PTHREAD_ONCE_INIT;

static void unlink_open_on_fatal(void)
{
	if (pthread_mutex_trylock(&open_lock) != 0)
		return;	/* the dying thread may hold it: better a stray file than a hang */
	for (struct atomic_file *a = open_list; a != NULL; a = a->next_open)
		unlink(a->tmp);
	pthread_mutex_unlock(&open_lock);
}

static void hook_install(void)
{
	util_on_fatal(unlink_open_on_fatal);
}

static void open_add(struct atomic_file *a)
{
	pthread_once(&hook_once, hook_install);
	pthread_mutex_lock(&open_lock);
	a->next_open = open_list;
	open_list = a;
	pthread_mutex_unlock(&open_lock);
}

static void open_remove(struct atomic_file *a)
{
	pthread_mutex_lock(&open_lock);
	for (struct atomic_file **p = &open_list; *p != NULL; p = &(*p)->next_open)
		if (*p == a) {
			*p = a->next_open;
			break;
		}
	pthread_mutex_unlock(&open_lock);
}

int atomic_check_target(const char *path, char **cause)
{
	const char *in = inputs_find(path);
	if (in != NULL) {
		*cause = strcmp(in, path) == 0 ? xasprintf("%s: refusing to overwrite an input file", path)
		    : xasprintf("%s: refusing to overwrite an input file (%s)", path, in);
		return EXIT_BAD_INPUT;
	}
	/* rename(2) would put a regular file where a device, FIFO, socket or
	 * symbolic link was */
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		*cause = xasprintf("%s: is a directory", path);
		return EXIT_BAD_INPUT;
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: exists and is not a regular file%s; refusing to replace it", path,
		    S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
		return EXIT_BAD_INPUT;
	}
	return 0;
}

/* mkstemp failed because of the path the user gave (bad input), not because
 * the system ran out of something (a runtime failure). */
static int path_fault(int err)
{
	return err == ENOENT || err == ENOTDIR || err == EACCES || err == EPERM || err == EROFS ||
	    err == ENAMETOOLONG || err == ELOOP || err == EISDIR;
}

int atomic_open(struct atomic_file *a, const char *path, char **cause)
{
	memset(a, 0, sizeof *a);
	int rc = atomic_check_target(path, cause);
	if (rc != 0)
		return rc;
	a->path = xstrdup(path);
	a->tmp = xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(a->tmp);
	if (fd < 0) {
		int err = errno;
		*cause = xasprintf("%s: cannot create a temporary file next to it: %s", path, strerror(err));
		free(a->path);
		free(a->tmp);
		memset(a, 0, sizeof *a);
		return path_fault(err) ? EXIT_BAD_INPUT : EXIT_FAILURE_RUNTIME;
	}
	open_add(a);
	fchmod(fd, 0644);
	a->f = fdopen(fd, "w");
	if (a->f == NULL) {
		*cause = xasprintf("%s: %s", a->tmp, strerror(errno));
		close(fd);
		atomic_abort(a);
		return EXIT_FAILURE_RUNTIME;
	}
	return 0;
}

int atomic_commit(struct atomic_file *a, char **cause)
{
	int bad = fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0;
	int err = errno;
	if (fclose(a->f) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	a->f = NULL;
	if (bad) {
		*cause = xasprintf("%s: write failed: %s", a->path, strerror(err ? err : EIO));
		atomic_abort(a);
		return EXIT_FAILURE_RUNTIME;
	}
	if (rename(a->tmp, a->path) != 0) {
		*cause = xasprintf("%s: %s", a->path, strerror(errno));
		atomic_abort(a);
		return EXIT_FAILURE_RUNTIME;
	}
	open_remove(a);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
	return 0;
}

void atomic_abort(struct atomic_file *a)
{
	open_remove(a);
	if (a->f)
		fclose(a->f);
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
}
