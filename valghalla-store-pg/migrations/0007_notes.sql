-- valghalla: the secretariat's notes about a participant (`valghalla_core::model::Note`).
-- A note belongs to its participant: it is deleted with them.

CREATE TABLE valghalla.note (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    participant_id uuid GENERATED ALWAYS AS ((doc ->> 'participant')::uuid) STORED NOT NULL,
    PRIMARY KEY (tenant, id),
    CONSTRAINT note_participant_fk FOREIGN KEY (tenant, participant_id)
        REFERENCES valghalla.participant (tenant, id) DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX note_by_participant ON valghalla.note (tenant, participant_id);
