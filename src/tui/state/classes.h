/* classes.h - which classes the current perturbation hurts and which images
 * flip: a classifier's per-class top-1 before and after (on the images the
 * job evaluated) and the images whose top-1 changed.  No curses here. */
#ifndef SAFER_TUI_CLASSES_H
#define SAFER_TUI_CLASSES_H

#include "tui/state/types.h"

/* Copies the baseline's top-1 (off for a detector). */
void tui_classes_init(struct tui *t);
void tui_classes_free(struct tui_classes *c);
/* A job finished (jobs.c): a measurement of the selection is taken. */
void tui_classes_job_done(struct tui *t, const struct job_ref *ref);
/* The flipped image before/after (dir), wrapping. */
void tui_classes_move(struct tui *t, int dir);
/* Classes sorted by the drop of their top-1 (largest first) into order
 * (data->classes ints); returns how many have images. */
int tui_classes_order(const struct tui *t, int *order);
/* A class's name ("#3" when the data set has none). */
const char *tui_classes_name(const struct tui *t, int c, char *buf, size_t size);

#endif
