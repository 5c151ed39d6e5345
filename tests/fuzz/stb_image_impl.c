/* stb_image_impl.c - Debian's stb_image source compiled into the libFuzzer
 * builds only, so that the decoder is instrumented (coverage and ASan); the
 * same header is what libstb.a is built from.  Plain builds link -lstb. */
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
