/* eval_det.c - see eval_det.h */
#include "cli/eval_det.h"
#include "core/atomic.h"
#include "core/exit_status.h"
#include "core/util.h"
#include "formats/detlabels.h"
#include "formats/table.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One class's file: every image's boxes of that class, in Darknet's order
 * (image by image, box by box) and format (1-based clamped corners). */
static int write_class(const struct dataset *d, struct engine *e, int baseline, int cls, const char *path,
    char **cause)
{
	struct atomic_file a;
	int rc = atomic_open(&a, path, cause);
	if (rc != 0)
		return rc;
	for (int i = 0; i < d->count; i++) {
		int n;
		const struct det_pred *p = engine_det_boxes(e, baseline, i, &n);
		char *id = NULL;
		for (int k = 0; k < n; k++) {
			if (p[k].cls != cls)
				continue;
			if (id == NULL)
				id = detlabels_image_id(d->paths[i]);
			const struct det_box *b = &p[k].b;
			fprintf(a.f, "%s %f %f %f %f %f\n", id, p[k].prob, b->x - b->w / 2 + 1, b->y - b->h / 2 + 1,
			    b->x + b->w / 2 + 1, b->y + b->h / 2 + 1);
		}
		free(id);
	}
	return atomic_commit(&a, cause);
}

static int write_results(const struct dataset *d, struct engine *e, int baseline, const char *dir, char **cause)
{
	for (int c = 0; c < d->classes; c++) {
		char *path = xasprintf("%s/comp4_det_test_%s.txt", dir, d->names[c]);
		int rc = write_class(d, e, baseline, c, path, cause);
		free(path);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static const char *interp_name(const struct setup_opts *o)
{
	return o->det_voc ? "VOC all-point" : "COCO 101-point";
}

static json_t *pair(double lo, double hi)
{
	return isfinite(lo) && isfinite(hi) ? json_pack("[ff]", lo, hi) : json_null();
}

/* Each image's agreement: its boxes above the display threshold, matched. */
static json_t *per_image(const struct dataset *d, struct engine *e)
{
	json_t *a = json_array();
	for (int i = 0; i < d->count; i++) {
		struct det_agree g;
		if (!engine_det_agree(e, i, &g))
			continue;
		json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I, s:o, s:o}", "image", d->paths[i],
		    "unperturbed", (json_int_t)g.ref, "perturbed", (json_int_t)g.test, "matched", (json_int_t)g.matched,
		    "f1", table_json_real(det_agree_f1(&g)), "iou", table_json_real(det_agree_iou(&g))));
	}
	return a;
}

static void print_json(const struct setup_opts *o, const struct dataset *d, struct engine *e,
    const struct engine_progress *p, const struct det_map *m, const char *budget, int threads)
{
	int lab = p->labelled > 0;
	json_t *root = json_pack("{s:o, s:o, s:o, s:b, s:s}", "cfg", table_json_string(o->cfg),
	    "weights", table_json_string(o->weights), "data", table_json_string(d->source), "detector", 1,
	    "interpolation", o->det_voc ? "voc" : "coco101");
	json_object_set_new(root, "images", json_integer(p->done));
	json_object_set_new(root, "objects", json_integer(d->objects));
	json_object_set_new(root, "label_files", json_integer(d->labelled_files));
	json_object_set_new(root, "skipped", json_integer(d->skipped));
	json_object_set_new(root, "map50", table_json_real(lab ? p->det.map50 : NAN));
	json_object_set_new(root, "map50_ci95", lab ? pair(p->det.map_lo, p->det.map_hi) : json_null());
	json_object_set_new(root, "map50_95", table_json_real(lab && !o->det_voc ? p->det.map5095 : NAN));
	json_t *ap = json_object();
	for (int c = 0; lab && c < d->classes; c++)
		json_object_set_new(ap, d->names[c], table_json_real(m->ap50 ? m->ap50[c] : NAN));
	json_object_set_new(root, "ap50", ap);
	if (budget) {
		json_object_set_new(root, "baseline_map50", table_json_real(lab ? p->det.base_map50 : NAN));
		json_object_set_new(root, "drop", table_json_real(lab ? 100 * (p->det.base_map50 - p->det.map50) : NAN));
		json_object_set_new(root, "drop_ci95", lab ? pair(100 * p->det.drop_lo, 100 * p->det.drop_hi) : json_null());
		json_object_set_new(root, "agree_f1", table_json_real(progress_agree(p)));
		json_object_set_new(root, "agree_f1_ci95", pair(p->det.f1_lo, p->det.f1_hi));
		json_object_set_new(root, "agree_iou", table_json_real(progress_det_iou(p)));
		json_object_set_new(root, "agree_iou_ci95", pair(p->det.iou_lo, p->det.iou_hi));
		json_object_set_new(root, "per_image", per_image(d, e));
	}
	json_object_set_new(root, "seconds", json_real(p->seconds));
	json_object_set_new(root, "images_per_s", json_real(p->seconds > 0 ? p->done / p->seconds : 0));
	json_object_set_new(root, "threads", json_integer(threads));
	table_json_write(stdout, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
}

static void print_text(const struct setup_opts *o, const struct dataset *d, const struct engine_progress *p,
    const struct det_map *m, const char *budget, int threads)
{
	char *line = xasprintf("model   %s with %s", o->cfg, o->weights);
	table_wrap(stdout, line, table_text_width(o->wide), 8);
	free(line);
	printf("data    %s: %ld images, %d classes, %ld objects in %d label files%s\n", d->source, (long)p->done,
	    d->classes, d->objects, d->labelled_files, d->skipped ? " (some images skipped)" : "");
	if (p->labelled > 0) {
		printf("mAP@.5  %.2f%%  95%% CI [%.2f, %.2f]  (%s; boxes as darknet detector valid: "
		    "thresh %g, nms %g)\n", 100 * p->det.map50, 100 * p->det.map_lo, 100 * p->det.map_hi, interp_name(o),
		    o->det_thresh > 0 ? o->det_thresh : .005, o->det_nms < 0 ? 0 : o->det_nms > 0 ? o->det_nms : .45);
		if (!o->det_voc)
			printf("mAP@.5:.95  %.2f%%\n", 100 * p->det.map5095);
		printf("AP@.5  ");
		for (int c = 0; c < d->classes; c++)
			if (m->ap50 && isfinite(m->ap50[c]))
				printf(" %s %.1f%%%s", d->names[c], 100 * m->ap50[c], c + 1 < d->classes ? "," : "");
			else
				printf(" %s n/a%s", d->names[c], c + 1 < d->classes ? "," : "");
		printf("\n");
	} else {
		printf("mAP     n/a (no label files: agreement with the unperturbed detector only)\n");
	}
	printf("speed   %.0f images/s (%.3f s, %d thread%s)\n", p->seconds > 0 ? p->done / p->seconds : 0,
	    p->seconds, threads, threads == 1 ? "" : "s");
	if (budget == NULL)
		return;
	if (p->labelled > 0)
		printf("budget  baseline mAP@.5 %.2f%%, drop %.2f points, 95%% CI [%.2f, %.2f]\n", 100 * p->det.base_map50,
		    100 * (p->det.base_map50 - p->det.map50), 100 * p->det.drop_lo, 100 * p->det.drop_hi);
	printf("agree   F1 %.3f [%.3f, %.3f], mean IoU %.3f [%.3f, %.3f] of boxes above %g against the "
	    "unperturbed detector\n", progress_agree(p), p->det.f1_lo, p->det.f1_hi, progress_det_iou(p), p->det.iou_lo,
	    p->det.iou_hi, o->det_show > 0 ? o->det_show : .25);
}

int eval_det_report(const struct setup_opts *o, const struct dataset *d, struct engine *e,
    const struct engine_progress *p, const char *budget, const char *results_dir, char **cause)
{
	int baseline = budget == NULL;
	if (results_dir != NULL) {
		int rc = write_results(d, e, baseline, results_dir, cause);
		if (rc != 0)
			return rc;
	}
	struct det_map m;
	engine_det_map(e, baseline, &m);
	if (o->json)
		print_json(o, d, e, p, &m, budget, engine_threads(e));
	else
		print_text(o, d, p, &m, budget, engine_threads(e));
	det_map_free(&m);
	return 0;
}
