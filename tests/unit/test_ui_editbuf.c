/* The text input's editing buffer: NFC and NFD Vietnamese, cursor by
 * character, widths and scrolling, and pasted controls kept out. */
#include "testlib.h"
#include "gonha/ui/editbuf.h"
#include "gonha/core/i18n.h"
#include "gonha/text/text.h"

#include <stdlib.h>

static void nfc_and_nfd_move_by_character(void)
{
	gn_editbuf eb;
	gn_eb_init(&eb, 0);
	/* "Nguyễn" typed as NFC, then as NFD (e + circumflex + tilde). */
	REQUIRE(gn_eb_insert(&eb, "Nguy\xe1\xbb\x85n", 8));
	CHECK_EQ_INT(gn_eb_chars(&eb), 6);
	gn_eb_set(&eb, "Nguye\xcc\x82\xcc\x83n");
	CHECK_EQ_INT(gn_eb_chars(&eb), 6);
	CHECK_EQ_INT(eb.cursor, eb.len);
	gn_eb_left(&eb);              /* before n */
	gn_eb_left(&eb);              /* before ễ (3 code points) */
	CHECK_EQ_INT(eb.cursor, 4);
	gn_eb_backspace(&eb);         /* removes y */
	CHECK_STR(eb.text, "Ngue\xcc\x82\xcc\x83n");
	gn_eb_delete(&eb);            /* removes ễ whole, not one mark */
	CHECK_STR(eb.text, "Ngun");
	gn_eb_free(&eb);
}

static void controls_and_escapes_are_dropped(void)
{
	gn_editbuf eb;
	gn_eb_init(&eb, 0);
	const char paste[] = "L\xc3\xaa\n\x1b[31mVa\x1b]0;title\x07n\tA\x01\x7f\xff\xc2\x9b!";
	REQUIRE(gn_eb_insert(&eb, paste, sizeof paste - 1));
	CHECK_STR(eb.text, "L\xc3\xaa Van A!");
	gn_eb_free(&eb);
}

static void scrolls_to_keep_cursor_visible(void)
{
	gn_editbuf eb;
	gn_eb_init(&eb, 0);
	gn_eb_set(&eb, "Tr\xe1\xba\xa7n Th\xe1\xbb\x8b Ph\xc6\xb0\xc6\xa1ng Th\xe1\xba\xa3o");
	size_t shown;
	int col = gn_eb_view(&eb, 10, &shown);
	CHECK(col <= 9);
	CHECK(eb.scroll > 0);
	CHECK(gn_text_width(eb.text + eb.scroll) <= 10);
	gn_eb_home(&eb);
	col = gn_eb_view(&eb, 10, &shown);
	CHECK_EQ_INT(col, 0);
	CHECK_EQ_INT(eb.scroll, 0);
	/* "Trần Thị P" fits exactly 10 columns */
	char first[64];
	snprintf(first, sizeof first, "%.*s", (int)shown, eb.text);
	CHECK_EQ_INT(gn_text_width(first), 10);
	/* wide characters: the cursor column counts 2 each */
	gn_eb_set(&eb, "\xe4\xb8\xad\xe6\x96\x87");
	col = gn_eb_view(&eb, 20, &shown);
	CHECK_EQ_INT(col, 4);
	gn_eb_free(&eb);
}

static void words_kill_and_limit(void)
{
	gn_editbuf eb;
	gn_eb_init(&eb, 8);
	gn_eb_insert(&eb, "abc def ghij", 12);
	CHECK_STR(eb.text, "abc def ");
	gn_eb_word_left(&eb);
	CHECK_EQ_INT(eb.cursor, 4);
	gn_eb_kill_end(&eb);
	CHECK_STR(eb.text, "abc ");
	gn_eb_kill_start(&eb);
	CHECK_STR(eb.text, "");
	/* the limit never splits a character */
	gn_eb_insert(&eb, "\xe1\xbb\x85\xe1\xbb\x85\xe1\xbb\x85", 9);
	CHECK_EQ_INT(eb.len, 6);
	CHECK(gn_text_valid_utf8(eb.text, eb.len));
	gn_eb_free(&eb);
}

GN_TESTS(T(nfc_and_nfd_move_by_character), T(controls_and_escapes_are_dropped),
         T(scrolls_to_keep_cursor_visible), T(words_kill_and_limit))
