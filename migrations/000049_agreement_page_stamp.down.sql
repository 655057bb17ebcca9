DROP TRIGGER IF EXISTS agreement_document_page_change ON agreement_document;
