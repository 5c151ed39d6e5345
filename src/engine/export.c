/* export.c - see export.h */
#include "engine/export.h"
#include "core/atomic.h"
#include "core/exit_status.h"
#include "backend/backend.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int export_apply(struct backend_net *net, const char *origin, const struct budget *b, struct export_result *res,
    char **cause)
{
	const struct model *m = backend_model(net);
	struct job_item *items = NULL;
	int n = budget_items(b, &items), rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		if (perturb_kind_is_activation(items[i].p.kind)) {
			res->activation_skipped++;	/* a .weights file has nowhere to put it */
			continue;
		}
		if (items[i].layer >= m->n || !m->layers[items[i].layer].has_weights) {
			*cause = xasprintf("%s: budget names layer %d, which has no weights here", origin, items[i].layer);
			rc = EXIT_BAD_INPUT;
			break;
		}
		struct weight_tensor t = m->layers[items[i].layer].wt;
		struct perturb_undo undo = { 0 };
		if (perturb_apply_layer(&items[i].p, m, items[i].layer, origin, &t, &undo, cause) != 0)
			rc = EXIT_BAD_INPUT;
		else
			res->applied++;
		perturb_undo_free(&undo);	/* the result is what we keep */
	}
	free(items);
	return rc;
}

int export_budget(const char *cfg, const char *weights, const struct budget *b, const char *out_path,
    struct export_result *res, char **cause)
{
	memset(res, 0, sizeof *res);
	struct backend_net *net = backend_load(cfg, weights, 1, cause);
	if (net == NULL)
		return EXIT_BAD_INPUT;
	int rc = export_apply(net, weights ? weights : cfg, b, res, cause);
	if (rc != 0)
		goto out;
	struct atomic_file a;
	if ((rc = atomic_open(&a, out_path, cause)) != 0)
		goto out;
	if (backend_write_weights(net, a.f, cause) != 0) {
		rc = EXIT_FAILURE_RUNTIME;
		char *m2 = xasprintf("%s: %s", out_path, *cause);
		free(*cause);
		*cause = m2;
		atomic_abort(&a);
		goto out;
	}
	if ((rc = atomic_commit(&a, cause)) != 0)
		goto out;
	struct stat st;
	if (stat(out_path, &st) == 0)
		res->bytes = (size_t)st.st_size;
	rc = 0;
out:
	backend_free(net);
	return rc;
}
