/*
 * lib/runtime/wire_frame.h - internal: finding where one msgpack value ends in
 * a byte stream, without allocating, under explicit limits.
 *
 * msgpack has no length prefix: a message ends where its top-level value ends.
 * The scanner walks the value's headers only (O(n) in bytes, O(depth) stack on
 * the C stack), so that the decoder that follows never sees a value whose
 * element counts exceed the bytes that carry them (an array32 header claiming
 * 4 billion elements would otherwise make msgpack-c allocate gigabytes).
 */
#ifndef CC_RUNTIME_WIRE_FRAME_H
#define CC_RUNTIME_WIRE_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Deepest nesting accepted (the RPC envelope needs 3 levels; msgpack-c's own
 * limit is 32). */
#define CC__WIRE_MAX_DEPTH 16

typedef enum cc__scan_result {
    CC__SCAN_COMPLETE = 0, /* one whole value of *frame_len bytes is buffered */
    CC__SCAN_MORE = 1,     /* the value continues past the buffered bytes */
    CC__SCAN_BAD = -1,     /* not msgpack (0xc1) or nested deeper than the limit */
    CC__SCAN_TOO_BIG = -2  /* the value cannot fit in max_size bytes */
} cc__scan_result;

/*
 * Scans the value starting at data[0]. `max_size` bounds the frame: a value
 * whose headers already prove it longer than max_size gives CC__SCAN_TOO_BIG
 * even if incomplete. On CC__SCAN_COMPLETE, *frame_len is its length.
 */
cc__scan_result cc__wire_scan(const unsigned char *data, size_t len, size_t max_size,
                              size_t *frame_len);

/*
 * The same scan, resumable: a value that arrives in pieces is walked once in
 * all, not once per piece (a client dribbling a 1 MiB message 64 bytes at a
 * time would otherwise cost O(n^2 / 64) header steps: seconds of the loop
 * thread per message). `st` holds where the walk stopped; a zeroed state (or
 * one after CC__SCAN_COMPLETE) starts a new value. Call again with the same
 * value's bytes from its first one, `len` grown; the bytes already walked are
 * not read again. After CC__SCAN_BAD or CC__SCAN_TOO_BIG the state is spent.
 */
typedef struct cc__scan_state {
    int active; /* 0: the next call starts a value */
    int depth;  /* open containers */
    size_t pos; /* bytes of the value walked: whole headers and payloads */
    uint64_t remaining[CC__WIRE_MAX_DEPTH + 1]; /* values still to read per depth */
} cc__scan_state;

cc__scan_result cc__wire_scan_resume(cc__scan_state *st, const unsigned char *data, size_t len,
                                     size_t max_size, size_t *frame_len);

#endif
