/* What the command table (main.c) and each command's option table say,
 * made into getopt_long's array, `gonha --help`, `gonha COMMAND --help`,
 * the man page and the bash completion: one table, every view of it. */
#include "cli.h"
#include "gonha/core/i18n.h"
#include "gonha/core/version.h"
#include "gonha/text/text.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define HELP_COLS 80
/* in a synopsis, the space inside "[--out FILE]": never a line break */
#define KEEP_S "\x1f"
/* the option every command takes as well as gonha itself */
enum { OPT_LANG_ANYWHERE = 0x7fff0001 };

bool gn_cli_long_options(const gn_opt *opts, bool with_help, struct option *out, size_t cap)
{
	size_t n = 0;
	for (const gn_opt *o = opts; o && o->name; o++) {
		bool twice = false; /* one name may be told apart by subcommand in the help */
		for (size_t i = 0; i < n && !twice; i++)
			twice = strcmp(out[i].name, o->name) == 0;
		if (twice)
			continue;
		if (n + 1 >= cap)
			return false;
		out[n++] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, o->val };
	}
	if (n + 3 >= cap)
		return false;
	if (with_help) {
		out[n++] = (struct option){ "help", no_argument, NULL, 'h' };
		out[n++] = (struct option){ "lang", required_argument, NULL, OPT_LANG_ANYWHERE };
	}
	out[n] = (struct option){ NULL, 0, NULL, 0 };
	return true;
}

static bool word_in(const char *word, const char *list)
{
	size_t len = strlen(word);
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, " ");
		if (n == len && strncmp(p, word, len) == 0)
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

static bool opt_goes_with(const gn_opt *o, const char *sub)
{
	return o->help && (!o->subs || !sub || word_in(sub, o->subs));
}

/* The subcommand named on the command line, if the command has them. */
static const char *sub_named(const gn_command *cmd, int argc, char **argv)
{
	if (!cmd->subs)
		return NULL;
	for (int i = 1; i < argc; i++)
		for (const gn_sub *s = cmd->subs; s->name; s++)
			if (*s->name && strcmp(argv[i], s->name) == 0)
				return s->name;
	return NULL;
}

int gn_cli_getopt(const gn_cli *cli, int argc, char **argv)
{
	static struct option built[48];
	static const gn_opt *built_for;
	const gn_command *cmd = cli->command;
	if (built_for != cmd->opts || !built_for) {
		if (!gn_cli_long_options(cmd->opts, true, built, sizeof built / sizeof *built)) {
			gn_cli_usage("%s: too many options", argv[0]); /* a programming error, caught by the tests */
			return GN_OPT_BAD;
		}
		built_for = cmd->opts;
	}
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":h", built, NULL);
		if (c == OPT_LANG_ANYWHERE)
			continue; /* main read it before anything was said */
		if (c == 'h') {
			gn_cli_command_help(stdout, cmd, sub_named(cmd, argc, argv));
			return GN_OPT_HELP;
		}
		if (c == ':') {
			gn_cli_usage(_("%s: %s needs a value (see gonha %s --help)"), argv[0], argv[optind - 1], argv[0]);
			return GN_OPT_BAD;
		}
		if (c == '?') {
			gn_cli_usage(_("%s: unknown option %s (see gonha %s --help)"), argv[0], argv[optind - 1], argv[0]);
			return GN_OPT_BAD;
		}
		return c;
	}
}

int gn_cli_opt_exit(int c)
{
	return c == GN_OPT_HELP ? GN_EXIT_OK : GN_EXIT_USAGE;
}

/* ---- text -------------------------------------------------------------- */

/* s wrapped to HELP_COLS: the first line after `first` columns already
 * used, the others indented by `indent`. */
static void put_wrapped(FILE *out, int first, int indent, const char *s)
{
	int used = first;
	bool line_one = true;
	while (*s) {
		size_t next, len = gn_text_wrap_line(s, HELP_COLS - used, &next);
		if (!line_one)
			fprintf(out, "%*s", indent, "");
		for (size_t i = 0; i < len; i++)
			fputc(s[i] == KEEP_S[0] ? ' ' : s[i], out);
		fputc('\n', out);
		s += next;
		used = indent;
		line_one = false;
	}
	if (line_one)
		fputc('\n', out);
}

/* "gonha user add LOGIN [--db FILE] --role ROLE ..." into buf. */
static void synopsis(const gn_command *cmd, const gn_sub *sub, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "gonha %s", cmd->name);
	if (sub && *sub->name && n < size)
		n += (size_t)snprintf(buf + n, size - n, " %s", sub->name);
	const char *args = sub ? sub->args : cmd->args;
	if (args && *args && n < size)
		n += (size_t)snprintf(buf + n, size - n, " %s", args);
	for (const gn_opt *o = cmd->opts; o && o->name && n < size; o++) {
		if (!opt_goes_with(o, sub ? sub->name : NULL))
			continue;
		const char *open = o->required ? "" : "[", *close = o->required ? "" : "]";
		if (o->arg)
			n += (size_t)snprintf(buf + n, size - n, " %s--%s" KEEP_S "%s%s", open, o->name, o->arg, close);
		else
			n += (size_t)snprintf(buf + n, size - n, " %s--%s%s", open, o->name, close);
	}
}

static void put_synopses(FILE *out, const gn_command *cmd, const char *only_sub, bool with_sub_summary)
{
	char line[1024];
	if (!cmd->subs) {
		synopsis(cmd, NULL, line, sizeof line);
		fputs("  ", out);
		put_wrapped(out, 2, 8, line);
		return;
	}
	for (const gn_sub *s = cmd->subs; s->name; s++) {
		if (only_sub && strcmp(s->name, only_sub) != 0)
			continue;
		synopsis(cmd, s, line, sizeof line);
		fputs("  ", out);
		put_wrapped(out, 2, 8, line);
		if (with_sub_summary && s->summary) {
			fputs("      ", out);
			put_wrapped(out, 6, 6, _(s->summary));
		}
	}
}

static void put_footer(FILE *out)
{
	fputc('\n', out);
	put_wrapped(out, 0, 0, _("The database is --db FILE, else $GONHA_DB, else ~/.local/share/gonha/ward.db."));
	put_wrapped(out, 0, 0, _("Commands that read or change the census sign in with $GONHA_USER and $GONHA_PASSWORD, else they ask."));
	put_wrapped(out, 0, 0, _("Exit status: 0 done, 1 problems found, 2 refused input, 3 error."));
}

void gn_cli_help(FILE *out)
{
	fprintf(out, "%s\n\n", _("gonha: the door-to-door digital-literacy census (Bình dân học vụ số)"));
	fprintf(out, "%s\n", _("Usage:"));
	fprintf(out, "  gonha [--db FILE] [--lang vi|en]\n      %s\n", _("the terminal UI"));
	for (size_t i = 0; i < gn_n_commands; i++) {
		const gn_command *cmd = &gn_commands[i];
		if (!cmd->summary)
			continue;
		put_synopses(out, cmd, NULL, false);
		fputs("      ", out);
		put_wrapped(out, 6, 6, _(cmd->summary));
	}
	fprintf(out, "  gonha [COMMAND] --help\n      %s\n", _("the options of one command, each with what it does"));
	fprintf(out, "  gonha --help | --version\n");
	put_footer(out);
}

static void put_option(FILE *out, const char *name, const char *arg, const char *help)
{
	char left[160];
	int n = snprintf(left, sizeof left, "  %s%s%s", name, arg ? " " : "", arg ? arg : "");
	if (n < 0)
		return;
	if (gn_text_width(left) <= 24) {
		fprintf(out, "%-26s", left);
		put_wrapped(out, 26, 26, help);
	} else {
		fprintf(out, "%s\n%26s", left, "");
		put_wrapped(out, 26, 26, help);
	}
}

void gn_cli_command_help(FILE *out, const gn_command *cmd, const char *sub)
{
	fprintf(out, "%s\n", _("Usage:"));
	put_synopses(out, cmd, sub, true);
	if (cmd->summary && !sub) {
		fputc('\n', out);
		put_wrapped(out, 0, 0, _(cmd->summary));
	}
	fprintf(out, "\n%s\n", _("Options:"));
	for (const gn_opt *o = cmd->opts; o && o->name; o++) {
		if (!opt_goes_with(o, sub))
			continue;
		char name[64];
		snprintf(name, sizeof name, "--%s", o->name);
		put_option(out, name, o->arg, _(o->help));
	}
	put_option(out, "--lang", "vi|en", _("the language of messages: Vietnamese (the default) or English"));
	put_option(out, "-h, --help", NULL, _("this help"));
	put_footer(out);
}

/* ---- the man page ------------------------------------------------------ */

/* Text for troff: escapes, and a line never starting with a control
 * character. */
static void troff_text(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else if (*s == KEEP_S[0])
			fputs("\\ ", out);
		else if (*s == '\n') {
			fputc('\n', out);
			if (s[1] == '.' || s[1] == '\'')
				fputs("\\&", out);
		} else
			fputc(*s, out);
	}
}

static void troff_line(FILE *out, const char *macro, const char *s)
{
	if (macro)
		fprintf(out, "%s ", macro);
	troff_text(out, s);
	fputc('\n', out);
}

/* A section heading: "man page section|NAME" (one msgid per heading, apart
 * from the same word elsewhere), the part after '|' if untranslated. */
static void man_section(FILE *out, const char *msgid)
{
	const char *t = _(msgid), *bar = strchr(t, '|');
	fprintf(out, ".SH %s\n", bar ? bar + 1 : t);
}

static void man_synopses(FILE *out, const gn_command *cmd)
{
	char line[1024];
	for (const gn_sub *s = cmd->subs; ; s++) {
		if (cmd->subs && !s->name)
			break;
		synopsis(cmd, cmd->subs ? s : NULL, line, sizeof line);
		fputs(".SY gonha\n", out);
		troff_line(out, NULL, line + strlen("gonha "));
		fputs(".YS\n", out);
		if (!cmd->subs)
			break;
	}
}

static void man_options(FILE *out, const gn_opt *opts)
{
	for (const gn_opt *o = opts; o->name; o++) {
		if (!o->help)
			continue;
		fprintf(out, ".TP\n.B \\-\\-%s", o->name);
		if (o->arg) {
			fputc(' ', out);
			troff_text(out, o->arg);
		}
		fputc('\n', out);
		troff_line(out, NULL, _(o->help));
	}
}

void gn_cli_man(FILE *out)
{
	fputs(".\\\" -*- coding: UTF-8 -*-\n", out);
	fputs(".\\\" Made by gonha --help-man from the command table; do not edit.\n", out);
	fprintf(out, ".TH GONHA 1 \"%s\" \"gonha %s\" \"%s\"\n", "2026", GONHA_VERSION, _("User Commands"));
	fputs(".nh\n.ad l\n", out); /* no hyphen breaks inside paths and options, ragged right */
	man_section(out, N_("man page section|NAME"));
	fputs("gonha \\- ", out);
	troff_line(out, NULL, _("the door-to-door digital-literacy census (Bình dân học vụ số)"));
	man_section(out, N_("man page section|SYNOPSIS"));
	fputs(".SY gonha\n[\\-\\-db\\ FILE] [\\-\\-lang\\ vi|en]\n.YS\n", out);
	for (size_t i = 0; i < gn_n_commands; i++)
		if (gn_commands[i].summary)
			man_synopses(out, &gn_commands[i]);
	fputs(".SY gonha\nCOMMAND \\-\\-help\n.YS\n.SY gonha\n\\-\\-help | \\-\\-version\n.YS\n", out);

	man_section(out, N_("man page section|DESCRIPTION"));
	troff_line(out, NULL, _("gonha keeps a ward's door-to-door census of digital skills in one SQLite file: TDP leaders and "
	                        "tech teams enter each household and each adult's VNeID status and skills, and the ward "
	                        "officer follows coverage per TDP and for the ward, exports and imports files for "
	                        "Excel, and prints paper for the round."));
	fputs(".PP\n", out);
	troff_line(out, NULL, _("Without a command, gonha opens the terminal UI: sign in, then the TDPs, their households by alley, each household's form and members. F1 or ? lists the keys."));
	fputs(".PP\n", out);
	troff_line(out, NULL, _("Each command below also takes --help (or -h), which lists its options."));

	man_section(out, N_("man page section|OPTIONS"));
	man_options(out, gn_global_opts);

	man_section(out, N_("man page section|COMMANDS"));
	for (size_t i = 0; i < gn_n_commands; i++) {
		const gn_command *cmd = &gn_commands[i];
		if (!cmd->summary)
			continue; /* internal (ui-bench, snapshot-daily) */
		fprintf(out, ".SS %s\n", cmd->name);
		man_synopses(out, cmd);
		char line[1024];
		fputs(".PP\n", out);
		troff_line(out, NULL, _(cmd->summary));
		for (const gn_sub *s = cmd->subs; s && s->name; s++) {
			if (!s->summary)
				continue;
			fputs(".TP\n", out);
			snprintf(line, sizeof line, "%s %s%s%s", cmd->name, s->name, s->args ? " " : "", s->args ? s->args : "");
			troff_line(out, ".B", line);
			troff_line(out, NULL, _(s->summary));
		}
		if (cmd->opts && cmd->opts->name) {
			fputs(".RS\n", out);
			man_options(out, cmd->opts);
			fputs(".RE\n", out);
		}
	}

	man_section(out, N_("man page section|FILES"));
	for (const gn_env *f = gn_files; f->name; f++) {
		fputs(".TP\n", out);
		troff_line(out, ".I", f->name);
		troff_line(out, NULL, _(f->help));
	}
	man_section(out, N_("man page section|ENVIRONMENT"));
	for (const gn_env *e = gn_environment; e->name; e++) {
		fputs(".TP\n", out);
		troff_line(out, ".B", e->name);
		troff_line(out, NULL, _(e->help));
	}
	man_section(out, N_("man page section|EXIT STATUS"));
	fputs(".TP\n.B 0\n", out);
	troff_line(out, NULL, _("done"));
	fputs(".TP\n.B 1\n", out);
	troff_line(out, NULL, _("the work found problems (gonha check, gonha form check)"));
	fputs(".TP\n.B 2\n", out);
	troff_line(out, NULL, _("refused: bad usage or bad input, nothing changed; the reason is one line on standard error"));
	fputs(".TP\n.B 3\n", out);
	troff_line(out, NULL, _("an error while working (a file that cannot be written, a damaged database)"));
	man_section(out, N_("man page section|EXAMPLES"));
	for (const gn_env *x = gn_examples; x->name; x++) {
		fputs(".PP\n", out);
		troff_line(out, NULL, _(x->help));
		fputs(".PP\n.RS\n.nf\n", out);
		troff_line(out, NULL, x->name);
		fputs(".fi\n.RE\n", out);
	}
	man_section(out, N_("man page section|SEE ALSO"));
	fputs(".BR sqlite3 (1),\n.BR wsl (1)\n.PP\n", out);
	troff_line(out, NULL, _("The guides in /usr/share/doc/gonha: accounts, privacy, exchange with Excel, coverage, and "
	                        "running gonha on a Windows PC through WSL (windows-wsl.md)."));
}

/* ---- bash completion ---------------------------------------------------- */

static bool is_file_arg(const char *arg)
{
	return strstr(arg, "FILE") || strstr(arg, "DIR");
}

/* The words of an argument like "text|csv|xlsx", space separated. */
static void put_choices(FILE *out, const char *arg)
{
	for (const char *p = arg; *p; p++)
		fputc(*p == '|' ? ' ' : *p, out);
}

static bool choices(const char *arg)
{
	if (!strchr(arg, '|'))
		return false;
	for (const char *p = arg; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			return false; /* DIR|FORM.xlsx: file names */
	return true;
}

static void put_value_cases(FILE *out, const char *pattern, const gn_opt *opts)
{
	for (const gn_opt *o = opts; o->name; o++) {
		if (!o->arg || !o->help)
			continue;
		fprintf(out, "    %s:--%s) ", pattern, o->name);
		if (choices(o->arg)) {
			fputs("COMPREPLY=($(compgen -W \"", out);
			put_choices(out, o->arg);
			fputs("\" -- \"$cur\")); return ;;\n", out);
		} else if (strncmp(o->arg, "CODE", 4) == 0) {
			fputs("COMPREPLY=($(compgen -W \"$(_gonha_tdps)\" -- \"$cur\")); return ;;\n", out);
		} else if (is_file_arg(o->arg)) {
			fputs(strstr(o->arg, "DIR") && !strstr(o->arg, "FILE") ? "_gonha_files -d; return ;;\n"
			                                                         : "_gonha_files -f; return ;;\n",
			      out);
		} else {
			fputs("COMPREPLY=(); return ;;\n", out);
		}
	}
}

void gn_cli_bash_completion(FILE *out)
{
	fputs("# bash completion for gonha: made by `gonha --help-bash` from its command table; do not edit.\n"
	      "# Installed as share/bash-completion/completions/gonha.\n\n"
	      "_gonha_files()\n{\n"
	      "    local IFS=$'\\n'\n"
	      "    COMPREPLY=($(compgen \"$1\" -- \"$cur\"))\n"
	      "    compopt -o filenames 2>/dev/null\n"
	      "}\n\n"
	      "# TDP codes: $GONHA_TDPS if set (\"01 02 ...\"), else none\n"
	      "_gonha_tdps()\n{\n    printf '%s' \"${GONHA_TDPS-}\"\n}\n\n"
	      "_gonha()\n{\n"
	      "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "    local i w cmd= sub=\n"
	      "    COMPREPLY=()\n"
	      "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "        w=${COMP_WORDS[i]}\n"
	      "        case $w in\n",
	      out);
	/* every option that takes a value: its value is not a command word */
	fputs("        --lang", out);
	for (const gn_opt *o = gn_global_opts; o->name; o++)
		if (o->arg && strcmp(o->name, "lang") != 0)
			fprintf(out, "|--%s", o->name);
	for (size_t i = 0; i < gn_n_commands; i++)
		for (const gn_opt *o = gn_commands[i].opts; o && o->name; o++) {
			if (!o->arg || !gn_commands[i].summary)
				continue;
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				for (const gn_opt *p = gn_commands[j].opts; p && p->name && !seen; p++)
					seen = p->arg && strcmp(p->name, o->name) == 0;
			for (const gn_opt *p = gn_commands[i].opts; p != o && !seen; p++)
				seen = p->arg && strcmp(p->name, o->name) == 0;
			for (const gn_opt *p = gn_global_opts; p->name && !seen; p++)
				seen = p->arg && strcmp(p->name, o->name) == 0;
			if (!seen && strcmp(o->name, "lang") != 0)
				fprintf(out, "|--%s", o->name);
		}
	fputs(") ((i++)) ;;\n"
	      "        -*) ;;\n"
	      "        *) if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi ;;\n"
	      "        esac\n"
	      "    done\n"
	      "    case $cmd:$prev in\n"
	      "    *:--lang) COMPREPLY=($(compgen -W \"vi en\" -- \"$cur\")); return ;;\n",
	      out);
	put_value_cases(out, "", gn_global_opts);
	for (size_t i = 0; i < gn_n_commands; i++)
		if (gn_commands[i].summary && gn_commands[i].opts)
			put_value_cases(out, gn_commands[i].name, gn_commands[i].opts);
	fputs("    esac\n"
	      "    case $cmd in\n"
	      "    '')\n"
	      "        if [[ $cur == -* ]]; then\n"
	      "            COMPREPLY=($(compgen -W \"",
	      out);
	for (const gn_opt *o = gn_global_opts; o->name; o++)
		if (o->help)
			fprintf(out, "--%s ", o->name);
	fputs("\" -- \"$cur\"))\n"
	      "        else\n"
	      "            COMPREPLY=($(compgen -W \"",
	      out);
	for (size_t i = 0; i < gn_n_commands; i++)
		if (gn_commands[i].summary)
			fprintf(out, "%s ", gn_commands[i].name);
	fputs("\" -- \"$cur\"))\n"
	      "        fi ;;\n",
	      out);
	for (size_t i = 0; i < gn_n_commands; i++) {
		const gn_command *cmd = &gn_commands[i];
		if (!cmd->summary)
			continue;
		fprintf(out, "    %s)\n        if [[ $cur == -* ]]; then\n            case $sub in\n", cmd->name);
		/* the options of each subcommand, then those of the command alone */
		for (const gn_sub *s = cmd->subs; s && s->name; s++) {
			if (!*s->name)
				continue;
			fprintf(out, "            %s) COMPREPLY=($(compgen -W \"", s->name);
			for (const gn_opt *o = cmd->opts; o && o->name; o++)
				if (opt_goes_with(o, s->name))
					fprintf(out, "--%s ", o->name);
			fputs("--help\" -- \"$cur\")) ;;\n", out);
		}
		fputs("            *) COMPREPLY=($(compgen -W \"", out);
		for (const gn_opt *o = cmd->opts; o && o->name; o++)
			if (o->help)
				fprintf(out, "--%s ", o->name);
		fputs("--help\" -- \"$cur\")) ;;\n            esac\n", out);
		bool named_subs = false;
		for (const gn_sub *s = cmd->subs; s && s->name; s++)
			named_subs = named_subs || *s->name;
		if (named_subs) {
			fputs("        elif [[ -z $sub ]]; then\n            COMPREPLY=($(compgen -W \"", out);
			for (const gn_sub *s = cmd->subs; s->name; s++)
				if (*s->name)
					fprintf(out, "%s ", s->name);
			fputs("\" -- \"$cur\"))\n", out);
		}
		const char *args = cmd->args;
		for (const gn_sub *s = cmd->subs; s && s->name && !args; s++)
			if (s->args && is_file_arg(s->args))
				args = s->args;
		if (args && is_file_arg(args))
			fputs("        else\n            _gonha_files -f\n", out);
		fputs("        fi ;;\n", out);
	}
	fputs("    esac\n"
	      "}\n"
	      "complete -F _gonha gonha\n",
	      out);
}
