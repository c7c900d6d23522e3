/* bench/net/nft_ctx.c: what libnftables costs per use, the reason sheep-net asks nfnetlink
 * whether its table exists and loads libnftables only for changes. Prints the median over N of
 * nft_ctx_new + `list table ip sheep` + nft_ctx_free, in milliseconds.
 * Built by run.sh: cc -O2 nft_ctx.c -lnftables */
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 50;
	double *v = calloc((size_t)n, sizeof(*v));

	for (int i = 0; v != NULL && i < n; i++) {
		struct timespec a, b;
		struct nft_ctx *ctx;

		clock_gettime(CLOCK_MONOTONIC, &a);
		ctx = nft_ctx_new(NFT_CTX_DEFAULT);
		nft_ctx_buffer_output(ctx);
		nft_ctx_buffer_error(ctx);
		nft_run_cmd_from_buffer(ctx, "list table ip sheep");
		nft_ctx_free(ctx);
		clock_gettime(CLOCK_MONOTONIC, &b);
		v[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	}
	if (v == NULL || n < 1)
		return 1;
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%.2f\n", v[n / 2]);
	free(v);
	return 0;
}
