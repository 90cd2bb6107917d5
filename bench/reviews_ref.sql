-- bench/rows/report.sh: the review figures of `gonha report`
-- (gn_review_count, src/domain/review.c, called per TDP): each visited
-- household by its latest review, counted per TDP, in one pass.
SELECT tdp_id, count(*), coalesce(sum(d = 'approved'), 0), coalesce(sum(d = 'sent_back'), 0) FROM
 (SELECT h.tdp_id, (SELECT r.decision FROM household_review r INDEXED BY household_review_of
   WHERE r.household_id = h.id ORDER BY r.at DESC, r.rowid DESC LIMIT 1) AS d
  FROM household h WHERE h.deleted = 0 AND h.visit_status IN ('done', 'refused', 'moved'))
 GROUP BY tdp_id;
