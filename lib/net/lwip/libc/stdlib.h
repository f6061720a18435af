/* lwIP's netif.c includes <stdlib.h> for atoi (netif_find's "en0"). */
#ifndef KN_LWIP_STDLIB_H
#define KN_LWIP_STDLIB_H
int kn_lwip_atoi(const char *s);
#define atoi kn_lwip_atoi
#endif
