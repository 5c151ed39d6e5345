/* gallery.h - the picture view's model: which image of a detector's data set
 * is shown, its pixels (decoded when shown), and the boxes drawn over it:
 * the unperturbed detector's and the last finished job's, above the display
 * threshold, with their one-to-one matching (det_agree_image) per image.
 *
 * The boxes are copied from the engine (engine_det_boxes_copy) at start and
 * each time a job finishes, so what is drawn always comes from one whole
 * job, never from one still running.  No curses here. */
#ifndef SAFER_TUI_GALLERY_H
#define SAFER_TUI_GALLERY_H

#include <stddef.h>

#include "tui/state/types.h"

#define GALLERY_MAX_SIDE 480	/* pixels kept of a decoded image (a terminal shows fewer) */
#define GALLERY_IOU .5f		/* matching rule of the agreement (engine/detection.c) */

/* Copies the baseline's boxes; the gallery stays off (g->on 0) for a
 * classifier or when the engine keeps no boxes. */
void tui_gallery_init(struct tui *t);
void tui_gallery_free(struct tui_gallery *g);
/* A job finished: takes its boxes (jobs.c). */
void tui_gallery_job_done(struct tui *t, const struct job_ref *ref);
/* While the picture view is shown, the boxes drawn should be the
 * selection's: 1 with the job that measures them when they are another
 * job's (jobs.c runs it after the live selection); failed: do not ask again. */
int tui_gallery_wants(const struct tui *t, struct job_ref *out);
void tui_gallery_failed(struct tui *t, const struct job_ref *ref);
/* The previous (dir -1) or next image, wrapping around. */
void tui_gallery_move(struct tui *t, int dir);
/* The image whose boxes changed most (lowest F1 of the matching, then most
 * unmatched boxes); pressed again on it, the next one in that order.
 * Returns 0 with a message when no job has finished yet. */
int tui_gallery_most_changed(struct tui *t);
/* Decodes the image shown when the picture view is on screen. */
void tui_gallery_refresh(struct tui *t);
/* The image file's name without its directory. */
const char *tui_gallery_file(const struct tui *t);
/* What the perturbed boxes come from: "L4 prune 0.50", "budget", ... */
void tui_gallery_pert_label(const struct tui *t, char *buf, size_t size);

#endif
