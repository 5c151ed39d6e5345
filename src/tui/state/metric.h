/* metric.h - what the explorer calls its accuracy figure: top-1 for a
 * classifier, mAP@.5 for a detector (the agreement F1 with the unperturbed
 * boxes when the data set has no label files), and the unit of its drops.
 * Every pane takes its labels from here, so a classifier's screens say
 * "top-1" and a detector's say "mAP@.5" from one place. */
#ifndef SAFER_TUI_METRIC_H
#define SAFER_TUI_METRIC_H

#include "tui/state/types.h"

int tui_metric_detector(const struct tui *t);
/* "top-1", "mAP@.5", "VOC mAP@.5" or, unlabelled detector, "agreement F1". */
const char *tui_metric_name(const struct tui *t);
/* The unit of drops: "pts" (classifier) or "mAP pts" (detector). */
const char *tui_metric_unit(const struct tui *t);
/* The metric's name where a classifier's screen shows none (pane titles,
 * the status line): NULL for a classifier. */
const char *tui_metric_tag(const struct tui *t);
/* The label-free line: "agree 93.10%  KL 0.0123" or "F1 0.931, IoU 0.874". */
void tui_metric_agreement(const struct tui *t, double agree, double kl, double iou, char *buf, size_t size);

#endif
