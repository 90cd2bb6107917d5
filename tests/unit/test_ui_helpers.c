/* The UI's one-place rules: the confirmation rule (which key answers what,
 * and the keys shown after the question), the one name of a key (the key
 * bar and the help screen), and the one folder the screens write files to.
 * No screen is started: these are plain functions. */
#include "testlib.h"
#include "../../src/ui/ui.h"
#include "gonha/core/i18n.h"
#include "gonha/core/outdir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define FN(k) (UI_FN | (k))

/* y/c (có) yes, n/k (không) no, in both languages; Enter only where the
 * prompt says it is safe; Esc no, or cancel where there is a third answer;
 * any other key the safe answer. */
static void one_rule_for_yes_and_no(void)
{
	ui_prompt plain = { .yes = "remove", .no = "keep" };
	static const int yes[] = { 'c', 'C', 'y', 'Y' }, no[] = { 'k', 'K', 'n', 'N', 27 };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		CHECK_EQ_INT(ui_answer_for_key(&plain, yes[i]), UI_YES);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		CHECK_EQ_INT(ui_answer_for_key(&plain, no[i]), UI_NO);
	/* Enter is not yes where yes loses something; neither is any other key */
	static const int other[] = { '\n', '\r', FN(KEY_ENTER), 'x', 'l', 'b', ' ', FN(KEY_DOWN), UI_MOUSE, 'q' };
	for (size_t i = 0; i < sizeof other / sizeof *other; i++)
		CHECK_EQ_INT(ui_answer_for_key(&plain, other[i]), UI_NO);

	ui_prompt safe = { .enter_yes = true };
	CHECK_EQ_INT(ui_answer_for_key(&safe, '\n'), UI_YES);
	CHECK_EQ_INT(ui_answer_for_key(&safe, '\r'), UI_YES);
	CHECK_EQ_INT(ui_answer_for_key(&safe, FN(KEY_ENTER)), UI_YES);
	CHECK_EQ_INT(ui_answer_for_key(&safe, 'k'), UI_NO);
	CHECK_EQ_INT(ui_answer_for_key(&safe, 27), UI_NO);

	/* a third answer for Esc: other keys are that one (nothing happens) */
	ui_prompt three = { .yes = "save", .no = "leave", .cancel = "keep editing" };
	CHECK_EQ_INT(ui_answer_for_key(&three, 27), UI_CANCEL);
	CHECK_EQ_INT(ui_answer_for_key(&three, 'z'), UI_CANCEL);
	CHECK_EQ_INT(ui_answer_for_key(&three, '\n'), UI_CANCEL);
	CHECK_EQ_INT(ui_answer_for_key(&three, 'n'), UI_NO);
	CHECK_EQ_INT(ui_answer_for_key(&three, 'c'), UI_YES);

	/* one more named key */
	ui_prompt draft = { .yes = "restore", .no = "later", .other = "discard", .other_key = 'x', .enter_yes = true };
	CHECK_EQ_INT(ui_answer_for_key(&draft, 'x'), UI_OTHER);
	CHECK_EQ_INT(ui_answer_for_key(&draft, 'X'), UI_NO);
	CHECK_EQ_INT(ui_answer_for_key(&draft, 'k'), UI_NO); /* không: the draft stays */
	CHECK_EQ_INT(ui_answer_for_key(&draft, '\r'), UI_YES);
}

/* The keys are shown after every question, in the same words. */
static void prompts_show_their_keys(void)
{
	char buf[256];
	gn_i18n_init("en");
	ui_prompt plain = { .yes = "remove", .no = "keep" };
	CHECK_STR(ui_prompt_keys(&plain, buf, sizeof buf), "[c/y: remove · k/n/Esc: keep]");
	ui_prompt bare = { 0 };
	CHECK_STR(ui_prompt_keys(&bare, buf, sizeof buf), "[c/y: yes · k/n/Esc: no]");
	ui_prompt draft = { .yes = "restore", .no = "later", .other = "discard", .other_key = 'x', .enter_yes = true };
	CHECK_STR(ui_prompt_keys(&draft, buf, sizeof buf), "[Enter/c/y: restore · k/n/Esc: later · x: discard]");
	ui_prompt three = { .yes = "save", .no = "leave", .cancel = "keep editing" };
	CHECK_STR(ui_prompt_keys(&three, buf, sizeof buf), "[c/y: save · k/n: leave · Esc: keep editing]");
	/* cut to the buffer, still a string */
	char tiny[8];
	ui_prompt_keys(&draft, tiny, sizeof tiny);
	CHECK(strlen(tiny) < sizeof tiny);
	gn_i18n_init("vi");
	CHECK_STR(ui_prompt_keys(&bare, buf, sizeof buf), "[c/y: có · k/n/Esc: không]");
	gn_i18n_init("en");
}

/* One name per key, short for the key bar, spelled out for help. */
static void keys_have_one_name(void)
{
	char buf[32];
	struct { int key; const char *bar, *help; } cases[] = {
		{ '\n', "Enter", "Enter" }, { '\r', "", "" }, { FN(KEY_ENTER), "", "" }, { 27, "Esc", "Esc" },
		{ '\t', "Tab", "Tab" }, { ' ', "Space", "Space" }, { UI_CTRL('s'), "^S", "Ctrl-S" },
		{ UI_CTRL('g'), "^G", "Ctrl-G" }, { FN(KEY_BTAB), "S-Tab", "Shift-Tab" }, { FN(KEY_F(1)), "F1", "F1" },
		{ FN(KEY_F(12)), "F12", "F12" }, { FN(KEY_UP), "↑", "↑" }, { FN(KEY_NPAGE), "PgDn", "PgDn" },
		{ FN(KEY_HOME), "Home", "Home" }, { FN(KEY_DC), "Del", "Del" }, { 'a', "a", "a" }, { 'G', "G", "G" },
		{ '?', "?", "?" }, { 0x1A1, "ơ", "ơ" }, /* ơ: a code point that is also a KEY_* value */
		{ FN(KEY_MOUSE), "", "" }, { 0, "", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		CHECK_STR(ui_key_name(cases[i].key, false, buf, sizeof buf), cases[i].bar);
		CHECK_STR(ui_key_name(cases[i].key, true, buf, sizeof buf), cases[i].help);
	}
	/* the key bar shows each action's first key: every one has a name, and
	 * each key of the table is named or is Enter's twin */
	for (size_t i = 0; i < ui_action_count; i++) {
		const ui_action_def *a = &ui_actions[i];
		if (a->bar && !*ui_key_name(a->keys[0], false, buf, sizeof buf))
			fprintf(stderr, "  %s: its first key has no name\n", a->name);
		CHECK(!a->bar || *ui_key_name(a->keys[0], false, buf, sizeof buf));
		CHECK(*ui_key_name(a->keys[0], true, buf, sizeof buf));
		for (size_t k = 0; k < 4 && a->keys[k]; k++) {
			int key = a->keys[k];
			CHECK(*ui_key_name(key, true, buf, sizeof buf) || key == '\r' || key == FN(KEY_ENTER));
		}
	}
}

/* The movement keys are the widget's movements, and nothing else is. */
static void movement_actions(void)
{
	ui_move m;
	CHECK(ui_action_move(UA_PAGE_DOWN, &m) && m == UL_PAGE_DOWN);
	CHECK(ui_action_move(UA_UP, &m) && m == UL_UP);
	CHECK(ui_action_move(UA_LAST, &m) && m == UL_LAST);
	CHECK(!ui_action_move(UA_OPEN, &m));
	CHECK(!ui_action_move(UA_NEXT_FIELD, &m));
	/* PgDn, the wheel's Down and j move a list; in a form they do not */
	CHECK_EQ_INT(ui_action_for_key(UV_HOME, FN(KEY_NPAGE)), UA_PAGE_DOWN);
	CHECK_EQ_INT(ui_action_for_key(UV_AUDIT, FN(KEY_DOWN)), UA_DOWN);
	CHECK_EQ_INT(ui_action_for_key(UV_MISSING, 'j'), UA_DOWN);
	CHECK_EQ_INT(ui_action_for_key(UV_HOUSEHOLD, 'j'), UA_NONE);
}

/* The one folder: $GONHA_EXPORT_DIR, else the database's, whole. */
static void files_go_to_one_folder(void)
{
	char dir[PATH_MAX], want[PATH_MAX], db[PATH_MAX + 64], path[PATH_MAX + 64], cwd[PATH_MAX];
	gn_err err = { 0 };
	const char *tmp = gn_test_tmpdir();
	REQUIRE(realpath(tmp, want));
	REQUIRE(getcwd(cwd, sizeof cwd));
	unsetenv("GONHA_EXPORT_DIR");
	snprintf(db, sizeof db, "%s/ward.db", tmp);
	gn_output_dir(db, dir, sizeof dir);
	CHECK_STR(dir, want);
	gn_output_dir("ward.db", dir, sizeof dir); /* beside a database named in the current folder */
	CHECK_STR(dir, cwd);
	gn_output_dir(NULL, dir, sizeof dir);
	CHECK_STR(dir, cwd);
	gn_output_dir("/ward.db", dir, sizeof dir);
	CHECK_STR(dir, "/");
	setenv("GONHA_EXPORT_DIR", tmp, 1);
	gn_output_dir("/somewhere/else/ward.db", dir, sizeof dir);
	CHECK_STR(dir, want);
	setenv("GONHA_EXPORT_DIR", "", 1); /* set but empty: not set */
	gn_output_dir(db, dir, sizeof dir);
	CHECK_STR(dir, want);
	unsetenv("GONHA_EXPORT_DIR");

	/* a name that is taken is never used again */
	CHECK_EQ_INT(gn_output_path(want, "audit-2026-11-20", "csv", path, sizeof path, &err), GN_OK);
	snprintf(db, sizeof db, "%s/audit-2026-11-20.csv", want);
	CHECK_STR(path, db);
	FILE *f = fopen(path, "w");
	REQUIRE(f);
	fclose(f);
	CHECK_EQ_INT(gn_output_path(want, "audit-2026-11-20", "csv", path, sizeof path, &err), GN_OK);
	snprintf(db, sizeof db, "%s/audit-2026-11-20-2.csv", want);
	CHECK_STR(path, db);
	CHECK_EQ_INT(gn_output_path("/", "x", "csv", path, sizeof path, &err), GN_OK);
	CHECK_STR(path, "/x.csv");
	char small[16];
	CHECK_EQ_INT(gn_output_path(want, "audit-2026-11-20", "csv", small, sizeof small, &err), GN_ERR_IO);
}

GN_TESTS(T(one_rule_for_yes_and_no), T(prompts_show_their_keys), T(keys_have_one_name), T(movement_actions),
         T(files_go_to_one_folder))
