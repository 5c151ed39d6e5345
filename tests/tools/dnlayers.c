/* dnlayers.c - test helper: Darknet's own view of a cfg's layers, from
 * Debian's libdarknet's parse_network_cfg (linked here), for comparison with
 * `safer info --json`.
 *
 *   dnlayers CFG
 *
 * The cfg is parsed at batch 1 (cfgcheck_with_batch, as safer parses it).
 * One line per layer on stdout:
 *
 *   INDEX TYPE OUT_W OUT_H OUT_C MACS FLOATS
 *
 * TYPE is Darknet's LAYER_TYPE number; MACS are Darknet's own BFLOPs
 * formula halved (make_convolutional_layer: l.n*l.size*l.size*l.c/l.groups*
 * l.out_h*l.out_w; connected: inputs*outputs, which Darknet does not print);
 * FLOATS are what load_weights reads for the layer (load_convolutional_weights,
 * load_connected_weights, load_batchnorm_weights).  Then "total MACS FLOATS".
 * Darknet's own chatter goes to stderr; if it exits or crashes, so does this. */
#include <darknet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "formats/cfgcheck.h"

static void layer_counts(const layer *l, uint64_t *macs, uint64_t *floats)
{
	*macs = *floats = 0;
	if (l->type == CONVOLUTIONAL) {
		*macs = (uint64_t)l->n * l->size * l->size * (l->c / l->groups) * l->out_h * l->out_w;
		*floats = (uint64_t)l->n * (l->batch_normalize ? 4 : 1) + (uint64_t)l->nweights;
	} else if (l->type == CONNECTED) {
		*macs = (uint64_t)l->inputs * l->outputs;
		*floats = (uint64_t)l->outputs * (l->batch_normalize ? 4 : 1) + (uint64_t)l->inputs * l->outputs;
	} else if (l->type == BATCHNORM) {
		*floats = 3 * (uint64_t)l->c;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: dnlayers CFG\n");
		return 2;
	}
	char *cause = NULL;
	size_t len;
	char *text = file_read_all(argv[1], CFGCHECK_MAX_FILE, &len, &cause);
	if (text == NULL) {
		fprintf(stderr, "%s\n", cause);
		return 2;
	}
	char *b1 = cfgcheck_with_batch(text, len, 1);
	char path[] = "/tmp/dnlayers-XXXXXX";
	int fd = mkstemp(path);
	const char *t = b1 != NULL ? b1 : text;
	size_t n = b1 != NULL ? strlen(b1) : len;
	if (fd < 0 || write(fd, t, n) != (ssize_t)n || close(fd) != 0) {
		perror(path);
		return 2;
	}
	free(b1);
	free(text);
	network *net = parse_network_cfg(path);
	unlink(path);
	uint64_t tm = 0, tf = 0;
	for (int i = 0; i < net->n; i++) {
		const layer *l = &net->layers[i];
		uint64_t m, f;
		layer_counts(l, &m, &f);
		printf("%d %d %d %d %d %llu %llu\n", i, (int)l->type, l->out_w, l->out_h, l->out_c,
		    (unsigned long long)m, (unsigned long long)f);
		tm += m;
		tf += f;
	}
	printf("total %llu %llu\n", (unsigned long long)tm, (unsigned long long)tf);
	return 0;
}
