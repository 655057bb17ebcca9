DROP TABLE IF EXISTS form_submission;
