-- Review discussion: comments (with replies) visible to the committee, and
-- requests for information to counsel, which pause the review's clock until
-- answered (the due date moves by the days the request stayed open).

CREATE TABLE review_comment (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id  bigint      NOT NULL REFERENCES review (id),
    parent_id  bigint      REFERENCES review_comment (id),
    author_id  bigint      NOT NULL REFERENCES users (id),
    body       text        NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at timestamptz NOT NULL
);
CREATE INDEX review_comment_review_idx ON review_comment (review_id, id);

CREATE TABLE review_rfi (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id   bigint      NOT NULL REFERENCES review (id),
    deal_id     bigint      NOT NULL REFERENCES deal (id),
    asked_by    bigint      NOT NULL REFERENCES users (id),
    question    text        NOT NULL CHECK (length(question) BETWEEN 1 AND 5000),
    asked_at    timestamptz NOT NULL,
    answer      text        NOT NULL DEFAULT '' CHECK (length(answer) <= 5000),
    answered_by bigint      REFERENCES users (id),
    answered_at timestamptz,
    CHECK ((answered_at IS NULL) = (answer = ''))
);
CREATE INDEX review_rfi_review_idx ON review_rfi (review_id, id);
-- Counsel's pages: the open requests of a deal.
CREATE INDEX review_rfi_open_deal_idx ON review_rfi (deal_id, id) WHERE answered_at IS NULL;
