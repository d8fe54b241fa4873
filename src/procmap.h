/* procmap.h - the PROCMAP_QUERY ioctl of /proc/PID/maps (Linux 6.11): the
 * mapping that covers an address, without generating the whole text.
 * Declared here so that older kernel headers build; older kernels answer
 * ENOTTY.  Used by inspect.c (SHARED marks) and bench/proccost.c (which
 * times the same call). */
#ifndef SYMTRACE_PROCMAP_H
#define SYMTRACE_PROCMAP_H

#include <stdint.h>
#include <sys/ioctl.h>

struct st_procmap_query {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset;
	uint64_t inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define ST_PROCMAP_QUERY _IOWR('f', 17, struct st_procmap_query)
#define ST_VMA_WRITABLE 0x02
#define ST_VMA_SHARED 0x08

#endif
