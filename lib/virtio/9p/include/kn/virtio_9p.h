/* 9P channels: a virtio-9p device carries 9P messages to one host share,
 * named by its mount tag (QEMU's -device virtio-9p-*,mount_tag=TAG).
 * The 9P client (vfs-9pfs) builds and reads the messages; a channel only
 * moves them. Any number of threads may have a request in flight: each
 * sleeps until the device hands its reply back (never spins), and the
 * device may answer them in any order. */
#ifndef KN_VIRTIO_9P_H
#define KN_VIRTIO_9P_H

#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>

struct kn_9p_chan;

KN_API_BEGIN
/* The channel of the share tagged `tag`, or NULL when no device has it. */
struct kn_9p_chan *kn_9p_chan_find(const char *tag);
/* The tags of the devices found, for messages: "a, b" (at most size). */
void kn_9p_chan_tags(char *buf, size_t size);
/* Sends the message tx[0..tx_len) then out[0..out_len) (a Twrite's data,
 * read by the device from the caller's buffer; out_len may be 0) and waits
 * for the reply, which the device writes in rx (room for rx_max bytes),
 * going on in in[0..in_max) (an Rread's data, written in the caller's
 * buffer; in_max may be 0). Returns the reply's length, both parts, or
 * -KN_E* when the channel cannot take it (-KN_EIO: the device failed). */
long kn_9p_chan_request(struct kn_9p_chan *c, const void *tx, size_t tx_len, const void *out,
			size_t out_len, void *rx, size_t rx_max, void *in, size_t in_max);
KN_API_END

#endif
