/* eval_det.h - `safer eval` on a detector: mAP@.5 and mAP@[.5:.95] with
 * their bootstrap intervals, per-class AP, the agreement of a budget's
 * boxes with the unperturbed ones, and Darknet's results files. */
#ifndef SAFER_EVAL_DET_H
#define SAFER_EVAL_DET_H

#include "engine/engine.h"
#include "engine/setup.h"
#include "formats/dataset.h"

/* Prints the report of the baseline (budget NULL) or of the budget's job
 * `p`.  With results_dir, first writes the boxes there as `darknet detector
 * valid` does (DIR/comp4_det_test_<name>.txt, one per class).  Returns 0
 * or an exit status with *cause. */
int eval_det_report(const struct setup_opts *o, const struct dataset *d, struct engine *e,
    const struct engine_progress *p, const char *budget, const char *results_dir, char **cause);

#endif
