/* parallel.c - see parallel.h */
#include "engine/parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 256

struct pool {
	pthread_mutex_t mu;
	int next, ntasks;
	void (*task)(void *ctx, int i);
	void *ctx;
};

static void *pool_main(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		int i = p->next < p->ntasks ? p->next++ : -1;
		pthread_mutex_unlock(&p->mu);
		if (i < 0)
			return NULL;
		p->task(p->ctx, i);
	}
}

int parallel_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

void parallel_run(int nthreads, int ntasks, void (*task)(void *ctx, int i), void *ctx)
{
	struct pool p = { .next = 0, .ntasks = ntasks, .task = task, .ctx = ctx };
	pthread_t th[MAX_THREADS];
	int n = nthreads > 0 ? nthreads : parallel_cpus(), started = 0;
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	if (n > ntasks)
		n = ntasks;
	pthread_mutex_init(&p.mu, NULL);
	/* a thread that cannot start leaves its share to the others */
	while (started < n - 1 && pthread_create(&th[started], NULL, pool_main, &p) == 0)
		started++;
	pool_main(&p);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
}
