-- valghalla: the Postgres store's schema. Forward-only: never edit this file once applied;
-- add a new numbered migration instead.
--
-- Every table carries the municipality (`tenant`) in every primary and unique key, and every
-- statement of the store filters by it. Records are kept as a `jsonb doc` (the entity as serde
-- writes it) with a `version`; the columns that queries and constraints need are generated from
-- the doc, so they can never disagree with it.

CREATE SCHEMA IF NOT EXISTS valghalla;

CREATE TABLE valghalla.municipality (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.area (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.work_location (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.task_type (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.team (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.special_diet (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.election_type (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.election (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.seat (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    election_id      uuid GENERATED ALWAYS AS ((doc -> 'slot' ->> 'election')::uuid) STORED,
    work_location_id uuid GENERATED ALWAYS AS ((doc -> 'slot' ->> 'work_location')::uuid) STORED,
    task_type_id     uuid GENERATED ALWAYS AS ((doc -> 'slot' ->> 'task_type')::uuid) STORED,
    team_id          uuid GENERATED ALWAYS AS ((doc -> 'slot' ->> 'team')::uuid) STORED,
    slot_date        text GENERATED ALWAYS AS (doc -> 'slot' ->> 'date') STORED,
    state            text GENERATED ALWAYS AS (
        CASE
            WHEN doc -> 'state' = '"Vacant"'::jsonb THEN 'vacant'
            WHEN doc -> 'state' ? 'Invited' THEN 'invited'
            WHEN doc -> 'state' ? 'Accepted' THEN 'accepted'
        END) STORED,
    participant_id   uuid GENERATED ALWAYS AS ((COALESCE(
        doc -> 'state' -> 'Invited' ->> 'participant',
        doc -> 'state' -> 'Accepted' ->> 'participant'))::uuid) STORED,
    CONSTRAINT seat_state_known CHECK (state IN ('vacant', 'invited', 'accepted')),
    CONSTRAINT seat_vacant_iff_nobody CHECK ((state = 'vacant') = (participant_id IS NULL)),
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.participant (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    cpr text GENERATED ALWAYS AS (doc ->> 'cpr') STORED NOT NULL,
    CONSTRAINT participant_cpr_unique UNIQUE (tenant, cpr) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.rejection (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    election_id    uuid GENERATED ALWAYS AS ((doc -> 'slot' ->> 'election')::uuid) STORED,
    participant_id uuid GENERATED ALWAYS AS ((doc ->> 'participant')::uuid) STORED,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE valghalla.link (
    tenant  text   NOT NULL,
    id      uuid   NOT NULL,
    version bigint NOT NULL CHECK (version > 0),
    doc     jsonb  NOT NULL,
    token text GENERATED ALWAYS AS (doc ->> 'token') STORED NOT NULL,
    CONSTRAINT link_token_unique UNIQUE (tenant, token) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (tenant, id)
);

-- Foreign keys are deferred to commit, so the order of the ops inside a change set does not matter.
ALTER TABLE valghalla.seat
    ADD CONSTRAINT seat_election_fk FOREIGN KEY (tenant, election_id)
        REFERENCES valghalla.election (tenant, id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT seat_participant_fk FOREIGN KEY (tenant, participant_id)
        REFERENCES valghalla.participant (tenant, id) DEFERRABLE INITIALLY DEFERRED;

CREATE INDEX seat_by_election ON valghalla.seat (tenant, election_id, work_location_id);
CREATE INDEX seat_by_participant ON valghalla.seat (tenant, participant_id)
    WHERE participant_id IS NOT NULL;
CREATE INDEX participant_teams ON valghalla.participant USING gin ((doc -> 'teams'));
CREATE INDEX rejection_by_election ON valghalla.rejection (tenant, election_id);
CREATE INDEX rejection_by_participant ON valghalla.rejection (tenant, participant_id);

-- Audit entries, in insertion order (`seq`); `at_ns` is the entry's instant in nanoseconds since
-- the Unix epoch, so ordering and purging are exact.
CREATE TABLE valghalla.audit (
    tenant         text   NOT NULL,
    seq            bigint GENERATED ALWAYS AS IDENTITY,
    at_ns          bigint NOT NULL,
    participant_id uuid,
    election_id    uuid,
    doc            jsonb  NOT NULL,
    PRIMARY KEY (tenant, seq)
);
CREATE INDEX audit_by_time ON valghalla.audit (tenant, at_ns);
CREATE INDEX audit_by_participant ON valghalla.audit (tenant, participant_id);
CREATE INDEX audit_by_election ON valghalla.audit (tenant, election_id);

-- The transactional outbox. `doc` is the whole message; `attempts`, `pending` and
-- `next_attempt_ns` mirror the fields the dispatcher filters and locks on.
CREATE TABLE valghalla.outbox (
    tenant          text   NOT NULL,
    id              uuid   NOT NULL,
    created_ns      bigint NOT NULL,
    participant_id  uuid   NOT NULL,
    election_id     uuid,
    attempts        bigint NOT NULL,
    next_attempt_ns bigint NOT NULL,
    doc             jsonb  NOT NULL,
    pending         boolean GENERATED ALWAYS AS (doc -> 'status' = '"Pending"'::jsonb) STORED,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX outbox_due ON valghalla.outbox (tenant, next_attempt_ns) WHERE pending;
CREATE INDEX outbox_by_created ON valghalla.outbox (tenant, created_ns, id);
CREATE INDEX outbox_by_participant ON valghalla.outbox (tenant, participant_id);
