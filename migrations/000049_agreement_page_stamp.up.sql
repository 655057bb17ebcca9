-- The agreement page is cached whole (internal/postgres/register_agreement_page.go)
-- under the register change counter and the deal list stamp. The counter
-- covers the agreement, its clauses and their audit events; the stamp covers
-- the deals that touch it (their screenings). What neither covered: the
-- agreement's documents (not part of the register the engine reads) and the
-- re-screening job's progress, which the page reports. A document change
-- now adds the transaction's row to deal_list_change, as the committee's
-- tables do (migration 000048); the re-screening worker adds one when it
-- starts and when it completes its job (internal/postgres/screening_rescreen.go).
CREATE TRIGGER agreement_document_page_change AFTER INSERT OR UPDATE OR DELETE ON agreement_document
    FOR EACH STATEMENT EXECUTE FUNCTION committee_changed();
