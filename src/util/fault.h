/* Fault injection for the reliability tests (issue 10). In a build configured with
 * --enable-fault-injection, SHEEP_FAULT=POINT makes the process SIGKILL itself when it reaches the
 * named point, and SHEEP_FAULT_TRACE=FILE appends the name of every point reached, so a test can
 * list the points a verb passes and then kill it at each in turn. In any other build a point
 * compiles to nothing and the environment is never read. */
#ifndef SHEEP_UTIL_FAULT_H
#define SHEEP_UTIL_FAULT_H

#ifdef SHEEP_FAULT_INJECTION
/* Opens the trace file (before the container's init is cloned, which inherits it). */
void sheep_fault_init(void);
/* Records POINT (prefix + name) in the trace; dies by SIGKILL if it is the one SHEEP_FAULT names
 * (a pid namespace's init cannot signal itself: it ends with _exit(137) instead). */
void sheep_fault_point(const char *prefix, const char *name);
/* The trace fd, which the init's fd cleanup must keep; -1 when tracing is off. */
int sheep_fault_trace_fd(void);
#else
static inline void sheep_fault_init(void)
{
}
static inline void sheep_fault_point(const char *prefix, const char *name)
{
	(void)prefix;
	(void)name;
}
static inline int sheep_fault_trace_fd(void)
{
	return -1;
}
#endif

#endif
