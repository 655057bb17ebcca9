-- Committee review: the committee's rules, members' declarations of
-- interest, reviews with their assigned members and self-recusals, votes,
-- decisions tied to the deal version they rest on, and the record that
-- negotiation started. Every change to a deal's review is made under the
-- deal row's lock (SELECT … FOR UPDATE on deal), so votes, decisions and new
-- versions of one deal are serialised.

-- One row: the committee's rules (admin settings).
CREATE TABLE committee_rules (
    id                 boolean     PRIMARY KEY DEFAULT true CHECK (id),
    quorum             integer     NOT NULL DEFAULT 2 CHECK (quorum BETWEEN 1 AND 100),
    majority           text        NOT NULL DEFAULT 'simple' CHECK (majority IN ('simple', 'two_thirds', 'unanimous')),
    conflict_unanimous boolean     NOT NULL DEFAULT true,
    review_days        integer     NOT NULL DEFAULT 10 CHECK (review_days BETWEEN 1 AND 365),
    clearance_days     integer     NOT NULL DEFAULT 90 CHECK (clearance_days BETWEEN 1 AND 3650),
    reminder_days      integer     NOT NULL DEFAULT 3 CHECK (reminder_days BETWEEN 0 AND 90),
    auto_open          boolean     NOT NULL DEFAULT false,
    hide_votes         boolean     NOT NULL DEFAULT true,
    updated_at         timestamptz,
    version            bigint      NOT NULL DEFAULT 1 CHECK (version >= 1)
);
INSERT INTO committee_rules DEFAULT VALUES;

-- Parties a member (or a close relative) holds ties to. A declared party
-- touching a deal's counterparty's corporate family recuses the member.
CREATE TABLE interest_declaration (
    user_id    bigint      NOT NULL REFERENCES users (id),
    party_id   bigint      NOT NULL REFERENCES party (id),
    note       text        NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, party_id)
);
CREATE INDEX interest_declaration_party_idx ON interest_declaration (party_id);

CREATE TABLE review (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deal_id      bigint      NOT NULL REFERENCES deal (id),
    round        integer     NOT NULL CHECK (round >= 1),
    deal_version integer     NOT NULL,
    state        text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'decided', 'closed')),
    due_on       date        NOT NULL,
    opened_by    bigint      REFERENCES users (id),
    opened_at    timestamptz NOT NULL,
    closed_at    timestamptz,
    UNIQUE (deal_id, round),
    FOREIGN KEY (deal_id, deal_version) REFERENCES deal_version (deal_id, number)
);
-- At most one open review per deal.
CREATE UNIQUE INDEX review_open_deal_idx ON review (deal_id) WHERE state = 'open';
CREATE INDEX review_state_due_idx ON review (state, due_on, id);

CREATE TABLE review_member (
    review_id     bigint      NOT NULL REFERENCES review (id),
    user_id       bigint      NOT NULL REFERENCES users (id),
    -- A self-recusal; recusals by declared interest are computed from the
    -- declarations against the deal's current counterparty.
    recused_at    timestamptz,
    recusal_reason text       NOT NULL DEFAULT '' CHECK (length(recusal_reason) <= 2000),
    PRIMARY KEY (review_id, user_id),
    CHECK ((recused_at IS NULL) = (recusal_reason = ''))
);
CREATE INDEX review_member_user_idx ON review_member (user_id, review_id);

CREATE TABLE review_vote (
    review_id    bigint      NOT NULL REFERENCES review (id),
    user_id      bigint      NOT NULL REFERENCES users (id),
    -- The deal version the vote was cast on: a vote on a superseded version
    -- no longer counts.
    deal_version integer     NOT NULL,
    choice       text        NOT NULL CHECK (choice IN ('approve', 'approve_conditions', 'flag', 'abstain')),
    conditions   text        NOT NULL DEFAULT '' CHECK (length(conditions) <= 5000),
    rationale    text        NOT NULL CHECK (length(rationale) BETWEEN 1 AND 5000),
    cast_at      timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (review_id, user_id),
    FOREIGN KEY (review_id, user_id) REFERENCES review_member (review_id, user_id)
);

CREATE TABLE review_decision (
    id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id           bigint      NOT NULL UNIQUE REFERENCES review (id),
    deal_id             bigint      NOT NULL REFERENCES deal (id),
    deal_version        integer     NOT NULL,
    outcome             text        NOT NULL CHECK (outcome IN ('approved', 'approved_conditions', 'flagged')),
    memo                text        NOT NULL CHECK (length(memo) BETWEEN 1 AND 10000),
    conditions          text        NOT NULL DEFAULT '' CHECK (length(conditions) <= 5000),
    -- The screening state of the version when decided: NULL until screening
    -- results are recorded per version (the screening integration).
    screening_state     text,
    taxonomy_version_id bigint      REFERENCES taxonomy_version (id),
    tally               jsonb       NOT NULL,
    decided_by          bigint      REFERENCES users (id),
    decided_at          timestamptz NOT NULL,
    -- Until when an approval clears the deal; NULL for a flag.
    expires_at          timestamptz,
    FOREIGN KEY (deal_id, deal_version) REFERENCES deal_version (deal_id, number),
    CHECK ((outcome = 'flagged') = (expires_at IS NULL)),
    CHECK ((outcome = 'approved_conditions') = (length(btrim(conditions)) > 0))
);
CREATE INDEX review_decision_deal_idx ON review_decision (deal_id, decided_at DESC, id DESC);
CREATE INDEX review_decision_decided_idx ON review_decision (decided_at DESC, id DESC);

-- Counsel's record that negotiation started, allowed only while cleared.
CREATE TABLE deal_negotiation (
    deal_id      bigint      PRIMARY KEY REFERENCES deal (id),
    deal_version integer     NOT NULL,
    decision_id  bigint      NOT NULL REFERENCES review_decision (id),
    started_on   date        NOT NULL,
    recorded_by  bigint      REFERENCES users (id),
    recorded_at  timestamptz NOT NULL
);
