/* The netdev API: Ethernet frames between a network stack and a driver
 * (virtio-net on kvm; a tap device on linuxu, later).
 *
 * Receiving follows one rule so nothing spins when idle and nothing is
 * lost: the driver's interrupt turns its receive interrupts off and calls
 * the stack's rx_ready, which only wakes the stack's thread; that thread
 * calls kn_netdev_poll, which takes at most a budget of frames, and turns
 * interrupts back on only when it ran dry, re-checking for frames that
 * raced the re-enable. Sending copies the frame into the driver's own
 * buffer, so the caller's memory is free again on return; a full
 * transmit queue says -KN_EAGAIN at once (a stack keeps the frame and
 * asks for tx_ready, never waits inside its own code).
 *
 * Calls on one device come from one thread at a time (the stack's), or
 * from interrupt handling, which runs between two scheduler decisions. */
#ifndef KN_NETDEV_H
#define KN_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kn/compiler.h>

#define KN_NETDEV_ETH_HLEN 14
#define KN_NETDEV_MTU 1500
/* The largest frame without its FCS: header + MTU (no VLAN tag). */
#define KN_NETDEV_FRAME_MAX (KN_NETDEV_ETH_HLEN + KN_NETDEV_MTU)
#define KN_NETDEV_MAX 4

/* A received frame, lent by the driver until kn_netdev_release. */
struct kn_netbuf {
	void *data; /* the Ethernet header first */
	uint16_t len;
};

/* A piece of a frame to send. */
struct kn_netdev_piece {
	const void *data;
	size_t len;
};

struct kn_netdev_stats {
	uint64_t rx_frames, rx_bytes, rx_dropped;
	uint64_t tx_frames, tx_bytes, tx_busy; /* tx_busy: refused, queue full */
	uint64_t rx_interrupts;
};

struct kn_netdev;

struct kn_netdev_ops {
	/* Sends one frame gathered from n pieces. 0; -KN_EAGAIN when the
	 * transmit queue is full (try again after receiving or a yield);
	 * -KN_EMSGSIZE beyond KN_NETDEV_FRAME_MAX. */
	int (*transmit)(struct kn_netdev *dev, const struct kn_netdev_piece *pieces, unsigned n);
	/* The next received frame, or NULL. */
	struct kn_netbuf *(*receive)(struct kn_netdev *dev);
	/* Gives a received frame's buffer back to the device. */
	void (*release)(struct kn_netdev *dev, struct kn_netbuf *buf);
	void (*rx_intr_disable)(struct kn_netdev *dev);
	/* Returns true when frames arrived that no interrupt will announce. */
	bool (*rx_intr_enable)(struct kn_netdev *dev);
	/* Asks for tx_ready once the device has sent frames (room in the
	 * transmit queue); returns true when there is room already. */
	bool (*tx_intr_enable)(struct kn_netdev *dev);
	void (*tx_intr_disable)(struct kn_netdev *dev);
};

struct kn_netdev {
	char name[8]; /* "eth0", given at registration */
	uint8_t mac[6];
	uint16_t mtu;
	bool link_up;
	const struct kn_netdev_ops *ops;
	void *driver_data;
	/* Set by the stack before it polls: called from the driver's
	 * interrupt with receive interrupts off. Only wakes a thread. */
	void (*rx_ready)(struct kn_netdev *dev);
	/* Set by the stack: called from the driver's interrupt once sent
	 * frames freed transmit room it asked for (tx_intr_enable). */
	void (*tx_ready)(struct kn_netdev *dev);
	void *stack_data;
	struct kn_netdev_stats stats;
};

typedef void (*kn_netdev_deliver)(struct kn_netdev *dev, struct kn_netbuf *buf, void *arg);

KN_API_BEGIN
/* For drivers: adds a device found (name, ops, MAC filled in by then)
 * and names it eth<N>. -KN_ENOSPC beyond KN_NETDEV_MAX. */
int kn_netdev_register(struct kn_netdev *dev);
/* For drivers' interrupts: frames arrived. Turns receive interrupts off
 * and tells the stack, if one listens. */
void kn_netdev_rx_event(struct kn_netdev *dev);
/* For drivers' interrupts: sent frames made room. Turns transmit
 * interrupts off and tells the stack. */
void kn_netdev_tx_event(struct kn_netdev *dev);

/* The index-th device (0: eth0), or NULL. */
struct kn_netdev *kn_netdev_get(unsigned index);
/* Hands at most `budget` received frames to deliver, which must release
 * each (kn_netdev_release). Returns how many it handed over; below the
 * budget, receive interrupts are on again and rx_ready will be called
 * for the next frame; at the budget they stay off: poll again (after
 * letting other threads run). */
unsigned kn_netdev_poll(struct kn_netdev *dev, unsigned budget, kn_netdev_deliver deliver,
			void *arg);
void kn_netdev_release(struct kn_netdev *dev, struct kn_netbuf *buf);
int kn_netdev_transmit(struct kn_netdev *dev, const struct kn_netdev_piece *pieces, unsigned n);
KN_API_END

#endif
