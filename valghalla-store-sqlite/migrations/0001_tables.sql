-- valghalla SQLite schema, version 1: one table per record kind, the audit log and the outbox.
--
-- Every record table keeps the record as JSON in `doc` (serde_json of the entity) and its
-- optimistic-concurrency `version`; the other columns are copies of the fields that constraints
-- and queries need, written from the same record in the same statement.
-- Ids are UUIDs as lower-case hyphenated text (their text order is their byte order).
-- Instants are INTEGER nanoseconds since the Unix epoch (UTC).
-- Foreign keys are checked at COMMIT (the store sets PRAGMA defer_foreign_keys in every write).

CREATE TABLE municipality (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE area (
    id      TEXT    PRIMARY KEY,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE work_location (
    id      TEXT    PRIMARY KEY,
    area_id TEXT    NOT NULL REFERENCES area (id),
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE task_type (
    id      TEXT    PRIMARY KEY,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE team (
    id      TEXT    PRIMARY KEY,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE special_diet (
    id      TEXT    PRIMARY KEY,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE election_type (
    id      TEXT    PRIMARY KEY,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE election (
    id               TEXT    PRIMARY KEY,
    election_type_id TEXT    NOT NULL REFERENCES election_type (id),
    doc              TEXT    NOT NULL,
    version          INTEGER NOT NULL
);

-- One participant per CPR number. `cpr` holds the full ten digits: it is personal data, and
-- never appears in an error message (SQLite names the column, not the value).
CREATE TABLE participant (
    id      TEXT    PRIMARY KEY,
    cpr     TEXT    NOT NULL UNIQUE,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

-- At most one participant per seat, and a participant exactly when the seat is not vacant.
CREATE TABLE seat (
    id               TEXT    PRIMARY KEY,
    election_id      TEXT    NOT NULL REFERENCES election (id),
    work_location_id TEXT    NOT NULL REFERENCES work_location (id),
    task_type_id     TEXT    NOT NULL REFERENCES task_type (id),
    team_id          TEXT    NOT NULL REFERENCES team (id),
    date             TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('vacant', 'invited', 'accepted')),
    participant_id   TEXT    REFERENCES participant (id),
    doc              TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    CHECK ((state = 'vacant') = (participant_id IS NULL))
);

-- The rejection history outlives the seat (seats are removed when a slot shrinks), so `seat_id`
-- is not a foreign key.
CREATE TABLE rejection (
    id               TEXT    PRIMARY KEY,
    election_id      TEXT    NOT NULL REFERENCES election (id),
    work_location_id TEXT    NOT NULL,
    task_type_id     TEXT    NOT NULL,
    team_id          TEXT    NOT NULL,
    date             TEXT    NOT NULL,
    seat_id          TEXT    NOT NULL,
    participant_id   TEXT    NOT NULL REFERENCES participant (id),
    doc              TEXT    NOT NULL,
    version          INTEGER NOT NULL
);

CREATE TABLE link (
    id      TEXT    PRIMARY KEY,
    token   TEXT    NOT NULL UNIQUE,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

-- Append-only (until purged). `seq` keeps insertion order for entries with the same instant.
-- No foreign keys: the log outlives the records it names.
CREATE TABLE audit (
    seq            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL,
    at             INTEGER NOT NULL,
    participant_id TEXT,
    election_id    TEXT,
    doc            TEXT    NOT NULL
);

-- The transactional outbox. `doc` is the whole message; the columns are what the dispatcher
-- filters and orders on, and are updated together with `doc`.
CREATE TABLE outbox (
    id              TEXT    PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    participant_id  TEXT    NOT NULL,
    election_id     TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    doc             TEXT    NOT NULL
);
