-- bench/rows/report.sh: the reads of `gonha report --as-of 2026-11-20`:
-- each TDP's last snapshot on or before the day.
SELECT s.* FROM tdp t JOIN coverage_day_stats s ON s.tdp_id = t.id
  AND s.day = (SELECT max(day) FROM coverage_day_stats WHERE tdp_id = t.id AND day <= '2026-11-20');
SELECT c.* FROM tdp t JOIN coverage_day c ON c.tdp_id = t.id
  AND c.day = (SELECT max(day) FROM coverage_day_stats WHERE tdp_id = t.id AND day <= '2026-11-20');
