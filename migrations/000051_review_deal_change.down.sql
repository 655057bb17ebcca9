DROP TRIGGER review_update_deal_change ON review;
DROP TRIGGER review_insert_deal_change ON review;
