/* The parent/child protocol of create: one SOCK_SEQPACKET socketpair, one message per packet.
 *
 *  dir     message              payload                     meaning
 *  P -> C  SYNC_GO              state JSON (text)           cgroups joined, id maps written: go on
 *  C -> P  SYNC_USERMAP         -                           child is in its new user namespace:
 *                                                            write its uid/gid maps
 *  P -> C  SYNC_USERMAP_DONE    -                           maps written
 *  C -> P  SYNC_RUNTIME_HOOKS   -                           namespaces exist: run prestart and
 *                                                            createRuntime hooks (runtime namespace)
 *  P -> C  SYNC_HOOKS_DONE      -                           those hooks succeeded
 *  C -> P  SYNC_PTY             the pty master (SCM_RIGHTS) process.terminal: the console
 *  C -> P  SYNC_SECCOMP         the listener (SCM_RIGHTS)   SCMP_ACT_NOTIFY: send it to listenerPath
 *  C -> P  SYNC_READY           -                           init now waits on exec.fifo
 *  C -> P  SYNC_EXECVE          -                           exec: every step done, execve next;
 *                                                            the socket closing after this (on
 *                                                            execve) is success, before it death
 *  C -> P  SYNC_ERROR           errno (int) + message       init failed and exits
 *  P -> C  SYNC_ERROR           errno (int) + message       the parent failed: init must exit
 *
 * Every message starts with struct sync_hdr. The child never prints: its failure travels as
 * SYNC_ERROR and the CLI prints it once. EOF on the socket means the other side died.
 *
 * A payload up to SYNC_INLINE_MAX rides in the packet itself (the common case: one sendmsg). A
 * larger one (a state JSON with big annotations) goes in a memfd sealed against any change, passed
 * with SCM_RIGHTS after the message's own fd, its size in sync_hdr.memfd_len: a packet is bounded
 * by the socket buffer, a memfd only by SYNC_MAX_PAYLOAD.
 */
#ifndef SHEEP_CORE_PROC_SYNC_H
#define SHEEP_CORE_PROC_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum sync_type {
	SYNC_GO = 1,
	SYNC_USERMAP,
	SYNC_USERMAP_DONE,
	SYNC_RUNTIME_HOOKS,
	SYNC_HOOKS_DONE,
	SYNC_PTY,
	SYNC_SECCOMP,
	SYNC_READY,
	SYNC_ERROR,
	SYNC_EXECVE,
};

struct sync_hdr {
	uint32_t type;
	int32_t errnum;	    /* SYNC_ERROR only */
	uint64_t memfd_len; /* 0: the payload (if any) follows inline; else its size in the memfd */
};

/* The largest payload sent inline; a SYNC_ERROR text longer than this is cut (best effort). */
#define SYNC_INLINE_MAX (64 * 1024)
/* The largest payload at all. The biggest is the state JSON sent with SYNC_GO: its annotations
 * come from a config.json of at most OCI_MAX_INPUT_SIZE (16 MiB), re-encoded indented, which adds
 * at most 4 bytes ("\n\t\t" and ' ') to an annotation of at least 7 ("k":"",): under 2x. */
#define SYNC_MAX_PAYLOAD (2 * 16 * 1024 * 1024 + 1024 * 1024)

/* Both ends of the socketpair; each side closes the other's end right after clone. */
struct sync_pair {
	int parent;
	int child;
};

int sync_pair_open(struct sync_pair *p, struct sheep_err **err);
void sync_close_parent(struct sync_pair *p);
void sync_close_child(struct sync_pair *p);

/* Sends a message with an optional text payload and an optional fd (-1 = none). A payload over
 * SYNC_INLINE_MAX goes in a sealed memfd; one over SYNC_MAX_PAYLOAD is an error (EMSGSIZE). */
int sync_send(int sock, enum sync_type type, const char *payload, size_t len, int fd,
	      struct sheep_err **err);
/* Sends SYNC_ERROR carrying err's errno and message. Never fails loudly: best effort. */
void sync_send_error(int sock, const struct sheep_err *err);

struct sync_msg {
	enum sync_type type;
	int errnum;
	char *payload; /* NUL-terminated, malloc'd; NULL when empty */
	size_t len;
	int fd; /* received fd, or -1 */
};

/* Receives one message, reading a memfd payload after checking its seals and size. EOF is reported
 * as an error "the other side exited" (ECONNRESET). */
int sync_recv(int sock, struct sync_msg *msg, struct sheep_err **err);
/* Receives one message and checks its type; a SYNC_ERROR becomes the returned error. */
int sync_expect(int sock, enum sync_type type, struct sync_msg *msg, struct sheep_err **err);
void sync_msg_clear(struct sync_msg *msg);

#endif
