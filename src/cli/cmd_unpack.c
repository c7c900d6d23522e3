/* `sheep-oci unpack [--rootless] [--platform OS/ARCH] [--ref NAME] [--quiet] IMAGE BUNDLE`:
 * the default spec filled from the image, a progress bar on a terminal, and Ctrl-C (or TERM,
 * HUP, PIPE) ending the unpack through its failure path so that nothing is left behind. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/opts.h"
#include "cli/verbs.h"
#include "core/spec.h"
#include "unpack/unpack.h"

/* One line, redrawn in place: "layer 2/5 [#######.....]  12.3/40.0 MiB" */
static void draw_progress(const struct sheep_unpack_progress *p, void *data)
{
	static const int width = 30;
	double mib = 1024.0 * 1024.0;
	int fill =
	    p->bytes_total ? (int)((double)p->bytes_done * width / (double)p->bytes_total) : 0;

	if (fill > width)
		fill = width;
	if (p->layer)
		fprintf(stderr, "\rlayer %u/%u [", p->layer, p->layers);
	else
		fprintf(stderr, "\rimage     [");
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %7.1f/%.1f MiB ", (double)p->bytes_done / mib,
		(double)p->bytes_total / mib);
	*(int *)data = 1;
}

static volatile sig_atomic_t cancel_signal;

static void on_cancel(int sig)
{
	if (cancel_signal == 0)
		cancel_signal = sig;
}

/* Without SA_RESTART, so that a read blocked on a pipe returns EINTR. A signal the caller
 * ignores (nohup, a background job of a non-interactive shell) stays ignored; SIGPIPE was set
 * to SIG_IGN by main() itself and is always handled. */
static void install_cancel_handlers(void)
{
	struct sigaction sa = {.sa_handler = on_cancel}, old;

	sheep_unpack_signals(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		if (!sigismember(&sa.sa_mask, sig))
			continue;
		if (sig != SIGPIPE && sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sig, &sa, NULL);
	}
}

/* After the cleanup: die of the signal itself, as tar or podman would without a handler. The
 * caller sees WIFSIGNALED (a shell: 128+N), and a script running us stops on Ctrl-C instead of
 * taking an exit status for a handled interrupt. */
static int die_of_cancel(int status)
{
	sigset_t set;

	fflush(NULL);
	signal(cancel_signal, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, cancel_signal);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(cancel_signal);
	return status;
}

int cmd_unpack(struct cli_globals *g, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"rootless", no_argument, NULL, 'r'},
	    {"platform", required_argument, NULL, 'p'},
	    {"ref", required_argument, NULL, 'R'},
	    {"quiet", no_argument, NULL, 'q'},
	    CLI_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	struct sheep_spec_opts sopts = {.uid = geteuid(), .gid = getegid()};
	struct sheep_unpack_opts opts = {.rootless = geteuid() != 0};
	_cleanup_err_ struct sheep_err *err = NULL;
	struct oci_config *config;
	int c, status = 1, ret, drawn = 0;
	bool quiet = false;

	while ((c = cli_next_opt(g, "unpack", argc, argv, "+:hq", longopts, &status)) != -1) {
		if (c == CLI_OPT_STOP)
			return status;
		if (c == 'r')
			opts.rootless = true;
		else if (c == 'p')
			opts.platform = optarg;
		else if (c == 'R')
			opts.ref = optarg;
		else if (c == 'q')
			quiet = true;
	}
	if (argc - optind != 2)
		return cli_usage_error(g, "unpack", "expected IMAGE and BUNDLE");
	if (!quiet && isatty(STDERR_FILENO)) {
		opts.progress = draw_progress;
		opts.progress_data = &drawn;
	}
	sopts.rootless = opts.rootless;
	install_cancel_handlers();
	opts.cancel = &cancel_signal;
	config = sheep_spec_default(&sopts, &err);
	if (config == NULL)
		return cli_fail(g, "unpack", err);
	ret = sheep_unpack(argv[optind], argv[optind + 1], &opts, config, &err);
	oci_config_free(config);
	if (drawn)
		fputc('\n', stderr);
	/* a signal after the bundle was renamed into place does not undo a finished unpack */
	if (ret == 0)
		return 0;
	ret = cli_fail(g, "unpack", err);
	return cancel_signal ? die_of_cancel(ret) : ret;
}
