/* inputs.h - the files this run reads, so that no output ever lands on one.
 *
 * Every reader of a user-named file (the model and data set-up, the data
 * set's list, labels and images, a command's budget or result files) notes
 * it here; atomic_open refuses a target that is one of them, by name or by
 * inode (another spelling, a hard link, a symlink to it), whatever --force
 * says.  Files that are read in order to be rewritten (a scan resumed, the
 * explorer's budget and session) are not noted.  Thread-safe. */
#ifndef SAFER_INPUTS_H
#define SAFER_INPUTS_H

/* Notes path as an input (also when it does not exist yet: by name). */
void inputs_note(const char *path);

/* The input that path names, or NULL.  The result stays valid until
 * inputs_forget_all. */
const char *inputs_find(const char *path);

/* Forgets every noted input (tests; a new run in the same process). */
void inputs_forget_all(void);

#endif
