-- valghalla SQLite schema, version 7: election day. The attendance at a seat (under the seat's
-- id), the days a participant stands by as a reserve (under the participant's id), and the
-- offers of a no-show's seat to the day's reserves. No foreign keys: attendance and offers are
-- the record of what happened and outlive a change to the seat they name; queries read them by
-- kind.

CREATE TABLE attendance (
    id      TEXT    PRIMARY KEY,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE reserve (
    id      TEXT    PRIMARY KEY,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE seat_offer (
    id      TEXT    PRIMARY KEY,
    doc     TEXT    NOT NULL,
    version INTEGER NOT NULL
);
