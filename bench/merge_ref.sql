-- The reference of the merge rows (bench/rows/merge.sh): what `gonha import`
-- does to a change file of edited persons, done by the sqlite3 shell on a
-- copy of the same ward. The file is already in temp.change (keyed by
-- person_id, every column TEXT, as the export wrote it). In one transaction:
--   1. each person whose row differs from the stored one, with the changes
--      as gonha's audit records them: {column: [stored, incoming]};
--   2. one import_update audit entry per changed person;
--   3. the person rows upserted (the core columns, the answers merged key by
--      key, who and when, rev); the schema's triggers make the new version
--      token and move the TDP counters, as they do for gonha;
--   4. the coverage bits of the changed persons computed from their answers
--      (bench/indicators_ref.sql: the indicators of forms/census written
--      out), the triggers moving the TDP counters;
--   5. what gonha keeps to undo the merge (src/interchange/import_undo.c):
--      an import_undo row, each changed person's row as it was (copied
--      before the upsert), and each one's digest as the merge left it
--      (gonha's gn_row_digest is a BLAKE2b of the typed columns; the
--      shell's sha3 of the quoted columns stands in for it).
-- bench/rows/merge.sh compares every TDP's counters and every person's
-- bits of both files afterwards. The names are not changed by the file, so
-- the search key (gn_fold, which the shell does not have) is left alone.
-- An encrypted CCCD (a BLOB, issue 14: the shell cannot open it) is taken
-- as the file's number and left as it is; gonha leaves an equal one alone.
-- The page cache gonha's import sets (src/interchange/import.c); the change
-- file's rows drive every join (CROSS JOIN: left alone, the planner scans
-- every person and looks each up in the change file).
PRAGMA cache_size = -24576;
BEGIN IMMEDIATE;

CREATE TEMP TABLE diff AS
SELECT p.rowid AS prow, p.id, p.tdp_id, (
  SELECT json_group_object(k, json_array(o, n)) FROM (
    SELECT 'full_name' AS k, p.full_name AS o, nullif(c.full_name, '') AS n
    UNION ALL SELECT 'birth_year', CAST(p.birth_year AS TEXT), nullif(c.birth_year, '')
    UNION ALL SELECT 'sex', p.sex, nullif(c.sex, '')
    UNION ALL SELECT 'relation', p.relation, nullif(c.relation, '')
    UNION ALL SELECT 'cccd', CASE WHEN typeof(p.cccd) = 'blob' THEN nullif(c.cccd, '') ELSE p.cccd END, nullif(c.cccd, '')
    UNION ALL SELECT 'group', json_extract(p.answers, '$.group'), nullif(c."group", '')
    UNION ALL SELECT 'smartphone', json_extract(p.answers, '$.smartphone'), nullif(c.smartphone, '')
    UNION ALL SELECT 'vneid_level', json_extract(p.answers, '$.vneid_level'), nullif(c.vneid_level, '')
    UNION ALL SELECT 'bank_account', json_extract(p.answers, '$.bank_account'), nullif(c.bank_account, '')
    UNION ALL SELECT 'online_services', json_extract(p.answers, '$.online_services'), nullif(c.online_services, '')
    UNION ALL SELECT 'cashless', json_extract(p.answers, '$.cashless'), nullif(c.cashless, '')
    UNION ALL SELECT 'digital_safety', json_extract(p.answers, '$.digital_safety'), nullif(c.digital_safety, '')
    UNION ALL SELECT 'course_done', json_extract(p.answers, '$.course_done'), nullif(c.course_done, '')
    UNION ALL SELECT 'vneid_confirmed', json_extract(p.answers, '$.vneid_confirmed'), nullif(c.vneid_confirmed, '')
    UNION ALL SELECT 'needs_help', json_extract(p.answers, '$.needs_help'), nullif(c.needs_help, '')
    UNION ALL SELECT 'disability', json_extract(p.answers, '$.disability'), nullif(c.disability, '')
    UNION ALL SELECT 'notes', json_extract(p.answers, '$.notes'), nullif(c.notes, '')
  ) WHERE o IS NOT n) AS changes
FROM temp.change c CROSS JOIN person p ON p.id = c.person_id AND p.deleted = 0;
DELETE FROM temp.diff WHERE changes = '{}';

INSERT INTO audit_log(at, user_login, action, table_name, record_id, tdp_id, changes)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'admin', 'import_update', 'person', id, tdp_id, changes FROM temp.diff;

-- the undo's record: the rows as they were (before the upsert)
INSERT INTO import_undo(at, by_login, source, kind, updated)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'admin', 'change.csv', 'persons', count(*) FROM temp.diff;
INSERT INTO import_undo_person SELECT (SELECT max(id) FROM import_undo), 0, NULL, p.*
FROM temp.diff d CROSS JOIN person p ON p.rowid = d.prow;

UPDATE person SET full_name = c.full_name, birth_year = CAST(nullif(c.birth_year, '') AS INTEGER),
  sex = nullif(c.sex, ''), relation = nullif(c.relation, ''),
  cccd = CASE WHEN typeof(person.cccd) = 'blob' THEN person.cccd ELSE nullif(c.cccd, '') END,
  answers = json_patch(person.answers, json_object('group', nullif(c."group", ''),
    'smartphone', nullif(c.smartphone, ''), 'vneid_level', nullif(c.vneid_level, ''),
    'bank_account', nullif(c.bank_account, ''), 'online_services', nullif(c.online_services, ''),
    'cashless', nullif(c.cashless, ''), 'digital_safety', nullif(c.digital_safety, ''),
    'course_done', nullif(c.course_done, ''), 'vneid_confirmed', nullif(c.vneid_confirmed, ''),
    'needs_help', nullif(c.needs_help, ''), 'disability', nullif(c.disability, ''), 'notes', nullif(c.notes, ''))),
  updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), updated_by = 'admin', rev = rev + 1
FROM temp.diff d, temp.change c WHERE person.rowid = d.prow AND c.person_id = d.id;

-- the bits (bench/indicators_ref.sql, read before this file)
UPDATE person SET ind_pop = b.pop, ind_num = b.num
FROM (SELECT r, pop, num FROM temp.person_bits WHERE r IN (SELECT prow FROM temp.diff)) AS b
WHERE person.rowid = b.r;

-- the undo's record: each row's digest as the merge left it
UPDATE import_undo_person SET after = (SELECT sha3(quote(p.id) || quote(p.household_id) || quote(p.tdp_id) || quote(p.position) || quote(p.full_name) || quote(p.name_key) || quote(p.birth_year) || quote(p.sex) || quote(p.relation) || quote(p.cccd) || quote(p.answers) || quote(p.deleted) || quote(p.rev) || quote(p.base_rev) || quote(p.created_at) || quote(p.created_by) || quote(p.updated_at) || quote(p.updated_by) || quote(p.ind_pop) || quote(p.ind_num) || quote(p.version) || quote(p.base_version) || quote(p.version_local) || quote(p.cccd_masked) || quote(p.created_pc) || quote(p.updated_pc) || quote(p.form_id) || quote(p.form_version))
  FROM person p WHERE p.id = import_undo_person.id) WHERE import_id = (SELECT max(id) FROM import_undo);

COMMIT;
