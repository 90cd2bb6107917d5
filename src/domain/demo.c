/* The demo ward. Everything comes from one seeded generator, so the same
 * seed on the same day gives the same database (the ages are counted from
 * the current year, the visit dates back from today). It writes rows
 * directly with prepared statements, checking each household with the same
 * validation as a save, because a benchmark ward has two million people. */
#include "gonha/domain/demo.h"
#include "gonha/domain/wardkey.h"
#include "gonha/storage/vault.h"
#include "gonha/domain/cccd.h"
#include "gonha/storage/db.h"
#include "gonha/domain/household.h"
#include "gonha/core/i18n.h"
#include "gonha/domain/session.h"
#include "gonha/core/strbuf.h"
#include "gonha/text/text.h"

#include <sqlite3.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* splitmix64: small, fast and well studied; plenty for synthetic data. */
typedef struct rng { uint64_t s; } rng;

static uint64_t next_u64(rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int below(rng *r, int n) { return (int)(next_u64(r) % (uint64_t)n); }
static int chance(rng *r, int percent) { return below(r, 100) < percent; }
static int between(rng *r, int lo, int hi) { return lo + below(r, hi - lo + 1); }

static void demo_uuid(rng *r, char out[37])
{
	unsigned char b[16];
	uint64_t a = next_u64(r), c = next_u64(r);
	memcpy(b, &a, 8);
	memcpy(b + 8, &c, 8);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

/* Family names with roughly their share in Vietnam (percent x 10). */
static const struct { const char *name; int weight; } surnames[] = {
	{ "Nguyễn", 380 }, { "Trần", 110 }, { "Lê", 95 }, { "Phạm", 70 }, { "Hoàng", 51 },
	{ "Huỳnh", 20 }, { "Phan", 45 }, { "Vũ", 39 }, { "Võ", 15 }, { "Đặng", 21 },
	{ "Bùi", 20 }, { "Đỗ", 14 }, { "Hồ", 13 }, { "Ngô", 13 }, { "Dương", 10 },
	{ "Lý", 5 }, { "Đào", 6 }, { "Đinh", 6 }, { "Lương", 5 }, { "Ma", 4 },
	{ "Tô", 3 }, { "Hà", 5 }, { "Chu", 3 }, { "Triệu", 3 },
};
static const char *const male_middle[] = {
	"Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Mạnh", "Tuấn", "Đình", "Ngọc", "Trung",
};
static const char *const female_middle[] = {
	"Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Thuỳ", "Kim", "Bích",
};
static const char *const male_given[] = {
	"An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Giang", "Hải", "Hiếu", "Hoà", "Hùng",
	"Huy", "Khánh", "Khôi", "Kiên", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc",
	"Quân", "Sơn", "Tài", "Thắng", "Thịnh", "Toàn", "Trọng", "Tú", "Tùng", "Việt", "Vinh", "Vũ",
};
static const char *const female_given[] = {
	"Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Huyền",
	"Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên",
	"Quỳnh", "Tâm", "Thảo", "Thuỷ", "Trang", "Tuyết", "Vân", "Yến",
};
/* Streets of Thái Nguyên, where the seed plan's ward is. */
static const char *const streets[] = {
	"Lương Ngọc Quyến", "Hoàng Văn Thụ", "Quang Trung", "Phan Đình Phùng", "Cách Mạng Tháng Tám",
	"Minh Cầu", "Bến Oánh", "Túc Duyên", "Đội Cấn", "Bắc Kạn", "Thống Nhất", "Núi Voi",
	"Bến Tượng", "Nha Trang", "Đồng Quang", "Gia Sàng", "Quan Triều", "Dương Tự Minh",
};

#define COUNT(a) ((int)(sizeof(a) / sizeof *(a)))

static const char *pick_surname(rng *r)
{
	int total = 0;
	for (int i = 0; i < COUNT(surnames); i++)
		total += surnames[i].weight;
	int x = below(r, total);
	for (int i = 0; i < COUNT(surnames); i++) {
		if (x < surnames[i].weight)
			return surnames[i].name;
		x -= surnames[i].weight;
	}
	return surnames[0].name;
}

static void make_name(rng *r, const char *surname, gn_sex sex, char *out, size_t size)
{
	if (sex == GN_SEX_MALE)
		snprintf(out, size, "%s %s %s", surname, male_middle[below(r, COUNT(male_middle))],
		         male_given[below(r, COUNT(male_given))]);
	else
		snprintf(out, size, "%s %s %s", surname, female_middle[below(r, COUNT(female_middle))],
		         female_given[below(r, COUNT(female_given))]);
}

/* Today's date minus `days`, as YYYY-MM-DD (from $GONHA_NOW when set). */
static void date_back(int days, char out[11])
{
	char now[32];
	struct tm tm = { 0 };
	gn_now_iso(now);
	if (sscanf(now, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
		snprintf(out, 11, "2025-10-01");
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 12;
	time_t t = timegm(&tm) - (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

typedef struct member_plan {
	gn_sex sex;
	int age;
	const char *relation;
} member_plan;

/* Who lives in a household: a head, often a spouse, children, sometimes
 * grandchildren or an old parent. */
static int plan_household(rng *r, member_plan *m)
{
	static const int size_weights[] = { 12, 20, 25, 25, 12, 6 }; /* sizes 1..6 */
	int x = below(r, 100), size = 1;
	for (int i = 0; i < COUNT(size_weights); i++) {
		if (x < size_weights[i]) {
			size = i + 1;
			break;
		}
		x -= size_weights[i];
	}
	int n = 0;
	int head_age = between(r, 26, 84);
	gn_sex head_sex = chance(r, 72) ? GN_SEX_MALE : GN_SEX_FEMALE;
	m[n++] = (member_plan){ head_sex, head_age, "head" };
	if (size >= 2 && chance(r, 85)) {
		int age = head_age + between(r, -6, 4);
		m[n++] = (member_plan){ head_sex == GN_SEX_MALE ? GN_SEX_FEMALE : GN_SEX_MALE,
		                        age < 20 ? 20 : age, "spouse" };
	}
	while (n < size) {
		if (head_age >= 58 && n >= 2 && chance(r, 50)) {
			m[n++] = (member_plan){ chance(r, 50) ? GN_SEX_MALE : GN_SEX_FEMALE,
			                        between(r, 0, 17), "grandchild" };
		} else if (n == size - 1 && size >= 5 && head_age <= 55) {
			int age = head_age + between(r, 22, 32);
			m[n++] = (member_plan){ chance(r, 35) ? GN_SEX_MALE : GN_SEX_FEMALE,
			                        age > 98 ? 98 : age, "parent" };
		} else {
			int age = head_age - between(r, 22, 38);
			m[n++] = (member_plan){ chance(r, 50) ? GN_SEX_MALE : GN_SEX_FEMALE,
			                        age < 0 ? between(r, 0, 5) : age, "child" };
		}
	}
	return n;
}

static const char *pick_group(rng *r, int age)
{
	if (age < 6)
		return "resident";
	if (age <= 17 || (age <= 22 && chance(r, 75)))
		return "student";
	if (age >= 60 && chance(r, 80))
		return "retired";
	int x = below(r, 100);
	if (x < 9) return "public_sector";
	if (x < 33) return "enterprise_worker";
	if (x < 50) return "trader";
	if (x < 56) return "farmer";
	return "resident";
}

/* The census answers of one visited person, as a JSON object. */
static void make_answers(rng *r, int age, gn_strbuf *b)
{
	int phone_pct = age < 10 ? 5 : age < 16 ? 60 : age < 60 ? 94 : age < 75 ? 72 : 40;
	int smartphone = chance(r, phone_pct);
	const char *group = pick_group(r, age);
	gn_sb_printf(b, "{\"group\":\"%s\",\"smartphone\":\"%s\"", group, smartphone ? "yes" : "no");
	if (age >= 14) {
		int x = below(r, 100);
		const char *level = x < (age < 70 ? 84 : 60) ? "level2" : x < 92 ? "level1" : "none";
		gn_sb_printf(b, ",\"vneid_level\":\"%s\"", level);
	}
	int bank = 0;
	if (age >= 16) {
		bank = smartphone && chance(r, age < 60 ? 85 : 55);
		gn_sb_printf(b, ",\"bank_account\":\"%s\"", bank ? "yes" : "no");
	}
	int online = smartphone && chance(r, 62);
	int cashless = bank && chance(r, 80);
	int safety = smartphone && chance(r, 72);
	int x = below(r, 100);
	const char *course = x < 48 ? "completed" : x < 68 ? "in_progress" : "not_started";
	int confirmed = strcmp(course, "completed") == 0 && chance(r, 88);
	gn_sb_printf(b, ",\"online_services\":\"%s\",\"cashless\":\"%s\",\"digital_safety\":\"%s\""
	             ",\"course_done\":\"%s\",\"vneid_confirmed\":\"%s\"",
	             online ? "yes" : "no", cashless ? "yes" : "no", safety ? "yes" : "no", course,
	             confirmed ? "yes" : "no");
	gn_strbuf help = { 0 };
	if (age >= 14 && chance(r, 35)) {
		if (!smartphone) gn_sb_add(&help, " smartphone");
		if (!online) gn_sb_add(&help, " online_services");
		if (!safety) gn_sb_add(&help, " safety");
		if (strcmp(course, "completed") != 0) gn_sb_add(&help, " course");
		if (!cashless && age >= 16) gn_sb_add(&help, " payment");
	}
	gn_sb_add(b, ",\"needs_help\":");
	gn_sb_json_str(b, help.len ? gn_sb_str(&help) + 1 : "");
	gn_sb_free(&help);
	gn_sb_printf(b, ",\"disability\":\"%s\"}", chance(r, 3) ? "yes" : "no");
}

/* CCCD serials given so far, by province of birth (its number), year of
 * birth (from 1900) and sex: every demo number is different, as real ones
 * are (gonha check finds the same number twice). */
#define SERIAL_PROVINCES 100
#define SERIAL_YEARS 200
typedef struct demo_stmts {
	sqlite3_stmt *household, *person;
	uint32_t *serials; /* SERIAL_PROVINCES x SERIAL_YEARS x 2, calloc'd */
} demo_stmts;

/* The next serial of that kind, spread over 0..999999 (7919 is prime to
 * 10^6: a different serial for each of the first million of a kind). */
static long next_serial(demo_stmts *s, const char *province, int year, gn_sex sex)
{
	int p = atoi(province), y = year - 1900;
	if (!s->serials || p < 0 || p >= SERIAL_PROVINCES || y < 0 || y >= SERIAL_YEARS)
		return 0;
	uint32_t *n = &s->serials[((size_t)p * SERIAL_YEARS + (size_t)y) * 2 + (sex == GN_SEX_FEMALE)];
	return (long)(((uint64_t)(*n)++ * 7919u + 104729u) % 1000000u);
}

static gn_status prepare_stmts(sqlite3 *db, const gn_demo_options *opt, demo_stmts *s, gn_err *err)
{
	/* the form, the same on every row: part of the statements (quoted by SQLite) */
	char *household = sqlite3_mprintf(
		"INSERT INTO household(id, tdp_id, walk_order, house_no, alley, street, "
		"address_key, visit_status, visit_date, visited_by, entered_by, answers, "
		"created_at, created_by, updated_at, updated_by, version, entered_at, form_id, form_version) "
		"VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?13,?14,'v' || substr(replace(?1, '-', ''), 17), "
		"CASE WHEN ?8 <> 'not_visited' AND ?11 IS NOT NULL THEN ?15 END, %Q, %Q)",
		opt->form_id, opt->form_id ? opt->form_version : NULL);
	char *person = sqlite3_mprintf(
		"INSERT INTO person(id, household_id, tdp_id, position, full_name, name_key, "
		"birth_year, sex, relation, " GN_SQL_CCCD_COLUMNS ", answers, created_at, created_by, "
		"updated_at, updated_by, version, form_id, form_version) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,"
		GN_SQL_CCCD_VALUES("?10") ",?11,?12,?13,?12,?13,'v' || substr(replace(?1, '-', ''), 17), %Q, %Q)",
		opt->form_id, opt->form_id ? opt->form_version : NULL);
	gn_status st = GN_OK;
	if (!household || !person)
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
	else if (sqlite3_prepare_v2(db, household, -1, &s->household, NULL) != SQLITE_OK ||
	         sqlite3_prepare_v2(db, person, -1, &s->person, NULL) != SQLITE_OK)
		st = gn_db_fail(db, err, "demo");
	sqlite3_free(household);
	sqlite3_free(person);
	return st;
}

static gn_status step_done(sqlite3 *db, sqlite3_stmt *st, gn_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? GN_OK : gn_db_fail(db, err, "demo");
}

/* A visit outcome in the proportions of a round half done. */
static const char *pick_status(rng *r)
{
	int x = below(r, 100);
	return x < 70 ? GN_VISIT_DONE : x < 84 ? GN_VISIT_NOT_VISITED : x < 92 ? GN_VISIT_REVISIT
	     : x < 96 ? GN_VISIT_REFUSED : GN_VISIT_MOVED;
}

/* When a visit was entered: the evening of its day at the office PC
 * (17:00-20:59 in Hà Nội, UTC+7), the minute from the household's place,
 * so that the operators' figures span the days the round took, the same
 * for the same seed (the visit dates are drawn from it). Never after now:
 * a visit is at least a day old. */
static void entry_time(const char *visit_date, int index, char out[32])
{
	snprintf(out, 32, "%.10sT%02d:%02d:%02dZ", visit_date, 10 + index % 4, (index * 7) % 60, (index * 13) % 60);
}

/* The household's row, as the demo writes it (a brand-new file). */
static gn_status insert_household(sqlite3 *db, demo_stmts *s, const gn_household *hh, const char *hh_id,
                                  const char *tdp_id, int index, const char *address_key, const char *answers,
                                  const char *leader, gn_err *err)
{
	char now[32];
	gn_now_iso(now);
	bool visited = hh->visit_date != NULL;
	sqlite3_stmt *q = s->household;
	sqlite3_bind_text(q, 1, hh_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, tdp_id, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 3, index + 1);
	sqlite3_bind_text(q, 4, hh->house_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, hh->alley, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, hh->street, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, address_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 8, hh->visit_status, -1, SQLITE_STATIC);
	if (visited) {
		sqlite3_bind_text(q, 9, hh->visit_date, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 10, leader, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(q, 11, leader, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 12, answers, -1, SQLITE_STATIC);
	/* a visited household was made when it was entered, and not changed
	 * since: created, updated and entered at the one time */
	char entered[32];
	if (visited)
		entry_time(hh->visit_date, index, entered);
	sqlite3_bind_text(q, 13, visited ? entered : now, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 14, leader, -1, SQLITE_STATIC);
	if (visited)
		sqlite3_bind_text(q, 15, entered, -1, SQLITE_STATIC);
	return step_done(db, q, err);
}

/* Its members' rows, in roster order. */
static gn_status insert_members(sqlite3 *db, demo_stmts *s, rng *r, const gn_household *hh, const char *hh_id,
                                const char *tdp_id, int index, char **person_answers, const char *leader, gn_err *err)
{
	/* entered with their household: at its entry time when it was visited
	 * (the operators' figures count persons by the day they were made) */
	char now[32];
	if (hh->visit_date)
		entry_time(hh->visit_date, index, now);
	else
		gn_now_iso(now);
	gn_status st = GN_OK;
	for (size_t i = 0; i < hh->n_members && st == GN_OK; i++) {
		const gn_person *p = &hh->members[i];
		char id[37], *name_key = NULL;
		demo_uuid(r, id);
		if ((st = gn_text_fold(p->full_name, &name_key)) != GN_OK)
			return st;
		sqlite3_stmt *q = s->person;
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, hh_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, tdp_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 4, (int)i + 1);
		sqlite3_bind_text(q, 5, p->full_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 6, name_key, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 7, p->birth_year);
		sqlite3_bind_text(q, 8, p->sex, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 9, p->relation, -1, SQLITE_STATIC);
		if (p->cccd)
			sqlite3_bind_text(q, 10, p->cccd, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 11, person_answers[i] ? person_answers[i] : "{}", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 12, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 13, leader, -1, SQLITE_STATIC);
		st = step_done(db, q, err);
		free(name_key);
	}
	return st;
}

/* One household with its members: plan, validate like a save, insert. */
static gn_status make_household(sqlite3 *db, demo_stmts *s, rng *r, const char *tdp_id, int tdp_no,
                                int index, int this_year, const char *leader, long *persons, gn_err *err)
{
	gn_status st = GN_OK;
	char hh_id[37], house_no[16], alley[64], key_src[256], visit_date[11];
	char *address_key = NULL;
	member_plan plan[8];
	gn_household hh = { 0 };
	gn_strbuf answers = { 0 };

	/* Walking order: alleys of one street, 12-30 houses each. */
	const char *street = streets[(tdp_no * 7 + index / 240) % COUNT(streets)];
	int alley_no = 10 + (tdp_no * 37 + (index / 24) * 4) % 480;
	if (index % 24 < 20)
		snprintf(alley, sizeof alley, "ngõ %d", alley_no);
	else
		snprintf(alley, sizeof alley, "ngõ %d/ngách %d", alley_no, 1 + (index % 24) / 2);
	snprintf(house_no, sizeof house_no, "%d", 1 + (index % 24) * 2 + (chance(r, 10) ? 1 : 0));
	snprintf(key_src, sizeof key_src, "%s %s %s", house_no, alley, street);
	if ((st = gn_text_fold(key_src, &address_key)) != GN_OK)
		goto out;

	const char *status = pick_status(r);
	bool visited = strcmp(status, GN_VISIT_NOT_VISITED) != 0;
	bool surveyed = strcmp(status, GN_VISIT_DONE) == 0 || strcmp(status, GN_VISIT_REVISIT) == 0;
	date_back(between(r, 1, 80), visit_date);

	hh.house_no = house_no;
	hh.alley = alley;
	hh.street = (char *)street;
	snprintf(hh.visit_status, sizeof hh.visit_status, "%s", status);
	hh.visit_date = visited ? visit_date : NULL;
	int n = plan_household(r, plan);
	if (!surveyed)
		n = 1; /* only the head is known from the household list */
	hh.members = calloc((size_t)n, sizeof *hh.members);
	char (*names)[96] = calloc((size_t)n, sizeof *names);
	char (*cccds)[13] = calloc((size_t)n, sizeof *cccds);
	char **person_answers = calloc((size_t)n, sizeof *person_answers);
	if (!hh.members || !names || !cccds || !person_answers) {
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto free_out;
	}
	hh.n_members = (size_t)n;
	const char *family = pick_surname(r);
	for (int i = 0; i < n; i++) {
		gn_person *p = &hh.members[i];
		int year = this_year - plan[i].age;
		bool own_family = strcmp(plan[i].relation, "spouse") == 0 || strcmp(plan[i].relation, "parent") == 0;
		make_name(r, own_family ? pick_surname(r) : family, plan[i].sex, names[i], sizeof names[i]);
		p->full_name = names[i];
		p->birth_year = year;
		snprintf(p->sex, sizeof p->sex, "%s", plan[i].sex == GN_SEX_MALE ? "male" : "female");
		snprintf(p->relation, sizeof p->relation, "%s", plan[i].relation);
		if (plan[i].age >= 14 && chance(r, 90)) {
			const char *province = chance(r, 72) ? "019"
				: gn_cccd_province_code(below(r, gn_cccd_province_count()));
			(void)next_u64(r); /* the draw the serial once was: the same names and answers for a seed */
			if ((st = gn_cccd_make(province, year, plan[i].sex, next_serial(s, province, year, plan[i].sex),
			                       cccds[i])) != GN_OK)
				goto free_out;
			p->cccd = cccds[i];
		}
		if (surveyed && (strcmp(status, GN_VISIT_DONE) == 0 || i == 0 || chance(r, 50))) {
			gn_strbuf b = { 0 };
			make_answers(r, plan[i].age, &b);
			person_answers[i] = gn_sb_take(&b);
			if (!person_answers[i]) {
				st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
				goto free_out;
			}
		}
	}
	if ((st = gn_household_validate(&hh, this_year, err)) != GN_OK)
		goto free_out;

	if (surveyed) {
		gn_sb_printf(&answers, "{\"phone\":\"0%d%08d\",\"poor_household\":\"%s\"}",
		             between(r, 3, 9), between(r, 0, 99999999), chance(r, 4) ? "yes" : "no");
	} else {
		gn_sb_add(&answers, "{}");
	}
	demo_uuid(r, hh_id);
	if ((st = insert_household(db, s, &hh, hh_id, tdp_id, index, address_key, gn_sb_str(&answers), leader, err)) !=
	        GN_OK ||
	    (st = insert_members(db, s, r, &hh, hh_id, tdp_id, index, person_answers, leader, err)) != GN_OK)
		goto free_out;
	*persons += n;
free_out:
	for (int i = 0; person_answers && i < n; i++)
		free(person_answers[i]);
	free(person_answers);
	free(names);
	free(cccds);
	free(hh.members);
out:
	gn_sb_free(&answers);
	free(address_key);
	return st;
}

void gn_demo_defaults(gn_demo_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->tdps = 10;
	opt->households = 200;
	opt->seed = 1;
	opt->ward_name = "Phường Vạn Xuân";
}

static gn_status demo_tdp(sqlite3 *db, rng *r, int no, char id[37], gn_err *err)
{
	sqlite3_stmt *q = NULL;
	gn_status st = GN_OK;
	char code[16], name[64], now[32], *key = NULL;
	snprintf(code, sizeof code, "%02d", no);
	snprintf(name, sizeof name, "Tổ dân phố %d", no);
	demo_uuid(r, id);
	gn_now_iso(now);
	if ((st = gn_text_fold(name, &key)) != GN_OK)
		return st;
	if (sqlite3_prepare_v2(db, "INSERT INTO tdp(id, code, name, name_key, sort_order, created_at, "
	                       "created_by, updated_at, updated_by) VALUES (?1,?2,?3,?4,?5,?6,'admin',?6,'admin')",
	                       -1, &q, NULL) != SQLITE_OK) {
		st = gn_db_fail(db, err, "tdp");
		goto out;
	}
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, no);
	sqlite3_bind_text(q, 6, now, -1, SQLITE_STATIC);
	st = step_done(db, q, err);
out:
	sqlite3_finalize(q);
	free(key);
	return st;
}

gn_status gn_demo_build(sqlite3 *db, const gn_demo_options *opt, long *households_out,
                        long *persons_out, gn_err *err)
{
	demo_stmts s = { 0 };
	gn_status st;
	long persons = 0, households = 0;
	char hash[128], now[32];
	rng r = { opt->seed * 0x2545f4914f6cdd1dULL + 1 };
	int this_year = gn_this_year();
	long total = (long)opt->tdps * opt->households;

	if (opt->tdps < 1 || opt->tdps > 999)
		return gn_fail_field(err, GN_ERR_INVALID, "tdps", _("the number of TDPs must be between 1 and 999"));
	if (opt->households < 0 || opt->households > 100000)
		return gn_fail_field(err, GN_ERR_INVALID, "households",
		                     _("households per TDP must be between 0 and 100000"));
	if ((st = gn_password_hash(GN_DEMO_PASSWORD, hash, err)) != GN_OK)
		return st;
	/* A brand-new file that is deleted if this fails: no journal needed
	 * while it is filled, which makes a 2-million-person ward fast. A 40 MB
	 * cache keeps the command under 64 MB (256 MB made it 294 MB at 200 k,
	 * and no faster: 6.6 s against 6.0 s). */
	if ((st = gn_db_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
	                     "PRAGMA cache_size = -40960", err)) != GN_OK)
		return st;
	if ((st = gn_db_begin(db, err)) != GN_OK)
		goto restore;
	gn_now_iso(now);
	if ((st = gn_db_meta_set(db, "app", "gonha", err)) != GN_OK ||
	    (st = gn_db_meta_set(db, "ward_name", opt->ward_name, err)) != GN_OK ||
	    (st = gn_db_meta_set(db, "created_at", now, err)) != GN_OK ||
	    (st = gn_db_meta_set(db, "demo", "1", err)) != GN_OK)
		goto fail;
	{
		/* The ward's identity, the same for the same seed (see backup.h). */
		char ward_id[37];
		uint64_t hi = opt->seed * 0x9e3779b97f4a7c15ULL ^ 0x676f6e6861646d6fULL;
		uint64_t lo = (opt->seed + 1) * 0xbf58476d1ce4e5b9ULL ^ 0x64656d6f77617264ULL;
		snprintf(ward_id, sizeof ward_id, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(hi >> 32),
		         (unsigned)(hi >> 16) & 0xffff, (unsigned)hi & 0xfff, (unsigned)(0x8000 | ((lo >> 48) & 0x3fff)),
		         (unsigned long long)(lo & 0xffffffffffffULL));
		if ((st = gn_db_meta_set(db, "ward_id", ward_id, err)) != GN_OK)
			goto fail;
	}
	if ((st = gn_user_create(db, "admin", "Cán bộ phường (demo)", GN_ROLE_WARD_OFFICER, NULL, hash,
	                         NULL, "admin", err)) != GN_OK)
		goto fail;
	/* encrypted like any ward; its accounts share the demo password, and
	 * so one key pair (one Argon2 for hundreds of accounts) */
	if (opt->plain_ids && (st = gn_db_meta_set(db, "demo_plain_ids", "1", err)) != GN_OK)
		goto fail;
	if (!opt->plain_ids) {
		char code[GN_RECOVERY_CODE_SIZE];
		st = gn_wardkey_create(db, "admin", code, err);
		sodium_memzero(code, sizeof code);
		if (st != GN_OK || (st = gn_wardkey_grant(db, "admin", GN_DEMO_PASSWORD, err)) != GN_OK)
			goto fail;
	}
	if ((st = prepare_stmts(db, opt, &s, err)) != GN_OK)
		goto fail;
	if (!(s.serials = calloc((size_t)SERIAL_PROVINCES * SERIAL_YEARS * 2, sizeof *s.serials))) {
		st = gn_fail(err, GN_ERR_NOMEM, _("out of memory"));
		goto fail;
	}
	for (int t = 1; t <= opt->tdps; t++) {
		char tdp_id[37], login[16], display[64], code[16];
		const char *codes[] = { code, NULL };
		if ((st = demo_tdp(db, &r, t, tdp_id, err)) != GN_OK)
			goto fail;
		snprintf(login, sizeof login, "tdp%02d", t);
		snprintf(code, sizeof code, "%02d", t);
		snprintf(display, sizeof display, "Tổ trưởng TDP %d (demo)", t);
		if ((st = gn_user_create(db, login, display, GN_ROLE_TDP_LEADER, NULL, hash, codes,
		                         "admin", err)) != GN_OK ||
		    (st = gn_wardkey_grant_like(db, login, "admin", err)) != GN_OK)
			goto fail;
		for (int h = 0; h < opt->households; h++) {
			if ((st = make_household(db, &s, &r, tdp_id, t, h, this_year, login, &persons, err)) != GN_OK)
				goto fail;
			households++;
			if (opt->progress && households % 5000 == 0)
				opt->progress(opt->progress_arg, households, total);
		}
	}
	sqlite3_finalize(s.household);
	sqlite3_finalize(s.person);
	s.household = s.person = NULL;
	free(s.serials);
	s.serials = NULL;
	if ((st = gn_db_commit(db, err)) != GN_OK)
		goto restore;
	if (opt->progress)
		opt->progress(opt->progress_arg, households, total);
	if (households_out)
		*households_out = households;
	if (persons_out)
		*persons_out = persons;
	goto restore;
fail:
	sqlite3_finalize(s.household);
	sqlite3_finalize(s.person);
	free(s.serials);
	gn_db_rollback(db);
restore:
	{
		/* Back to the durable settings every other connection uses. */
		gn_err ignore;
		gn_status st2 = gn_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
		                           "PRAGMA cache_size = -2000", st == GN_OK ? err : &ignore);
		if (st == GN_OK)
			st = st2;
	}
	return st;
}
