-- The coverage bits of every person as the sqlite3 shell computes them, for
-- the references of bench/rows/merge.sh and bench/rows/check.sh: the
-- indicators of forms/census/indicators.csv written out by hand, the same
-- expressions gonha's forms engine makes from them (age from the year of
-- 'now'; an answer missing is ''). Bit i is row i of indicators.csv:
-- c, d, đ, a, VNeID level 2, bank account, adults, needs help.
-- (<<, & and | have one precedence in SQLite: each term is in brackets.)
CREATE TEMP VIEW person_bits AS
SELECT r, id, tdp_id, deleted, ind_pop, ind_num,
  a18 | (a18 << 1) | ((a18 AND g = 'enterprise_worker') << 2) | ((a18 AND g = 'public_sector') << 3)
    | (a16 << 4) | (a16 << 5) | (a18 << 6) | (1 << 7) AS pop,
  (a18 AND skills) | ((a18 AND vc = 'yes') << 1) | ((a18 AND g = 'enterprise_worker' AND skills) << 2)
    | ((a18 AND g = 'public_sector' AND os = 'yes' AND vl = 'level2') << 3) | ((a16 AND vl = 'level2') << 4)
    | ((a16 AND ba = 'yes') << 5) | (a18 << 6) | ((length(nh) > 0) << 7) AS num
FROM (SELECT r, id, tdp_id, deleted, ind_pop, ind_num, a18, a16, g, vc, os, vl, ba, nh,
        (sp = 'yes' AND ds = 'yes' AND (os = 'yes' OR cl = 'yes')) AS skills
      FROM (SELECT p.rowid AS r, p.id, p.tdp_id, p.deleted, p.ind_pop, p.ind_num,
              coalesce(CAST(strftime('%Y', 'now') AS INTEGER) - p.birth_year >= 18, 0) AS a18,
              coalesce(CAST(strftime('%Y', 'now') AS INTEGER) - p.birth_year >= 16, 0) AS a16,
              coalesce(json_extract(p.answers, '$.group'), '') AS g,
              coalesce(json_extract(p.answers, '$.smartphone'), '') AS sp,
              coalesce(json_extract(p.answers, '$.digital_safety'), '') AS ds,
              coalesce(json_extract(p.answers, '$.online_services'), '') AS os,
              coalesce(json_extract(p.answers, '$.cashless'), '') AS cl,
              coalesce(json_extract(p.answers, '$.vneid_confirmed'), '') AS vc,
              coalesce(json_extract(p.answers, '$.vneid_level'), '') AS vl,
              coalesce(json_extract(p.answers, '$.bank_account'), '') AS ba,
              coalesce(json_extract(p.answers, '$.needs_help'), '') AS nh
            FROM person p));
