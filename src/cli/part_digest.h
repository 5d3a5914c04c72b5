/* FILE.part.sum: a checksum of the .part's first bytes, so that --resume can
 * tell a kept row edited since it was written (a value changed into another
 * valid number) without training its cell again.
 *
 * The sidecar holds one fixed-size record, rewritten in place after each
 * sync of the .part (so it never covers a byte the disk may not hold):
 *   0  "GSPARTSM"   magic
 *   8  u32 1        version
 *   12 u32 0        reserved
 *   16 u64 N        bytes of the .part covered (header and whole rows)
 *   24 u64 H        FNV-1a 64 of those N bytes
 *   32 u64 C        FNV-1a 64 of bytes 0..31 (a torn record is no record)
 * all little-endian. It lives beside FILE.part only: removed before the
 * commit renames the .part to FILE. */
#ifndef GS_CLI_PART_DIGEST_H
#define GS_CLI_PART_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PART_DIGEST_SUFFIX ".sum"
#define PART_DIGEST_RECORD 40

typedef struct part_digest {
    char *path;      /* FILE.part.sum; NULL: no sidecar (standard output) */
    int fd;          /* -1 until opened */
    uint64_t hash;   /* FNV-1a 64 of the .part's first `bytes` bytes */
    int64_t bytes;
} part_digest;

/* What a sidecar says, when it holds a valid record. */
typedef struct part_digest_record {
    int64_t bytes;
    uint64_t hash;
} part_digest_record;

#define PART_DIGEST_NONE ((part_digest){.fd = -1, .hash = 14695981039346656037u})

uint64_t part_digest_fnv(uint64_t hash, const void *p, size_t n);

/* Before anything is created, for the map FILE (path): FILE.part.sum, if it
 * exists, must be a regular file (never written through a link). 0 or an
 * exit status after one line. */
int part_digest_check(const char *path);

/* Creates FILE.part.sum (or reuses a regular file left there: the .part's
 * lock covers it), empty, its hash that of zero bytes. 0, or -1 with errno
 * (d->path names the file). */
int part_digest_create(part_digest *d, const char *part);
/* Opens an existing FILE.part.sum for --resume, O_NOFOLLOW. *found: it holds
 * a valid record (a missing file, a short or torn record: not found).
 * 0, or an exit status after one line (not a regular file, unreadable). */
int part_digest_open(part_digest *d, const char *part, part_digest_record *rec, bool *found);

/* --resume, once the kept bytes are checked: d covers the .part's first
 * `bytes` bytes (their hash), recorded after a sync of the .part (part_fd);
 * the sidecar is created if it was missing. 0, or -1 with errno. */
int part_digest_restore(part_digest *d, uint64_t hash, int64_t bytes, int part_fd);

/* Bytes appended to the .part: they go into the hash. */
void part_digest_add(part_digest *d, const void *p, size_t n);
/* Records d's state, once the .part holding those bytes has been synced:
 * one pwrite of the record at offset 0, then fdatasync. 0, or -1 with errno.
 * A digest without a sidecar does nothing. */
int part_digest_record_now(part_digest *d);
/* fsync of the .part (part_fd), then part_digest_record_now. */
int part_digest_sync(part_digest *d, int part_fd);

/* Unlinks the sidecar (the map is committed, or started over) and closes. */
void part_digest_remove(part_digest *d);
/* Closes, keeping the sidecar beside its .part. */
void part_digest_close(part_digest *d);

#endif
