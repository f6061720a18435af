/* lwIP includes <stdio.h> only for its default diagnostics, which
 * include/arch/cc.h replaces. */
