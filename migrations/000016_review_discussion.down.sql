DROP TABLE IF EXISTS review_rfi;
DROP TABLE IF EXISTS review_comment;
