/* The socket layer from an app's side (musl, unmodified calls):
 *   sockets checks        semantics that need no peer
 *   sockets server PORT   TCP and UDP echo on PORT, poll-driven, until a
 *                         TCP client sends "quit\n"
 *   sockets epoll-server PORT   the same, driven by edge-triggered epoll
 *   sockets client PORT   talks to the host's echo server at
 *                         10.0.2.2:PORT (QEMU's user network)
 * tests/boot/test_sockets.py drives each. Exit 0 when all went well. */
#include <stdlib.h>
#include <string.h>
#include "check.h"

int checks_failed, checks_run;

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "checks"))
		return run_checks();
	if (argc == 3 && !strcmp(argv[1], "server"))
		return run_server(atoi(argv[2]), 0);
	if (argc == 3 && !strcmp(argv[1], "epoll-server"))
		return run_server(atoi(argv[2]), 1);
	if (argc == 3 && !strcmp(argv[1], "client"))
		return run_client(atoi(argv[2]));
	fprintf(stderr, "usage: sockets checks | server PORT | epoll-server PORT | client PORT\n");
	return 2;
}
