-- valghalla SQLite schema, version 5: threads between a person and the election secretariat
-- (`valghalla_core::model::Thread`). A thread belongs to its participant: it is deleted with them.

CREATE TABLE thread (
    id             TEXT    PRIMARY KEY,
    participant_id TEXT    NOT NULL REFERENCES participant (id),
    doc            TEXT    NOT NULL,
    version        INTEGER NOT NULL
);

CREATE INDEX thread_participant ON thread (participant_id);
