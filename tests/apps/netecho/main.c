/* Waits for eth0's address, prints it, and keeps the VM up until a line
 * (or the end of input) arrives on stdin. The network work happens in
 * the net thread: tests/boot/test_net.py starts this with -k net.echo=7
 * and talks to the echo service from the host through `kiln run -p`. */
#include <stdint.h>
#include <kn/console.h>
#include <kn/console_input.h>
#include <kn/errno.h>
#include <kn/net.h>
#include <kn/time.h>

int main(void)
{
	if (kn_net_wait_up(kn_time_monotonic_ns() + 60 * KN_NSEC_PER_SEC)) {
		kn_console_printf("netecho: no address\n");
		return 1;
	}
	uint32_t a = kn_net_addr(); /* network byte order */
	kn_console_printf("netecho: up at %u.%u.%u.%u\n", a & 0xff, a >> 8 & 0xff, a >> 16 & 0xff,
			  a >> 24);
	char c;
	long n;
	while ((n = kn_console_read(&c, 1)) == -KN_EAGAIN || (n == 1 && c != '\n'))
		if (n == -KN_EAGAIN)
			kn_console_input_wait();
	kn_console_printf("netecho: bye\n");
	return 0;
}
