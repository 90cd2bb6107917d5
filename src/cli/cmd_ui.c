#include "cli.h"
#include "gonha/i18n.h"

int gn_cmd_ui(gn_cli *cli)
{
	(void)cli;
	fprintf(stderr, "gonha: %s\n", _("the terminal UI is not part of this build yet; see gonha --help"));
	return GN_EXIT_ERROR;
}
