/* The terminal UI (no command), and its headless bench. */
#include "cli.h"
#include "gonha/i18n.h"
#include "gonha/ui.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int gn_cmd_ui(gn_cli *cli)
{
	return gn_ui_run(cli->db_path);
}

int gn_cmd_ui_bench(gn_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "rounds", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = cli->db_path, *user = "admin";
	long rounds = 20;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': user = optarg; break;
		case 'r':
			if (gn_cli_parse_int(optarg, 1, 100000, &rounds))
				return gn_cli_usage(_("--rounds takes a number from 1 to 100000"));
			break;
		default:
			return gn_cli_usage(_("%s: unknown option %s (see gonha --help)"), argv[0], argv[optind - 1]);
		}
	}
	if (optind < argc)
		return gn_cli_usage(_("%s: unexpected argument %s"), argv[0], argv[optind]);
	return gn_ui_bench(db, user, (int)rounds);
}
