/* The command line as a first-time user meets it (issue 15): --help for
 * every command and subcommand, made from the table that parses it; the
 * man pages; the bash completion; the default data folder; the language
 * from LANG / LC_MESSAGES. */
#include "e2e_fixtures.h"
#include "testlib.h"
#include "gonha/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define run gn_e2e_run_env
#define out_text gn_e2e_out
#define err_text gn_e2e_err

/* Every line of text at most 80 columns wide; says which one is not. */
static bool fits_80(const char *text, const char *what)
{
	bool ok = true;
	char line[1024];
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
		if (gn_text_width(line) > 80) {
			fprintf(stderr, "  %s: a line of %d columns: %s\n", what, gn_text_width(line), line);
			ok = false;
		}
		p += n + (p[n] == '\n');
	}
	return ok;
}

/* The commands `gonha --help` lists ("  gonha NAME ..."), into names. */
static int listed_commands(char names[][32], int max)
{
	int n = 0;
	for (const char *p = out_text; (p = strstr(p, "\n  gonha ")) && n < max; p++) {
		const char *w = p + strlen("\n  gonha ");
		size_t len = strcspn(w, " \n");
		if (len == 0 || len >= 32 || *w == '[' || *w == '-' || strncmp(w, "COMMAND", 7) == 0)
			continue;
		bool seen = false;
		for (int i = 0; i < n && !seen; i++)
			seen = strlen(names[i]) == len && strncmp(names[i], w, len) == 0;
		if (!seen)
			snprintf(names[n++], 32, "%.*s", (int)len, w);
	}
	return n;
}

/* The options a help shows ("  --name ARG   what it does"), each with
 * whether it takes a value. */
typedef struct shown_opt {
	char name[40];
	bool value;
} shown_opt;

static int shown_options(shown_opt *opts, int max)
{
	int n = 0;
	const char *p = strstr(out_text, "\n\n");
	p = p ? strstr(p, "\n  --") : NULL;
	for (; p && n < max; p = strstr(p + 1, "\n  --")) {
		const char *w = p + 3;
		size_t len = strcspn(w, " \n");
		if (len >= sizeof opts[n].name)
			continue;
		snprintf(opts[n].name, sizeof opts[n].name, "%.*s", (int)len, w);
		opts[n].value = w[len] == ' ' && w[len + 1] != ' ';
		n++;
	}
	return n;
}

static void every_command_has_help(void)
{
	CHECK_EQ_INT(run(NULL, "--help"), 0);
	CHECK(fits_80(out_text, "gonha --help"));
	char names[40][32];
	int n = listed_commands(names, 40);
	CHECK(n >= 17); /* init ... restore */
	for (int i = 0; i < n; i++) {
		char args[128];
		for (int form = 0; form < 2; form++) {
			snprintf(args, sizeof args, "%s %s", names[i], form ? "-h" : "--help");
			int rc = run(NULL, args);
			if (rc != 0 || !strstr(out_text, "Usage:") || !strstr(out_text, "Options:") || err_text[0]) {
				fprintf(stderr, "  gonha %s: exit %d\n%s%s", args, rc, out_text, err_text);
				CHECK(0);
			}
			CHECK(fits_80(out_text, args));
		}
		snprintf(args, sizeof args, "gonha %s", names[i]);
		CHECK(gn_e2e_has(out_text, args));
	}
	/* in Vietnamese too */
	CHECK_EQ_INT(run("GONHA_LANG=vi", "sheet --help"), 0);
	CHECK(gn_e2e_has(out_text, "Tuỳ chọn:"));
	CHECK(gn_e2e_has(out_text, "phiếu đi"));
	CHECK(fits_80(out_text, "vi sheet --help"));
}

/* A subcommand's help shows its own options, not its siblings'. */
static void subcommands_have_their_own_help(void)
{
	CHECK_EQ_INT(run(NULL, "form check --help"), 0); /* not a folder named --help */
	CHECK(gn_e2e_has(out_text, "gonha form check DIR"));
	CHECK(!strstr(err_text, "--help"));
	CHECK_EQ_INT(run(NULL, "sheet walk --help"), 0);
	CHECK(gn_e2e_has(out_text, "--alley"));
	CHECK(strstr(out_text, "--indicator") == NULL);
	CHECK(strstr(out_text, "sheet missing") == NULL);
	CHECK_EQ_INT(run(NULL, "sheet missing -h"), 0);
	CHECK(gn_e2e_has(out_text, "--indicator INDICATOR"));
	CHECK(strstr(out_text, "--alley") == NULL);
	CHECK_EQ_INT(run(NULL, "user add --help"), 0);
	CHECK(gn_e2e_has(out_text, "--role ROLE"));
	CHECK_EQ_INT(run(NULL, "user list --help"), 0);
	CHECK(strstr(out_text, "--role") == NULL);
	CHECK_EQ_INT(run(NULL, "conflicts resolve --help"), 0);
	CHECK(gn_e2e_has(out_text, "--keep local|incoming"));
	/* nothing was opened or made */
	CHECK(access(gn_e2e_path("ward.db"), F_OK) != 0);
}

/* What a help shows is what the command parses: each option shown is
 * known to it (one taking a value asks for it), and one not shown is not. */
static void help_is_what_is_parsed(void)
{
	CHECK_EQ_INT(run(NULL, "--help"), 0);
	char names[40][32];
	int n = listed_commands(names, 40);
	int checked = 0;
	for (int i = 0; i < n; i++) {
		char args[160];
		snprintf(args, sizeof args, "%s --help", names[i]);
		CHECK_EQ_INT(run(NULL, args), 0);
		shown_opt opts[32];
		int k = shown_options(opts, 32);
		for (int j = 0; j < k; j++) {
			if (strcmp(opts[j].name, "--help") == 0 || strcmp(opts[j].name, "--lang") == 0)
				continue;
			if (opts[j].value) {
				snprintf(args, sizeof args, "%s %s", names[i], opts[j].name);
				CHECK_EQ_INT(run("GONHA_DB=nowhere.db", args), 2);
				if (!strstr(err_text, "needs a value"))
					fprintf(stderr, "  gonha %s: %s", args, err_text);
				CHECK(strstr(err_text, "needs a value") != NULL);
			} else {
				snprintf(args, sizeof args, "%s %s --zz-not-an-option", names[i], opts[j].name);
				CHECK_EQ_INT(run("GONHA_DB=nowhere.db", args), 2);
				if (!strstr(err_text, "unknown option --zz-not-an-option"))
					fprintf(stderr, "  gonha %s: %s", args, err_text);
				CHECK(strstr(err_text, "unknown option --zz-not-an-option") != NULL);
			}
			checked++;
		}
		snprintf(args, sizeof args, "%s --zz-not-an-option", names[i]);
		CHECK_EQ_INT(run("GONHA_DB=nowhere.db", args), 2);
		snprintf(args, sizeof args, "see gonha %s --help", names[i]);
		CHECK(gn_e2e_has(err_text, args));
	}
	CHECK(checked > 40);
	CHECK(access(gn_e2e_path("nowhere.db"), F_OK) != 0);
}

/* The man page in both languages: every section, every command, every
 * variable read by the sources, and groff says nothing against it. */
static void man_pages_are_complete(void)
{
	static const char *const en[] = { "NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "FILES",
		                          "ENVIRONMENT", "EXIT STATUS", "EXAMPLES", "SEE ALSO" };
	static const char *const vi[] = { "TÊN", "CÚ PHÁP", "MÔ TẢ", "TUỲ CHỌN", "CÁC LỆNH", "TỆP",
		                          "BIẾN MÔI TRƯỜNG", "MÃ THOÁT", "VÍ DỤ", "XEM THÊM" };
	CHECK_EQ_INT(run(NULL, "--help-man"), 0);
	gn_e2e_write("en.1", out_text, strlen(out_text));
	CHECK_EQ_INT(run("GONHA_LANG=vi", "--help-man"), 0);
	gn_e2e_write("vi.1", out_text, strlen(out_text));
	char *page_en = gn_e2e_read("en.1", NULL), *page_vi = gn_e2e_read("vi.1", NULL);
	REQUIRE(page_en && page_vi);
	char want[64];
	for (size_t i = 0; i < sizeof en / sizeof *en; i++) {
		snprintf(want, sizeof want, "\n.SH %s\n", en[i]);
		CHECK(gn_e2e_has(page_en, want));
		snprintf(want, sizeof want, "\n.SH %s\n", vi[i]);
		CHECK(gn_e2e_has(page_vi, want));
	}
	CHECK(gn_e2e_has(page_vi, "Bình dân học vụ số"));
	/* every command of the help has its own part */
	CHECK_EQ_INT(run(NULL, "--help"), 0);
	char names[40][32];
	int n = listed_commands(names, 40);
	for (int i = 0; i < n; i++) {
		snprintf(want, sizeof want, "\n.SS %s\n", names[i]);
		CHECK(gn_e2e_has(page_en, want));
	}
	/* every getenv("...") of the sources is in ENVIRONMENT */
	if (access("src/cli/main.c", R_OK) == 0) {
		char cmd[512];
		snprintf(cmd, sizeof cmd, "grep -rhoE 'getenv\\(\"[A-Z_]+\"\\)' src | sed -E 's/getenv\\(\"(.*)\"\\)/\\1/' | sort -u > '%s'",
		         gn_e2e_path("vars.txt"));
		CHECK_EQ_INT(system(cmd), 0);
		char *vars = gn_e2e_read("vars.txt", NULL);
		const char *env = strstr(page_en, ".SH ENVIRONMENT");
		REQUIRE(vars && env);
		int count = 0;
		for (char *v = strtok(vars, "\n"); v; v = strtok(NULL, "\n"), count++) {
			if (!strstr(env, v)) { /* names have no "-" that troff would write "\-" */
				fprintf(stderr, "  ENVIRONMENT lacks %s\n", v);
				CHECK(0);
			}
		}
		CHECK(count >= 10);
		free(vars);
	}
	/* groff reads both without a warning */
	if (system("command -v man >/dev/null 2>&1") != 0) {
		free(page_en);
		free(page_vi);
		SKIP("man is not installed");
	}
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cd '%s' && MANWIDTH=80 LANG=C.UTF-8 man --warnings -l en.1 >en.txt 2>en.warn && "
	         "MANWIDTH=80 LANG=C.UTF-8 man --warnings -l vi.1 >vi.txt 2>vi.warn", gn_test_tmpdir());
	CHECK_EQ_INT(system(cmd), 0);
	char *warn_en = gn_e2e_read("en.warn", NULL), *warn_vi = gn_e2e_read("vi.warn", NULL);
	char *txt_vi = gn_e2e_read("vi.txt", NULL);
	CHECK(warn_en && !*warn_en);
	CHECK(warn_vi && !*warn_vi);
	if (warn_vi && *warn_vi)
		fprintf(stderr, "  man vi.1: %s\n", warn_vi);
	CHECK(txt_vi && gn_e2e_has(txt_vi, "BIẾN MÔI TRƯỜNG"));
	CHECK(txt_vi && gn_e2e_has(txt_vi, "XDG_DATA_HOME"));
	free(warn_en);
	free(warn_vi);
	free(txt_vi);
	free(page_en);
	free(page_vi);
}

/* The bash completion, sourced as bash-completion does, asked as bash
 * asks (COMP_WORDS, COMP_CWORD). */
static void bash_completes_commands_and_options(void)
{
	if (system("command -v bash >/dev/null 2>&1") != 0)
		SKIP("bash is not installed");
	CHECK_EQ_INT(run(NULL, "--help-bash"), 0);
	gn_e2e_write("gonha.bash", out_text, strlen(out_text));
	static const char ask[] =
	             "source ./gonha.bash\n"
	             "complete -p gonha\n"
	             "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _gonha; "
	             "echo \"[$*] ${COMPREPLY[*]}\"; }\n"
	             "t gonha sh\n"
	             "t gonha ''\n"
	             "t gonha sheet ''\n"
	             "t gonha sheet walk --\n"
	             "t gonha sheet missing --in\n"
	             "t gonha report --format ''\n"
	             "t gonha --db x.db us\n"
	             "t gonha user add --r\n"
	             "t gonha list --tdp 01 --f\n"
	             "t gonha --l\n"
	             "GONHA_TDPS='01 02 11' t gonha list --tdp 0\n"
	             "t gonha export --what ''\n";
	gn_e2e_write("ask.sh", ask, strlen(ask));
	char cmd[512];
	snprintf(cmd, sizeof cmd, "cd '%s' && bash --norc ./ask.sh > asked.txt 2>&1", gn_test_tmpdir());
	CHECK_EQ_INT(system(cmd), 0);
	char *o = gn_e2e_read("asked.txt", NULL);
	REQUIRE(o);
	CHECK(gn_e2e_has(o, "complete -F _gonha gonha"));
	CHECK(gn_e2e_has(o, "[gonha sh] sheet\n"));
	CHECK(gn_e2e_has(o, "demo"));
	CHECK(gn_e2e_has(o, "[gonha sheet ] walk revisit missing\n"));
	CHECK(gn_e2e_has(o, "[gonha sheet walk --] --db --tdp --alley --out --help\n"));
	CHECK(gn_e2e_has(o, "[gonha sheet missing --in] --indicator\n"));
	CHECK(gn_e2e_has(o, "[gonha report --format ] text csv xlsx pdf\n"));
	CHECK(gn_e2e_has(o, "[gonha --db x.db us] user\n"));
	CHECK(gn_e2e_has(o, "[gonha user add --r] --role\n"));
	CHECK(gn_e2e_has(o, "[gonha list --tdp 01 --f] --filter --format\n"));
	CHECK(gn_e2e_has(o, "[gonha --l] --lang\n"));
	CHECK(gn_e2e_has(o, "[gonha list --tdp 0] 01 02\n"));
	CHECK(gn_e2e_has(o, "[gonha export --what ] persons households coverage\n"));
	free(o);
}

static int mode_of(const char *name)
{
	struct stat sb;
	return stat(gn_e2e_path(name), &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

/* No --db and nothing made yet: init and demo make the data folder
 * (0700) and say where the ward is; the others find it there. */
static void first_use_makes_the_data_folder(void)
{
	char env[1024];
	snprintf(env, sizeof env, "GONHA_DB= XDG_DATA_HOME= HOME='%s'", gn_e2e_path("home"));
	CHECK_EQ_INT(run(env, "demo --tdps 1 --households 4"), 0);
	CHECK(gn_e2e_has(out_text, "home/.local/share/gonha/ward.db"));
	CHECK_EQ_INT(mode_of("home/.local/share/gonha"), 0700);
	CHECK_EQ_INT(mode_of("home/.local/share/gonha/ward.db"), 0600);
	char signed_in[1200];
	snprintf(signed_in, sizeof signed_in, "%s GONHA_USER=admin GONHA_PASSWORD=demo", env);
	CHECK_EQ_INT(run(signed_in, "check"), 0);
	CHECK(gn_e2e_has(out_text, "no problems"));
	/* a second demo over it is refused, the ward kept */
	CHECK_EQ_INT(run(env, "demo --tdps 1 --households 1"), 2);
	CHECK(gn_e2e_has(err_text, "already exists"));

	/* XDG_DATA_HOME wins over HOME; init too */
	snprintf(env, sizeof env, "GONHA_DB= XDG_DATA_HOME='%s' HOME='%s' GONHA_PASSWORD=s3cret",
	         gn_e2e_path("xdg/data"), gn_e2e_path("home2"));
	CHECK_EQ_INT(run(env, "init --ward 'Phường Vạn Xuân' --tdps 2"), 0);
	CHECK(gn_e2e_has(out_text, "xdg/data/gonha/ward.db"));
	CHECK_EQ_INT(mode_of("xdg/data/gonha"), 0700);
	CHECK_EQ_INT(mode_of("home2"), -1);

	/* the screen with no ward yet: what to do, not a bare "cannot open" */
	snprintf(env, sizeof env, "GONHA_DB= XDG_DATA_HOME= HOME='%s'", gn_e2e_path("home3"));
	CHECK_EQ_INT(run(env, ""), 2);
	CHECK(gn_e2e_has(err_text, "gonha init"));
	CHECK(gn_e2e_has(err_text, "home3/.local/share/gonha/ward.db"));
	/* a --db the user names: its folder is theirs to make */
	CHECK(run(NULL, "demo --db no/such/dir/w.db --tdps 1 --households 1") != 0);
	CHECK_EQ_INT(mode_of("no"), -1);
}

/* --lang, then GONHA_LANG, then LC_ALL / LC_MESSAGES / LANG, but only a
 * vi* or en* locale counts: C.UTF-8 (Debian's and WSL's default) keeps
 * Vietnamese. */
static void the_locale_chooses_the_language(void)
{
	static const struct {
		const char *env, *args, *want;
	} cases[] = {
		{ "GONHA_LANG= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8", "--help", "Usage:" },
		{ "GONHA_LANG= LC_ALL= LC_MESSAGES= LANG=C.UTF-8", "--help", "Cách dùng:" },
		{ "GONHA_LANG= LC_ALL= LC_MESSAGES= LANG=", "--help", "Cách dùng:" },
		{ "GONHA_LANG= LC_ALL= LC_MESSAGES= LANG=fr_FR.UTF-8", "--help", "Cách dùng:" },
		{ "GONHA_LANG= LC_ALL= LC_MESSAGES=en_GB.UTF-8 LANG=vi_VN.UTF-8", "--help", "Usage:" },
		{ "GONHA_LANG= LC_ALL=vi_VN.UTF-8 LC_MESSAGES=en_GB.UTF-8 LANG=en_US.UTF-8", "--help", "Cách dùng:" },
		{ "GONHA_LANG= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8", "--lang vi --help", "Cách dùng:" },
		{ "GONHA_LANG=vi LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8", "--help", "Cách dùng:" },
		{ "GONHA_LANG= LC_ALL= LC_MESSAGES= LANG=en_US.UTF-8", "sheet --help", "Options:" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		CHECK_EQ_INT(run(cases[i].env, cases[i].args), 0);
		if (!strstr(out_text, cases[i].want))
			fprintf(stderr, "  %s gonha %s: no \"%s\"\n", cases[i].env, cases[i].args, cases[i].want);
		CHECK(strstr(out_text, cases[i].want) != NULL);
	}
}

GN_TESTS(T(every_command_has_help), T(subcommands_have_their_own_help), T(help_is_what_is_parsed),
         T(man_pages_are_complete), T(bash_completes_commands_and_options), T(first_use_makes_the_data_folder),
         T(the_locale_chooses_the_language))
