/* A person's own settings (users.h): per account, a default until set,
 * only known names and values, each change audited once. */
#include "testlib.h"
#include "unit_fixtures.h"
#include "gonha/domain/users.h"

#include <sqlite3.h>
#include <stdlib.h>

#define count gn_unit_count

static void per_account_with_a_default(void)
{
	gn_ctx admin;
	gn_unit_ward(&admin, 2, NULL);
	gn_err err = { 0 };
	const char *codes[] = { "01", NULL };
	REQUIRE(gn_user_add(&admin, "lan", "Nguyễn Thị Lan", GN_ROLE_TDP_LEADER, "pw-lan", codes, &err) == GN_OK);
	gn_ctx lan = { .db = admin.db };
	REQUIRE(gn_sign_in(&lan, "lan", "pw-lan", &err) == GN_OK);
	CHECK_EQ_INT(gn_user_setting(&lan, GN_SETTING_AUTO_ADVANCE), 1); /* on by default */
	long audited = count(admin.db, "SELECT count(*) FROM audit_log");
	CHECK_OK(gn_user_setting_set(&lan, GN_SETTING_AUTO_ADVANCE, 0, &e_));
	CHECK_EQ_INT(gn_user_setting(&lan, GN_SETTING_AUTO_ADVANCE), 0);
	CHECK_EQ_INT(gn_user_setting(&admin, GN_SETTING_AUTO_ADVANCE), 1); /* another account's own */
	CHECK_EQ_INT(count(admin.db, "SELECT count(*) FROM audit_log"), audited + 1);
	CHECK_EQ_INT(count(admin.db, "SELECT count(*) FROM audit_log WHERE user_login = 'lan' AND action = 'update' "
	                             "AND table_name = 'users' AND changes = '{\"auto_advance\":[1,0]}'"),
	             1);
	/* the same value again: nothing written */
	CHECK_OK(gn_user_setting_set(&lan, GN_SETTING_AUTO_ADVANCE, 0, &e_));
	CHECK_EQ_INT(count(admin.db, "SELECT count(*) FROM audit_log"), audited + 1);
	/* unknown names and values refused, nothing changed */
	CHECK_EQ_INT(gn_user_setting_set(&lan, GN_SETTING_AUTO_ADVANCE, 2, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_user_setting_set(&lan, "font_size", 1, &err), GN_ERR_INVALID);
	CHECK_EQ_INT(gn_user_setting(&lan, GN_SETTING_AUTO_ADVANCE), 0);
	CHECK_EQ_INT(count(admin.db, "SELECT count(*) FROM user_setting"), 1);
	/* signed out: nobody's setting */
	gn_sign_out(&lan);
	CHECK_EQ_INT(gn_user_setting_set(&lan, GN_SETTING_AUTO_ADVANCE, 1, &err), GN_ERR_DENIED);
	gn_unit_ward_free(&admin, NULL);
}

GN_TESTS(T(per_account_with_a_default))
