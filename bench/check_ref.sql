-- The reference of the check row (bench/rows/check.sh): what `gonha check`
-- does, by the sqlite3 shell: SQLite's integrity_check and
-- foreign_key_check, then each of gonha's own rules written directly in SQL,
-- one query each, over the same rows (bench/indicators_ref.sql read first
-- for each person's bits). Where a rule needs what the shell does not have,
-- the nearest SQL over the same columns stands in: lower() for gn_fold (the
-- search keys), a LIKE over the name for NFC, the CCCD's 12 digits and its
-- century digit against the birth year for gonha's CCCD rules. Every query
-- prints a count: 0 on a sound ward, but for the search keys' stand-in
-- (lower() keeps the diacritics that gn_fold takes away).
PRAGMA integrity_check;
PRAGMA foreign_key_check;
-- schema: the file's tables, indexes and triggers (gonha compares their SQL
-- with a fresh database's)
SELECT count(*), sum(length(sql)) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%';
-- household_in_tdp, person_in_household, person_tdp, one_head
SELECT count(*) FROM household h WHERE h.deleted = 0 AND NOT EXISTS (SELECT 1 FROM tdp WHERE tdp.id = h.tdp_id);
SELECT count(*) FROM person p WHERE p.deleted = 0 AND NOT EXISTS
  (SELECT 1 FROM household h WHERE h.id = p.household_id AND h.deleted = 0);
SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id WHERE p.deleted = 0 AND p.tdp_id IS NOT h.tdp_id;
SELECT count(*) FROM (SELECT household_id, sum(relation IS 'head') AS heads FROM person WHERE deleted = 0
  GROUP BY household_id) WHERE heads <> 1;
-- search_key
SELECT count(*) FROM (SELECT id FROM person WHERE deleted = 0 AND name_key IS NOT lower(full_name)
  UNION ALL SELECT id FROM household WHERE deleted = 0 AND address_key IS NOT lower(house_no || ' ' || alley || ' ' || street));
-- counters: households by TDP, persons by TDP and bits, every (TDP, bit)
WITH h AS (SELECT tdp_id, count(*) AS listed,
    count(*) FILTER (WHERE visit_status = 'not_visited') AS not_visited,
    count(*) FILTER (WHERE visit_status = 'done') AS done,
    count(*) FILTER (WHERE visit_status = 'revisit') AS revisit,
    count(*) FILTER (WHERE visit_status = 'refused') AS refused,
    count(*) FILTER (WHERE visit_status = 'moved') AS moved
    FROM household WHERE deleted = 0 GROUP BY tdp_id),
  g AS (SELECT tdp_id, ind_pop, ind_num, count(*) AS n FROM person WHERE deleted = 0 GROUP BY tdp_id, ind_pop, ind_num),
  x AS (SELECT g.tdp_id, b.bit, sum(g.n * ((g.ind_pop >> b.bit) & 1)) AS den,
    sum(g.n * ((g.ind_num >> b.bit) & 1)) AS num FROM g, indicator_bit b GROUP BY g.tdp_id, b.bit)
SELECT count(*) FROM (
  SELECT t.id FROM tdp t LEFT JOIN tdp_stats s ON s.tdp_id = t.id LEFT JOIN h ON h.tdp_id = t.id
  WHERE (coalesce(s.listed, -1), s.not_visited, s.done, s.revisit, s.refused, s.moved) IS NOT
    (coalesce(h.listed, 0), coalesce(h.not_visited, 0), coalesce(h.done, 0), coalesce(h.revisit, 0),
     coalesce(h.refused, 0), coalesce(h.moved, 0))
  UNION ALL SELECT t.id FROM tdp t CROSS JOIN indicator_bit b
  LEFT JOIN tdp_indicator c ON c.tdp_id = t.id AND c.bit = b.bit LEFT JOIN x ON x.tdp_id = t.id AND x.bit = b.bit
  WHERE (coalesce(c.den, -1), c.num) IS NOT (coalesce(x.den, 0), coalesce(x.num, 0)));
-- counters: each person's kept bits against the bits from the answers
SELECT count(*) FROM temp.person_bits WHERE deleted = 0 AND (ind_pop, ind_num) IS NOT (pop, num);
-- audit: no entry missing, each readable
SELECT count(*) FROM (SELECT id, id - lag(id) OVER (ORDER BY id) AS gap FROM audit_log) WHERE gap > 1;
SELECT count(*) FROM audit_log WHERE json_valid(changes) = 0;
-- values, cccd, nfc: each person's domain rules, one pass
SELECT count(*) FROM person WHERE deleted = 0 AND (
  birth_year IS NULL OR birth_year < 1900 OR birth_year > CAST(strftime('%Y', 'now') AS INTEGER)
  OR sex NOT IN ('male', 'female') OR relation NOT IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')
  OR (cccd IS NOT NULL AND (length(cccd) <> 12 OR cccd GLOB '*[^0-9]*'
      OR substr(cccd, 4, 1) <> CASE WHEN birth_year >= 2000 THEN CASE sex WHEN 'male' THEN '2' ELSE '3' END
                                    ELSE CASE sex WHEN 'male' THEN '0' ELSE '1' END END
      OR substr(cccd, 5, 2) <> substr(birth_year, 3, 2)))
  OR full_name LIKE '%' || char(769) || '%');
-- values: each household's visit
SELECT count(*) FROM household WHERE deleted = 0 AND (
  visit_status NOT IN ('not_visited', 'done', 'revisit', 'refused', 'moved')
  OR (visit_status <> 'not_visited' AND (visit_date IS NULL OR visit_date > date('now'))));
-- form: the questionnaire's constraints over every stored answer
SELECT count(*) FROM person WHERE deleted = 0 AND (length(full_name) > 80
  OR (cccd IS NOT NULL AND cccd NOT REGEXP '^[0-9]{12}$')
  OR length(coalesce(json_extract(answers, '$.notes'), '')) > 500);
SELECT count(*) FROM household WHERE deleted = 0 AND
  coalesce(json_extract(answers, '$.phone'), '') NOT IN ('') AND json_extract(answers, '$.phone') NOT REGEXP '^0[0-9]{9,10}$';
-- search_words: household_word against the words of the persons' folded
-- names and their CCCD provinces, both ways (gonha/storage/search_words.h)
WITH f(tdp_id, word, household_id, name_key) AS (
  SELECT p.tdp_id, w.value, p.household_id, p.name_key FROM person p,
    json_each('["' || replace(replace(replace(p.name_key, '\', '\\'), '"', '\"'), ' ', '","') || '"]') w
    WHERE p.deleted = 0 AND w.value <> ''
  UNION SELECT tdp_id, substr(cccd_masked, 1, 3), household_id, '' FROM person WHERE deleted = 0 AND cccd_masked <> ''),
 k AS (SELECT tdp_id, word, household_id, name_key FROM household_word)
SELECT (SELECT count(*) FROM (SELECT * FROM f EXCEPT SELECT * FROM k)) + (SELECT count(*) FROM (SELECT * FROM k EXCEPT SELECT * FROM f));
