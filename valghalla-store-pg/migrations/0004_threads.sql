-- valghalla: threads between a person and the election secretariat
-- (`valghalla_core::model::Thread`). A thread belongs to its participant: it is deleted with them.

CREATE TABLE valghalla.thread (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    participant_id uuid GENERATED ALWAYS AS ((doc ->> 'participant')::uuid) STORED NOT NULL,
    PRIMARY KEY (tenant, id),
    CONSTRAINT thread_participant_fk FOREIGN KEY (tenant, participant_id)
        REFERENCES valghalla.participant (tenant, id) DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX thread_by_participant ON valghalla.thread (tenant, participant_id);
