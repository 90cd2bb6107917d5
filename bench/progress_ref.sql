-- bench/rows/report.sh: the read behind the dashboard's progress chart
-- (`t`, gn_cov_weekly): each TDP's last snapshot on or before the end of
-- each week back to the week the snapshots began, summed per indicator.
WITH RECURSIVE w(k, d) AS (SELECT 0, date('now') UNION ALL SELECT k + 1, date(d, '-7 days') FROM w
   WHERE k + 1 < 52 AND date(d, '-7 days') >= date((SELECT value FROM meta WHERE key = 'snapshots_began'), '-6 days')),
 pick(k, tdp_id, day) AS (SELECT w.k, t.id, (SELECT max(s.day) FROM coverage_day_stats s WHERE s.tdp_id = t.id
   AND s.day <= w.d) FROM w, tdp t)
SELECT p.k, c.indicator, sum(c.numerator), sum(c.denominator) FROM pick p
  JOIN coverage_day c ON c.tdp_id = p.tdp_id AND c.day = p.day GROUP BY p.k, c.indicator;
