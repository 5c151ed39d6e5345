/* atomic.h - write a file so that readers see the old or the new content,
 * never a mix: a temporary file in the same directory, fsync, rename. */
#ifndef SAFER_ATOMIC_H
#define SAFER_ATOMIC_H

#include <stdio.h>

struct atomic_file {
	char *path;	/* owned: final name */
	char *tmp;	/* owned: temporary name */
	FILE *f;
};

/* 0 when path may be written by atomic_open (see there), else -1 with
 * *cause: long work checks its output before it starts. */
int atomic_check_target(const char *path, const char *const *inputs, char **cause);
/* Opens a temporary file next to path.  Refuses to target any of the
 * `inputs` (files the command reads; NULL-terminated list, may be NULL) or
 * of the inputs noted in core/inputs.h, a directory, and anything that
 * exists and is not a regular file (a device, a FIFO, a symbolic link:
 * replacing them would destroy them). */
int atomic_open(struct atomic_file *a, const char *path, const char *const *inputs, char **cause);
/* Flushes, fsyncs and renames over path.  On error the old file is intact. */
int atomic_commit(struct atomic_file *a, char **cause);
/* Removes the temporary file (error paths, interrupted writes). */
void atomic_abort(struct atomic_file *a);

#endif
