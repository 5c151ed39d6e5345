/* atomic.c - see atomic.h */
#include "core/atomic.h"
#include "core/inputs.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Same file? (also catches different spellings of one path and hard links) */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int atomic_check_target(const char *path, const char *const *inputs, char **cause)
{
	for (int i = 0; inputs && inputs[i]; i++)
		if (strcmp(path, inputs[i]) == 0 || same_file(path, inputs[i])) {
			*cause = xasprintf("%s: refusing to overwrite an input file", path);
			return -1;
		}
	const char *in = inputs_find(path);
	if (in != NULL) {
		*cause = strcmp(in, path) == 0 ? xasprintf("%s: refusing to overwrite an input file", path)
		    : xasprintf("%s: refusing to overwrite an input file (%s)", path, in);
		return -1;
	}
	/* rename(2) would put a regular file where a device, FIFO, socket or
	 * symbolic link was */
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		*cause = xasprintf("%s: is a directory", path);
		return -1;
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: exists and is not a regular file%s; refusing to replace it", path,
		    S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
		return -1;
	}
	return 0;
}

int atomic_open(struct atomic_file *a, const char *path, const char *const *inputs, char **cause)
{
	memset(a, 0, sizeof *a);
	if (atomic_check_target(path, inputs, cause) != 0)
		return -1;
	a->path = xstrdup(path);
	a->tmp = xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(a->tmp);
	if (fd < 0) {
		*cause = xasprintf("%s: cannot create a temporary file next to it: %s", path, strerror(errno));
		free(a->path);
		free(a->tmp);
		memset(a, 0, sizeof *a);
		return -1;
	}
	fchmod(fd, 0644);
	a->f = fdopen(fd, "w");
	if (a->f == NULL) {
		*cause = xasprintf("%s: %s", a->tmp, strerror(errno));
		close(fd);
		atomic_abort(a);
		return -1;
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
		return -1;
	}
	if (rename(a->tmp, a->path) != 0) {
		*cause = xasprintf("%s: %s", a->path, strerror(errno));
		atomic_abort(a);
		return -1;
	}
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
	return 0;
}

void atomic_abort(struct atomic_file *a)
{
	if (a->f)
		fclose(a->f);
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
}
