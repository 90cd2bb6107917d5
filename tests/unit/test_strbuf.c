#include "testlib.h"
#include "gonha/core/strbuf.h"

#include <stdlib.h>

static char *json(const char *s)
{
	gn_strbuf b = { 0 };
	gn_sb_json_str(&b, s);
	return gn_sb_take(&b);
}

/* gn_sb_json_str copies the runs that need no escape at once: what comes
 * out is still one JSON string, every escape where it belongs. */
static void json_str_escapes_and_runs(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "\"\"" },
		{ "yes", "\"yes\"" },
		{ "Nguy\xe1\xbb\x85n V\xc4\x83n \xc3\x81", "\"Nguy\xe1\xbb\x85n V\xc4\x83n \xc3\x81\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "\\", "\"\\\\\"" },
		{ "\"\"", "\"\\\"\\\"\"" },
		{ "line\nnext\r\tend", "\"line\\nnext\\r\\tend\"" },
		{ "\x01x\x1f", "\"\\u0001x\\u001f\"" },
		{ "del\x7f", "\"del\x7f\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = json(cases[i].in);
		CHECK_STR(s, cases[i].out);
		free(s);
	}
	char *s = json(NULL);
	CHECK_STR(s, "null");
	free(s);
}

GN_TESTS(T(json_str_escapes_and_runs))
