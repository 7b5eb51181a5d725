-- valghalla SQLite schema, version 8: the secretariat's notes about a participant
-- (`valghalla_core::model::Note`). A note belongs to its participant: it is deleted with them.

CREATE TABLE note (
    id             TEXT    PRIMARY KEY,
    participant_id TEXT    NOT NULL REFERENCES participant (id),
    doc            TEXT    NOT NULL,
    version        INTEGER NOT NULL
);

CREATE INDEX note_participant ON note (participant_id);
