/* What the end-to-end tests of the terminal UI share: a demo ward in the
 * test's folder, gonha started on it on a pseudo-terminal (tests/term.h),
 * signing in as a person would, answers read from the ward's file, and
 * quitting. */
#ifndef GONHA_TESTS_UI_FIXTURES_H
#define GONHA_TESTS_UI_FIXTURES_H

#include <stddef.h>

#include "term.h"

/* The ward's file: a fresh demo of tdps x households made in the test's
 * folder as name (GONHA_NOW fixed). The test stops (exit 2) if it fails. */
const char *gn_ui_demo(const char *name, int tdps, int households);
const char *gn_ui_db(void);
/* Another file of the test folder (made by the test) as the ward's. */
void gn_ui_set_db(const char *path);

/* gonha --db (the ward) on a rows x cols terminal; lang NULL for the
 * default (Vietnamese); extra: one more NAME=value or NULL. */
gn_term *gn_ui_start(int rows, int cols, const char *lang, const char *extra_env);

/* Types user and password on the sign-in screen and waits for then. */
int gn_ui_sign_in(gn_term *t, const char *user, const char *password, const char *then);

/* gn_ui_start at 80x24 in the default language, then gn_ui_sign_in with
 * the demo password; NULL (t freed) when then did not come. */
gn_term *gn_ui_signed_in(const char *user, const char *then);

/* A fresh demo ward (gn_ui_demo: name, tdps x households) and user signed
 * in on it (gn_ui_signed_in), its home screen shown; NULL when not. */
gn_term *gn_ui_fresh(const char *name, int tdps, int households, const char *user);
/* The same on 2 TDPs of 10 households, then a new household of TDP 1 with
 * house number no typed (gn_ui_new_household); NULL (t freed) when a
 * screen did not come. */
gn_term *gn_ui_fresh_household(const char *name, const char *user, const char *no);

/* From the home screen: TDP 1's list (with `households` households), a
 * new household there, house number no typed. 0, or -1 when a screen did
 * not come. */
int gn_ui_new_household(gn_term *t, int households, const char *no);

/* The same, then the street typed and the visit marked done: the visit
 * date under the cursor. */
int gn_ui_visited_household(gn_term *t, int households, const char *no, const char *street);

/* The screen once gonha has stopped drawing, against dir/NAME.txt, line by
 * line (a changed row printed as wanted and got); the test fails when
 * they differ. With GONHA_UPDATE_SCREENS set, a differing file is written
 * (the test still fails that once): look at it, then commit it. */
void gn_ui_matches(gn_term *t, const char *dir, const char *name);

/* Column col (house_no, alley, street) of the household at place k
 * (0-based) of TDP 01's walk, into out ("" when there is none). */
const char *gn_ui_walk_at(int k, const char *col, char *out, size_t size);

/* On TDP 01's list (the cursor on the first): a household added after the
 * third, numbered no, with the third's alley and street typed; 0 once the
 * visit outcome is under the cursor, else -1. */
int gn_ui_add_after_third(gn_term *t, const char *no);

/* One answer from the ward's file (-1 / "" when there is none). */
long gn_ui_query_int(const char *sql);
const char *gn_ui_query_text(const char *sql, char *out, size_t size);

/* Some line of the screen shows label and then value (once the program
 * has finished drawing). */
bool gn_ui_line_shows(gn_term *t, const char *label, const char *value);

/* Ctrl-Q, answered yes when asked (signed in), and gonha exits with 0
 * (checked); frees t. */
void gn_ui_quit(gn_term *t);
/* The same on the sign-in screen, where quitting is not asked. */
void gn_ui_quit_at_sign_in(gn_term *t);

#endif
