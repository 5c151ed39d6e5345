/* atomic.h - write a file so that readers see the old or the new content,
 * never a mix: a temporary file in the same directory, fsync, rename. */
#ifndef SAFER_ATOMIC_H
#define SAFER_ATOMIC_H

#include <stdio.h>

struct atomic_file {
	char *path;	/* owned: final name */
	char *tmp;	/* owned: temporary name */
	FILE *f;
	struct atomic_file *next_open;	/* the open temporaries, for the fatal exit */
};

/* Every function here returns 0, or an exit status (core/exit_status.h)
 * with *cause: EXIT_BAD_INPUT when the target is refused (one of the
 * inputs, a directory, a device; a path whose directory is missing or not
 * writable), EXIT_FAILURE_RUNTIME when the write itself failed (no space,
 * an I/O error in write, fsync, close or rename).  Callers pass the status
 * on, so a full disk exits 1 and a bad -o exits 2. */

/* 0 when path may be written by atomic_open (see there), else
 * EXIT_BAD_INPUT with *cause: long work checks its output before it starts. */
int atomic_check_target(const char *path, char **cause);
/* Opens a temporary file next to path.  Refuses to target a file this
 * run reads (core/inputs.h: the code that reads a file notes it), a
 * directory, and anything that exists and is not a regular file (a device,
 * a FIFO, a symbolic link: replacing them would destroy them). */
int atomic_open(struct atomic_file *a, const char *path, char **cause);
/* Flushes, fsyncs and renames over path.  On error the old file is intact. */
int atomic_commit(struct atomic_file *a, char **cause);
/* Removes the temporary file (error paths, interrupted writes). */
void atomic_abort(struct atomic_file *a);

#endif
