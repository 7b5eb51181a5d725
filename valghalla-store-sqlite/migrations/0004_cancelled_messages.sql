-- valghalla SQLite schema, version 4: an outbox message may be 'cancelled' (a message held while
-- its election was inactive whose reason no longer holds; it is never delivered). SQLite cannot
-- change a CHECK constraint, so the table is rebuilt with its rows and indexes.

CREATE TABLE outbox_v4 (
    id              TEXT    PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    participant_id  TEXT    NOT NULL,
    election_id     TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    doc             TEXT    NOT NULL
);

INSERT INTO outbox_v4 (id, created_at, participant_id, election_id, status, attempts,
                       next_attempt_at, doc)
SELECT id, created_at, participant_id, election_id, status, attempts, next_attempt_at, doc
FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_v4 RENAME TO outbox;

CREATE INDEX outbox_order ON outbox (created_at, id);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_participant ON outbox (participant_id);
