DROP TRIGGER deal_delete_deal_change ON deal;
DROP TRIGGER deal_insert_deal_change ON deal;
DROP TRIGGER deal_change_deal_list_change ON deal_change;
DROP FUNCTION deal_list_changed();
DROP TABLE deal_list_change;
