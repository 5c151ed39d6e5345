/* image.h - decoding image files into Darknet's planar float layout. */
#ifndef SAFER_IMAGE_H
#define SAFER_IMAGE_H

#include <stddef.h>

/* Decode a JPEG (libjpeg-turbo, as OpenCV does: formats/jpeg.h) or a
 * PNG/BMP/PGM/PPM/TGA/GIF file (stb_image) as 3 channels into planar floats
 * in [0,1] (3 planes of w×h), as Darknet's load_image_color lays them out.  Returns an allocated buffer, or NULL with *cause "FILE: problem". */
float *image_load_chw(const char *path, int *w, int *h, char **cause);

/* The same from bytes already in memory (for fuzzing); `name` is used in messages. */
float *image_decode_chw(const char *name, const unsigned char *buf, size_t len, int *w, int *h, char **cause);

#endif
