/* Logging from the runtime library: core never prints; it hands lines to the caller's handler
 * (the CLI writes them to stderr or the --log file). */
#ifndef SHEEP_CORE_LOG_H
#define SHEEP_CORE_LOG_H

enum sheep_log_level { SHEEP_LOG_DEBUG, SHEEP_LOG_WARNING };

typedef void (*sheep_log_fn)(enum sheep_log_level level, const char *msg);

void sheep_log_set_handler(sheep_log_fn fn);
void sheep_log(enum sheep_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
