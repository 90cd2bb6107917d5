/* libFuzzer target: an arbitrary file given as a sealed copy (a USB stick
 * found, a file changed on the way): its header read, its ward named, and
 * opened with a passphrase. Nothing may crash or read outside a chunk, and
 * nothing is left where the opened content would go. Run by `make fuzz`. */
#include "gonha/domain/sealed.h"
#include "gonha/core/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		gn_i18n_init("en");
		snprintf(dir, sizeof dir, "/tmp/gonha-fuzz-sealed-%d", (int)getpid());
		mkdir(dir, 0700);
	}
	char in[128], out[128];
	snprintf(in, sizeof in, "%s/in.gbk", dir);
	snprintf(out, sizeof out, "%s/opened.part", dir);
	FILE *f = fopen(in, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	gn_err err = { 0 };
	char ward[256];
	if (gn_sealed_is(in) && gn_sealed_ward(in, ward, sizeof ward, &err) == GN_OK) {
		unlink(out);
		if (gn_unseal_file(in, out, "fuzz-passphrase", &err) != GN_OK && access(out, F_OK) == 0)
			abort(); /* a refused file left its content behind */
	}
	unlink(out);
	return 0;
}
