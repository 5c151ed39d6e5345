/* detlabels.h - ground truth of a detection set, found and read as Darknet
 * finds and reads it.
 *
 * Darknet's training (src/data.c fill_truth_detection) turns an image path
 * into its label path with find_replace, which replaces the FIRST occurrence
 * only, in this order: "images" -> "labels", "JPEGImages" -> "labels",
 * "raw" -> "labels", ".jpg", ".png", ".JPG", ".JPEG" -> ".txt".  A label
 * file holds one line per object, `class cx cy w h`, the box normalised to
 * the image.  A missing label file is an image without objects (as the
 * evaluation treats it); Darknet itself stops reading at the first line
 * that does not scan, where safer refuses the file naming the line. */
#ifndef SAFER_DETLABELS_H
#define SAFER_DETLABELS_H

#include "core/detmap.h"

/* The label path Darknet derives from an image path (allocated). */
char *detlabels_path(const char *image_path);

/* The id `darknet detector valid` writes for an image in its results files
 * (Darknet's basecfg: the file name up to its first dot; allocated). */
char *detlabels_image_id(const char *image_path);

/* Reads a label file: *out (allocated, *n boxes, normalised: multiply by
 * the image size) or *n = 0 and *out = NULL when the file does not exist.
 * -1 with *cause "FILE:LINE: problem" for a line that is not `class cx cy
 * w h` (an integer class from 0 to classes-1, then four finite numbers,
 * w and h not negative), or "FILE: problem" when it cannot be read (not a
 * regular file, too large). */
int detlabels_read(const char *path, int classes, struct det_truth **out, int *n, char **cause);

#endif
