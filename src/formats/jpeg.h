/* jpeg.h - JPEG decoding exactly as Debian's Darknet gets it: OpenCV 4.6's
 * imread(path, IMREAD_COLOR) through libjpeg-turbo (libjpeg.so.62). */
#ifndef SAFER_JPEG_H
#define SAFER_JPEG_H

#include <stddef.h>

/* Does OpenCV take these bytes for a JPEG?  Its signature is FF D8 FF. */
int jpeg_signature(const unsigned char *buf, size_t len);

/* Decodes a JPEG into interleaved 8-bit RGB (w*h*3 bytes) with OpenCV's
 * libjpeg settings, CMYK conversion and EXIF orientation.  Images wider or
 * taller than max_side, or of more than max_pixels, are refused before any
 * pixel memory is allocated.  Returns an allocated buffer, or NULL with
 * *cause "NAME: problem". */
unsigned char *jpeg_decode_rgb(const char *name, const unsigned char *buf, size_t len, int max_side,
    size_t max_pixels, int *w, int *h, char **cause);

/* The EXIF orientation OpenCV 4.6 applies for an APP1 segment's payload
 * (`app1`, after the marker's length field): 1..8, or 0 for none (also
 * returned for values OpenCV leaves alone).  Exposed for the unit tests. */
int jpeg_exif_orientation(const unsigned char *app1, size_t len);

#endif
