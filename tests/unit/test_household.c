/* Households and persons: validation, saving in one transaction, audit,
 * scope, removal. Against an in-memory database. */
#include "testlib.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/domain/ward.h"

#include <stdlib.h>

static gn_ctx ctx;
static gn_tdp tdp1, tdp2;

/* A ward with two TDPs, an officer and a leader of TDP 01 only. */
static void setup(void)
{
	gn_err err = { 0 };
	setenv("GONHA_NOW", "2026-11-20T09:00:00Z", 1);
	memset(&ctx, 0, sizeof ctx);
	if (gn_db_open_memory(&ctx.db, &err) != GN_OK ||
	    gn_ward_init(ctx.db, "Phường Thử", 2, "admin", "secret1", NULL, &err) != GN_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		exit(2);
	}
	const char *codes[] = { "01", NULL };
	gn_user_create(ctx.db, "leader1", "Leader", GN_ROLE_TDP_LEADER, "pw-leader", NULL, codes, "admin", &err);
	gn_sign_in(&ctx, "admin", "secret1", &err);
	gn_tdp_find(&ctx, "01", &tdp1, &err);
	gn_tdp_find(&ctx, "02", &tdp2, &err);
}

static void teardown(void)
{
	gn_db_close(ctx.db);
	ctx.db = NULL;
}

static long count(const char *sql)
{
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_prepare_v2(ctx.db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void add_person(gn_household *hh, const char *name, int year, const char *sex,
                       const char *relation, const char *cccd)
{
	gn_person *p = gn_household_add_member(hh);
	p->full_name = strdup(name);
	p->birth_year = year;
	snprintf(p->sex, sizeof p->sex, "%s", sex);
	snprintf(p->relation, sizeof p->relation, "%s", relation);
	p->cccd = cccd ? strdup(cccd) : NULL;
}

static void family(gn_household *hh, const char *tdp_id)
{
	memset(hh, 0, sizeof *hh);
	snprintf(hh->tdp_id, sizeof hh->tdp_id, "%s", tdp_id);
	hh->house_no = strdup("12");
	hh->alley = strdup("ngõ 45/ngách 3");
	hh->street = strdup("Lương Ngọc Quyến");
	snprintf(hh->visit_status, sizeof hh->visit_status, "done");
	hh->visit_date = strdup("2026-11-18");
	hh->answers = strdup("{\"phone\":\"0912345678\"}");
	/* NFD on purpose: stored as NFC. */
	add_person(hh, "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n An", 1980, "male", "head", "019080001234");
	add_person(hh, "Trần Thị Bình", 1983, "female", "spouse", "019183004321");
	add_person(hh, "Nguyễn Minh Châu", 2012, "female", "child", NULL);
}

static void saves_household_with_members(void)
{
	setup();
	gn_household hh;
	gn_err err = { 0 };
	family(&hh, tdp1.id);
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK);
	CHECK(hh.id[0] != '\0');
	CHECK(hh.walk_order == 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0"), 3);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE full_name = 'Nguyễn Văn An' AND name_key = 'nguyen van an'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE address_key = '12 ngo 45/ngach 3 luong ngoc quyen'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE action = 'create'"), 4);

	gn_household back;
	CHECK_EQ_INT(gn_household_load(&ctx, hh.id, &back, &err), GN_OK);
	CHECK_EQ_INT(back.n_members, 3);
	CHECK_STR(back.members[0].full_name, "Nguyễn Văn An");
	CHECK_STR(back.members[2].relation, "child");
	CHECK_STR(back.street, "Lương Ngọc Quyến");

	/* Edit one member, drop another: audit has old and new values. */
	free(back.members[1].full_name);
	back.members[1].full_name = strdup("Trần Thị Bích");
	gn_person_free(&back.members[2]);
	back.n_members = 2;
	CHECK_EQ_INT(gn_household_save(&ctx, &back, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 0"), 2);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE action = 'remove' AND table_name = 'person'"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE action = 'update' AND table_name = 'person' "
	                   "AND json_extract(changes, '$.full_name[0]') = 'Trần Thị Bình' "
	                   "AND json_extract(changes, '$.full_name[1]') = 'Trần Thị Bích'"), 1);
	gn_household_free(&back);
	gn_household_free(&hh);
	teardown();
}

static void refuses_bad_households_and_changes_nothing(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh;

	family(&hh, tdp1.id);
	snprintf(hh.members[1].relation, sizeof hh.members[1].relation, "head");
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_ERR_INVALID);
	CHECK(strstr(err.msg, "exactly one head") != NULL);
	CHECK(hh.id[0] == '\0');
	gn_household_free(&hh);

	family(&hh, tdp1.id);
	hh.members[0].birth_year = 2031;
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "members[0].birth_year");
	gn_household_free(&hh);

	family(&hh, tdp1.id);
	hh.members[0].birth_year = 1981; /* CCCD says 1980 */
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "members[0].cccd");
	gn_household_free(&hh);

	family(&hh, tdp1.id);
	free(hh.members[2].full_name);
	hh.members[2].full_name = strdup("  \x1b[31m ");
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "members[2].full_name");
	gn_household_free(&hh);

	family(&hh, tdp1.id);
	free(hh.visit_date);
	hh.visit_date = NULL;
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_ERR_INVALID);
	CHECK_STR(err.field, "visit_date");
	gn_household_free(&hh);

	family(&hh, tdp1.id);
	free(hh.answers);
	hh.answers = strdup("[1,2]");
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_ERR_INVALID);
	gn_household_free(&hh);

	CHECK_EQ_INT(count("SELECT count(*) FROM household"), 0);
	CHECK_EQ_INT(count("SELECT count(*) FROM person"), 0);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log"), 0);
	teardown();
}

static void strips_escape_sequences(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh;
	family(&hh, tdp1.id);
	free(hh.members[2].full_name);
	hh.members[2].full_name = strdup("Lê\x1b]0;pwned\x07 Thị\tHoa\n");
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE full_name = 'Lê Thị Hoa'"), 1);
	gn_household_free(&hh);
	teardown();
}

static void leader_sees_only_own_tdp(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh;
	family(&hh, tdp2.id);
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK); /* as the officer */
	char other_id[37];
	snprintf(other_id, sizeof other_id, "%s", hh.id);
	gn_household_free(&hh);

	CHECK_EQ_INT(gn_sign_in(&ctx, "leader1", "wrong", &err), GN_ERR_DENIED);
	setenv("GONHA_NOW", "2026-11-20T09:00:01Z", 1); /* past the 1 s wait a wrong password earns */
	CHECK_EQ_INT(gn_sign_in(&ctx, "leader1", "pw-leader", &err), GN_OK);
	gn_tdp *list = NULL;
	size_t n = 0;
	CHECK_EQ_INT(gn_tdp_list(&ctx, &list, &n, &err), GN_OK);
	CHECK_EQ_INT(n, 1);
	if (n)
		CHECK_STR(list[0].code, "01");
	free(list);
	gn_household back;
	CHECK_EQ_INT(gn_household_load(&ctx, other_id, &back, &err), GN_ERR_DENIED);
	CHECK_EQ_INT(gn_household_remove(&ctx, other_id, &err), GN_ERR_DENIED);
	family(&hh, tdp2.id);
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_ERR_DENIED);
	gn_household_free(&hh);
	family(&hh, tdp1.id);
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK);
	/* Moving it into a TDP that is not theirs is refused too. */
	snprintf(hh.tdp_id, sizeof hh.tdp_id, "%s", tdp2.id);
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_ERR_DENIED);
	gn_household_free(&hh);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE deleted = 0"), 2);
	teardown();
}

static void removal_is_a_recorded_tombstone(void)
{
	setup();
	gn_err err = { 0 };
	gn_household hh;
	family(&hh, tdp1.id);
	CHECK_EQ_INT(gn_household_save(&ctx, &hh, &err), GN_OK);
	CHECK_EQ_INT(gn_household_remove(&ctx, hh.id, &err), GN_OK);
	CHECK_EQ_INT(count("SELECT count(*) FROM household WHERE deleted = 1"), 1);
	CHECK_EQ_INT(count("SELECT count(*) FROM person WHERE deleted = 1"), 3);
	CHECK_EQ_INT(count("SELECT count(*) FROM audit_log WHERE action = 'remove' AND table_name = 'household'"), 1);
	gn_household back;
	CHECK_EQ_INT(gn_household_load(&ctx, hh.id, &back, &err), GN_ERR_NOT_FOUND);
	gn_household_free(&hh);
	teardown();
}

GN_TESTS(T(saves_household_with_members), T(refuses_bad_households_and_changes_nothing),
         T(strips_escape_sequences), T(leader_sees_only_own_tdp), T(removal_is_a_recorded_tombstone))
