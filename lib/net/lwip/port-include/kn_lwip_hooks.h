/* lwIP's hooks (LWIP_HOOK_FILENAME): included by lwIP where its types
 * are defined. */
#ifndef KN_LWIP_HOOKS_H
#define KN_LWIP_HOOKS_H

#include "lwip/ip_addr.h"

u32_t kn_lwip_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
		      u16_t remote_port);

#endif
