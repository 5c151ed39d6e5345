/* stb_image_impl.c - Debian's stb_image source (the header libstb.a is built
 * from) compiled into the fuzz and replay programs of the image harness, so
 * that the decoder itself is instrumented: libFuzzer gets coverage inside it
 * and a sanitizer build sees its out-of-bounds accesses.  These definitions
 * take precedence over libstb.a, whose members are then never pulled in. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"	/* one STBIDEF lacks a prototype */
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
