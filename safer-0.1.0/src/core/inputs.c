/* inputs.c - see inputs.h */
#include "core/inputs.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct input {
	char *path;	/* owned: as given */
	dev_t dev;
	ino_t ino;
	int known;	/* dev/ino are valid (the file existed when noted) */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct input *inputs;
static size_t ninputs, cap;

void inputs_note(const char *path)
{
	struct stat st;
	struct input in = { .path = xstrdup(path) };
	if (stat(path, &st) == 0) {
		in.dev = st.st_dev;
		in.ino = st.st_ino;
		in.known = 1;
	}
	pthread_mutex_lock(&lock);
	if (ninputs == cap) {
		cap = cap ? 2 * cap : 16;
		inputs = xreallocarray(inputs, cap, sizeof *inputs);
	}
	inputs[ninputs++] = in;
	pthread_mutex_unlock(&lock);
}

const char *inputs_find(const char *path)
{
	struct stat st;
	int known = stat(path, &st) == 0;
	const char *found = NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ninputs && !found; i++)
		if (strcmp(inputs[i].path, path) == 0
		    || (known && inputs[i].known && inputs[i].dev == st.st_dev && inputs[i].ino == st.st_ino))
			found = inputs[i].path;
	pthread_mutex_unlock(&lock);
	return found;
}

void inputs_forget_all(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ninputs; i++)
		free(inputs[i].path);
	free(inputs);
	inputs = NULL;
	ninputs = cap = 0;
	pthread_mutex_unlock(&lock);
}
