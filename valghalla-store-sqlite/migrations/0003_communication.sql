-- valghalla SQLite schema, version 3: the one record of message templates and the template
-- choices of every election (`valghalla_core::messages::CommunicationSettings`).

CREATE TABLE communication (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);
