-- valghalla: the one record of message templates and the template choices of every election
-- (`valghalla_core::messages::CommunicationSettings`), per municipality; its id is the nil UUID.

CREATE TABLE valghalla.communication (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);
