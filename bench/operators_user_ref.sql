-- bench/rows/report.sh: the operators' figures of `gonha report`
-- (gn_operator_figures, src/domain/operators.c, as the ward officer: every
-- TDP, no --as-of): every household entered, every person and every
-- correction after save, summed per user (the PDF's table, and the text's first).
WITH e(u, d, hh, pp, timed, secs, corr, other) AS (
 SELECT entered_by, date(entered_at, 'localtime'), 1, 0, entry_seconds IS NOT NULL,
  coalesce(entry_seconds, 0), 0, entered_pc IS NOT NULL FROM household
  WHERE deleted = 0 AND entered_at IS NOT NULL AND entered_by IS NOT NULL
 UNION ALL SELECT created_by, date(created_at, 'localtime'), 0, 1, 0, 0, 0, 0 FROM person WHERE deleted = 0
 UNION ALL SELECT user_login, date(saved_at, 'localtime'), 0, 0, 0, 0, 1, 0 FROM entry_time WHERE correction = 1)
SELECT u, '' AS dd, sum(hh), sum(pp), sum(timed), sum(secs), sum(corr), sum(other) FROM e GROUP BY u, dd ORDER BY u, dd;
