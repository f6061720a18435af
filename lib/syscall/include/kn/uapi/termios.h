/* Linux x86-64 ABI: the terminal ioctls a console answers. */
#ifndef KN_UAPI_TERMIOS_H
#define KN_UAPI_TERMIOS_H

#include <stdint.h>

#define KN_TCGETS 0x5401
#define KN_TCSETS 0x5402
#define KN_TCSETSW 0x5403
#define KN_TCSETSF 0x5404
#define KN_TIOCGWINSZ 0x5413

struct kn_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* The kernel's struct termios (TCGETS), 36 bytes. */
struct kn_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};

#endif
