/* metric.c - see metric.h */
#include "tui/state/metric.h"

#include <stdio.h>
#include <string.h>

int tui_metric_detector(const struct tui *t)
{
	return engine_detector(t->eng);
}

const char *tui_metric_name(const struct tui *t)
{
	if (!tui_metric_detector(t))
		return "top-1";
	if (engine_baseline(t->eng)->labelled == 0)
		return "agreement F1";
	return strcmp(engine_metric(t->eng), "map50_voc") == 0 ? "VOC mAP@.5" : "mAP@.5";
}

const char *tui_metric_unit(const struct tui *t)
{
	return tui_metric_detector(t) ? "mAP pts" : "pts";
}

const char *tui_metric_tag(const struct tui *t)
{
	return tui_metric_detector(t) ? tui_metric_name(t) : NULL;
}

void tui_metric_agreement(const struct tui *t, double agree, double kl, double iou, char *buf, size_t size)
{
	if (tui_metric_detector(t))
		snprintf(buf, size, "F1 %.3f, IoU %.3f", agree, iou);
	else
		snprintf(buf, size, "agree %.2f%%  KL %.4f", 100 * agree, kl);
}
