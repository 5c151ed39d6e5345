/* rng.h - small deterministic PRNG: xoshiro256** seeded through splitmix64.
 *
 * Header-only and without global state: every caller owns its struct rng, so
 * threads never share a generator and results depend only on the seed. */
#ifndef SAFER_RNG_H
#define SAFER_RNG_H

#include <math.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* splitmix64 finalizer: a strong 64-bit mix, also used to derive seeds. */
static inline uint64_t rng_mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* splitmix64 expands the seed so that nearby seeds give unrelated streams and
 * the state is never all zero. */
static inline void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		r->s[i] = rng_mix64(seed);
		seed += 0x9e3779b97f4a7c15ULL;
	}
}

static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_u64(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return out;
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double rng_uniform(struct rng *r)
{
	return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), unbiased (rejects the short top slice); 0 if n == 0. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	if (n == 0)
		return 0;
	uint64_t threshold = (0 - n) % n;
	for (;;) {
		uint64_t x = rng_u64(r);
		if (x >= threshold)
			return x % n;
	}
}

/* Standard normal deviate (Box-Muller, one output per call keeps no cache). */
static inline double rng_normal(struct rng *r)
{
	double u1 = 1.0 - rng_uniform(r);	/* (0, 1]: log never sees 0 */
	double u2 = rng_uniform(r);
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

#endif
