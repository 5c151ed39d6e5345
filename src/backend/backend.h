/* backend.h - the door to Debian's libdarknet.  Only the files of src/backend/
 * include darknet.h (their shared pieces are in backend/internal.h);
 * everything else uses these calls and the types in core/model.h.
 *
 * What the backend guards against, all found in Debian's libdarknet:
 *  - malformed cfg files make Darknet exit() or crash: the text is validated by
 *    cfgcheck first, then parsed once in a throw-away child process;
 *  - short or long weights files are silently accepted by Darknet: the file size
 *    and header are checked against the parsed network before loading;
 *  - Darknet prints to stdout/stderr: its output is diverted to a log file;
 *  - set_batch_network does not reallocate: networks are parsed with their batch.
 *
 * Threads: calls on different networks may run on different threads at once
 * (load, clone, free, forward, gradients).  The diversion of Darknet's output
 * points the process's fds 1 and 2 at the log, so it is shared: sections
 * that need it are counted under a lock, the first redirects and the last
 * restores, so two threads loading networks at once cannot leave fds 1 and 2
 * on the log.  Meanwhile anything the process writes to fds 1 and 2 goes to
 * the log too.  One network is used by one thread at a time. */
#ifndef SAFER_BACKEND_H
#define SAFER_BACKEND_H

#include <stddef.h>
#include <stdio.h>

#include "core/detmap.h"
#include "core/model.h"

struct backend_net;

/* Where Darknet's chatter goes (default: a private temporary file).  With
 * verbose set it is left on stdout/stderr instead.  Call before any thread
 * uses the backend. */
void backend_set_verbose(int verbose);

/* Load a classifier: cfg parsed with `batch` images per forward pass; weights
 * may be NULL (Darknet's random initialisation).  Returns NULL and sets *cause
 * to "FILE[:LINE]: problem" when anything is wrong. */
struct backend_net *backend_load(const char *cfg_path, const char *weights_path, int batch, char **cause);
/* A second instance of the same cfg whose weight arrays are those of `owner`
 * (no copy): workers share one set of weights and own their activations.  The
 * owner must outlive it. */
struct backend_net *backend_clone_shared(const struct backend_net *owner, char **cause);
void backend_free(struct backend_net *net);

/* safer's view of the layers; the weight_tensor pointers alias the network's arrays. */
const struct model *backend_model(const struct backend_net *net);

/* Replace the convolutional and connected layers' forward functions with ones
 * that multiply through OpenBLAS (single-threaded per caller). */
void backend_use_blas(struct backend_net *net);

/* Darknet's own inference on one batch: network_predict, unchanged. */
const float *backend_predict_stock(struct backend_net *net, const float *input);

/* Floats per image in the output of `layer` (layer -1: the network input). */
size_t backend_layer_size(const struct backend_net *net, int layer);
/* That layer's output buffer (batch × size) after the last forward pass. */
float *backend_layer_output(struct backend_net *net, int layer);

/* Called after each layer in backend_forward_from (e.g. activation quantization). */
typedef void (*backend_layer_hook)(int layer, float *out, size_t n, void *ctx);

/* Run layers from..n-1 for one batch.  `in` is the output of layer from-1 (or
 * the network input when from == 0), batch × backend_layer_size(from-1) floats.
 * Layers read by later [shortcut]/[route] layers that lie before `from` must
 * already hold their outputs (see backend_needed_before).  Skips what only
 * training needs.  Returns the network's output buffer (batch × outputs). */
const float *backend_forward_from(struct backend_net *net, int from, const float *in,
    backend_layer_hook hook, void *hook_ctx);
/* Layers before `from` whose outputs a run from `from` reads besides from-1
 * (from-1 too when a [route] or [shortcut] names it), each once; writes up
 * to max indexes and returns how many it wrote.  There are at most `from`
 * of them: max = from never truncates. */
int backend_needed_before(const struct backend_net *net, int from, int *layers, int max);

/* Write the network's weights in Darknet's .weights format (version 0.2.0)
 * to an open stream; written here rather than by Darknet's save_weights, which
 * exit()s on an I/O error.  -1 with *cause on a write error. */
int backend_write_weights(const struct backend_net *net, FILE *f, char **cause);

/* Gradient of the cross-entropy loss with respect to every weight layer's
 * weights, summed over n images (x: n × input floats, labels: n entries),
 * through Darknet's own backward pass in training mode (batch statistics in
 * batch norm, dropout disabled).  grads[l] must point to nweights floats for
 * each layer with weights (NULL elsewhere); they are overwritten.  n must be
 * a multiple of the network's batch (whole batches for batch norm).  The batch
 * norm running statistics that training mode updates are restored bit for
 * bit.  *loss receives the summed loss.  Uses Darknet's stock layer code,
 * except max-pool's backward: an output that took no input (its window all
 * padding or all NaN, index -1) adds nothing, where Darknet's writes before
 * the previous layer's delta array.  NaN weights give NaN gradients. */
int backend_gradients(struct backend_net *net, const float *x, const int *labels, int n,
    float **grads, double *loss, char **cause);

/* Darknet's image pipeline of `classifier valid`: the central square of the
 * image (center_crop_image) resized to the network's width and height.
 * `chw` is 3 planes of w×h floats in [0,1]; writes net_w*net_h*3 floats to
 * out. */
void backend_resize_crop(const float *chw, int w, int h, int net_w, int net_h, float *out);

/* Darknet's image pipeline of `detector valid` (LETTERBOX_DATA):
 * letterbox_image to the network's size, aspect kept, grey 0.5 around. */
void backend_letterbox(const float *chw, int w, int h, int net_w, int net_h, float *out);

/* Whether the network has [yolo], [region] or [detection] layers, and the
 * classes of its last layer (what validate_detector reads). */
int backend_is_detector(const struct backend_net *net);
int backend_det_classes(const struct backend_net *net);

/* The detections of image i of the last forward pass's batch, whose
 * original size was w×h, as `darknet detector valid` computes them:
 * get_network_boxes (hier .5, pixels of the original image) at `thresh`,
 * do_nms_sort at `nms` (0: none), then one det_pred per box and class with
 * a nonzero probability, the box clamped as Darknet's results files write
 * it.  Appended to *out (*n entries, room for *cap, grown as needed). */
int backend_detections(struct backend_net *net, int i, int w, int h, float thresh, float nms,
    struct det_pred **out, int *n, int *cap);

#endif
