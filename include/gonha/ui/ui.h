/* The terminal UI (ncursesw). Only src/ui/ includes curses. */
#ifndef GONHA_UI_H
#define GONHA_UI_H

/* Opens the database (errors as one line on stderr, before the screen is
 * touched), then runs the UI until the user quits. Returns an exit code
 * (0 ok, 3 error). */
#include <sqlite3.h>

#include "gonha/forms/census.h"

int gn_ui_run(const char *db_path, sqlite3 *db, gn_census *census);

/* Renders each main screen headless (a curses screen on /dev/null) on the
 * database, signed in as `login`, `rounds` times, and prints the time to
 * the first screen and the milliseconds per screen on stdout; then every
 * key of each screen timed to its redrawn screen, the slowest named, saves
 * apart. `cold`: 1, SQLite's cache and the OS page cache of the file
 * dropped before each screen (and each walk of its keys); 2, before every
 * key. */
int gn_ui_bench(const char *db_path, const char *login, int rounds, const char *search, int cold);

#endif
