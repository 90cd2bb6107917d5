/* The screens of the Vietnamese user guide (docs/huong-dan.md), made by
 * driving the real gonha through the guide's steps on a pseudo-terminal
 * at 80x24, so that they stay true: each screen is compared with
 * docs/screens/NAME.txt, and each block of the guide marked
 * "<!-- screen: NAME -->" with that file. GONHA_UPDATE_SCREENS=1 writes
 * what differs (the screen files and the guide's blocks; the test still
 * fails that once): look at the diff, then commit it. */
#include "testlib.h"
#include "e2e_fixtures.h"
#include "ui_fixtures.h"
#include "term.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE_WAIT(t, s) REQUIRE(gn_term_wait_for((t), (s), GN_TERM_WAIT_MS) == 0)

static const char *dir(void)
{
	const char *d = getenv("GONHA_GUIDE_DIR");
	return d && *d ? d : "docs";
}

static void shot(gn_term *t, const char *name)
{
	char screens[1024];
	snprintf(screens, sizeof screens, "%s/screens", dir());
	gn_ui_matches(t, screens, name);
}

/* gonha on the guide's ward, with the clock, the time zone and the export
 * folder of the pictures (a USB stick's folder, as a ward office has). */
static gn_term *start(void)
{
	char *argv[] = { (char *)gn_e2e_bin(), "--db", (char *)gn_ui_db(), NULL };
	char *env[] = { "GONHA_NOW=2026-11-20T02:00:00Z", "GONHA_LANG=", "TZ=Asia/Ho_Chi_Minh",
		            "GONHA_EXPORT_DIR=/media/usb/gonha", NULL };
	return gn_term_spawn(24, 80, argv, env);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	size_t got = s ? fread(s, 1, (size_t)n, f) : 0;
	fclose(f);
	if (s)
		s[got] = '\0';
	return s;
}

/* Each "<!-- screen: NAME -->" of the guide, then a ```text block: the
 * block is docs/screens/NAME.txt. */
static void guide_blocks_match(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/huong-dan.md", dir());
	char *guide = slurp(path);
	REQUIRE(guide);
	size_t cap = strlen(guide) * 2 + 65536, len = 0;
	char *out = malloc(cap);
	REQUIRE(out);
	int blocks = 0;
	bool differs = false;
	const char *p = guide;
	const char *mark = "<!-- screen: ";
	for (const char *m; (m = strstr(p, mark)) != NULL;) {
		const char *name = m + strlen(mark), *name_end = strstr(name, " -->");
		const char *open = name_end ? strstr(name_end, "```text\n") : NULL;
		const char *body = open ? open + strlen("```text\n") : NULL;
		const char *close = body ? strstr(body, "```") : NULL;
		if (!close) {
			gn_test_failed = 1;
			fprintf(stderr, "  %s: a screen mark without its ```text block\n", path);
			break;
		}
		char file[1200];
		snprintf(file, sizeof file, "%s/screens/%.*s.txt", dir(), (int)(name_end - name), name);
		char *want = slurp(file);
		if (!want) {
			gn_test_failed = 1;
			fprintf(stderr, "  %s: no screen %s\n", path, file);
			want = strdup("");
		}
		size_t wl = strlen(want);
		bool nl = !wl || want[wl - 1] != '\n'; /* the block ends with a line end */
		bool same = (size_t)(close - body) == wl + nl && strncmp(body, want, wl) == 0 && (!nl || body[wl] == '\n');
		if (!same) {
			differs = true;
			fprintf(stderr, "  %s: the block of %.*s is not %s\n", path, (int)(name_end - name), name, file);
		}
		/* the guide as it should be, up to the end of this block */
		size_t head = (size_t)(body - p);
		if (len + head + wl + 2 < cap) {
			memcpy(out + len, p, head);
			len += head;
			memcpy(out + len, want, wl);
			len += wl;
			if (nl)
				out[len++] = '\n';
		}
		free(want);
		p = close;
		blocks++;
	}
	size_t rest = strlen(p);
	if (len + rest < cap) {
		memcpy(out + len, p, rest);
		len += rest;
	}
	CHECK(blocks >= 10);
	if (differs) {
		gn_test_failed = 1;
		FILE *f = getenv("GONHA_UPDATE_SCREENS") ? fopen(path, "wb") : NULL;
		if (f) {
			fwrite(out, 1, len, f);
			fclose(f);
			fprintf(stderr, "  (the guide's blocks written: look at them, then commit)\n");
		}
	}
	free(out);
	free(guide);
}

static void the_guide_steps(void)
{
	gn_ui_demo("guide.db", 3, 12);
	gn_term *t = start();
	REQUIRE(t);
	REQUIRE_WAIT(t, "Tên đăng nhập:");
	shot(t, "01-dang-nhap");
	REQUIRE(gn_ui_sign_in(t, "tdp01", "demo", "Tổ dân phố 1") == 0);
	shot(t, "02-trang-chu");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "12 hộ");
	shot(t, "03-to-dan-pho");
	/* a household found on the round, after the third one */
	REQUIRE(gn_ui_add_after_third(t, "5A") == 0);
	gn_term_type(t, "2");
	REQUIRE_WAIT(t, "Ngày tổ đi khảo sát");
	gn_term_key(t, "C-u");
	gn_term_type(t, "20/11/2026"); /* typed whole: on to the next field */
	REQUIRE_WAIT(t, "Mặc định là người đang đăng nhập");
	shot(t, "04-ho-moi");
	gn_term_key(t, "C-t");
	REQUIRE_WAIT(t, "người 1/1");
	gn_term_type(t, "Nguyễn Thị Lan");
	gn_term_key(t, "Enter");
	gn_term_type(t, "1985"); /* four digits: on to the sex */
	REQUIRE_WAIT(t, "1 Nam  2 Nữ");
	shot(t, "05-go-lien");
	gn_term_type(t, "2");
	REQUIRE_WAIT(t, "Mỗi hộ có đúng một chủ hộ");
	gn_term_type(t, "1");
	REQUIRE_WAIT(t, "Không bắt buộc. 12 chữ số");
	/* the power goes: the draft keeps it */
	CHECK_EQ_INT(gn_term_signal(t, SIGKILL), 0);
	gn_term_free(t);

	t = start();
	REQUIRE(t);
	REQUIRE(gn_ui_sign_in(t, "tdp01", "demo", "Khôi phục?") == 0);
	shot(t, "06-ban-nhap");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Không bắt buộc. 12 chữ số"); /* back at the CCCD */
	shot(t, "07-khoi-phuc");
	gn_term_key(t, "Enter");
	REQUIRE_WAIT(t, "Nhóm theo Quyết định 757");
	gn_term_type(t, "6"); /* another resident */
	REQUIRE_WAIT(t, "Có dùng điện thoại thông minh");
	gn_term_type(t, "1"); /* a smartphone */
	gn_term_key(t, "C-s");
	REQUIRE_WAIT(t, "Đã lưu: hộ 5A");
	shot(t, "08-da-luu");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "13 hộ");
	/* the revisit list */
	gn_term_type(t, "f");
	gn_term_type(t, "f");
	REQUIRE_WAIT(t, "Lọc: hẹn lại");
	shot(t, "09-can-quay-lai");
	gn_term_type(t, "f");
	gn_term_type(t, "f");
	REQUIRE_WAIT(t, "Lọc: tất cả");
	/* a household moved: m, the cursor, Enter */
	gn_term_key(t, "End");
	gn_term_type(t, "m");
	REQUIRE_WAIT(t, "Đang chuyển hộ");
	gn_term_key(t, "Home");
	shot(t, "10-chuyen-cho");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "Không chuyển.");
	gn_term_type(t, "?");
	REQUIRE_WAIT(t, "Trợ giúp");
	shot(t, "11-tro-giup");
	gn_term_key(t, "Esc");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "Số người");
	gn_term_type(t, "x");
	REQUIRE_WAIT(t, "Trao đổi tệp CSV");
	shot(t, "12-trao-doi-tep");
	gn_term_key(t, "Esc");
	REQUIRE_WAIT(t, "Số người");
	gn_ui_quit(t);
	guide_blocks_match();
}

GN_TESTS(T(the_guide_steps))
