-- valghalla: election day, per municipality. The attendance at a seat (its id is the seat's),
-- the days a participant stands by as a reserve (its id is the participant's), and the offers
-- of a no-show's seat to the day's reserves. Read by kind. No foreign keys: they are the record of
-- what happened on the day and outlive a change to the seat or person they name.

CREATE TABLE valghalla.attendance (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.reserve (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.seat_offer (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);
