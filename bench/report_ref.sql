-- bench/rows/report.sh: the reads `gonha report` makes, for the sqlite3
-- shell: the counters per TDP, each indicator per TDP, and the weekly
-- totals from the daily snapshots (gn_cov_weekly, as bench/progress_ref.sql).
SELECT t.id, t.code, t.name, s.listed, s.not_visited, s.done, s.revisit, s.refused, s.moved
  FROM tdp t LEFT JOIN tdp_stats s ON s.tdp_id = t.id ORDER BY t.sort_order, t.code;
SELECT c.tdp_id, b.name, c.num, c.den FROM tdp_indicator c JOIN indicator_bit b ON b.bit = c.bit;
WITH RECURSIVE w(k, d) AS (SELECT 0, date('now') UNION ALL SELECT k + 1, date(d, '-7 days') FROM w
   WHERE k + 1 < 52 AND date(d, '-7 days') >= date((SELECT value FROM meta WHERE key = 'snapshots_began'), '-6 days')),
 pick(k, tdp_id, day) AS (SELECT w.k, t.id, (SELECT max(s.day) FROM coverage_day_stats s WHERE s.tdp_id = t.id
   AND s.day <= w.d) FROM w, tdp t)
SELECT p.k, c.indicator, sum(c.numerator), sum(c.denominator) FROM pick p
  JOIN coverage_day c ON c.tdp_id = p.tdp_id AND c.day = p.day GROUP BY p.k, c.indicator;
