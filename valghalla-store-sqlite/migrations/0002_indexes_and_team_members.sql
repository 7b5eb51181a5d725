-- valghalla SQLite schema, version 2: the indexes behind the queries and foreign-key checks, and
-- team membership as rows (it was only inside participant.doc in version 1).

-- Seats: the slot index also serves "seats of an election" and "seats at a location" (its
-- prefixes), the staffing overview's hot path.
CREATE INDEX seat_slot ON seat (election_id, work_location_id, task_type_id, team_id, date);
CREATE INDEX seat_participant ON seat (participant_id) WHERE participant_id IS NOT NULL;
-- For the foreign-key checks when a master record is deleted.
CREATE INDEX seat_work_location ON seat (work_location_id);
CREATE INDEX seat_task_type ON seat (task_type_id);
CREATE INDEX seat_team ON seat (team_id);
CREATE INDEX work_location_area ON work_location (area_id);
CREATE INDEX election_election_type ON election (election_type_id);

CREATE INDEX rejection_election ON rejection (election_id);
CREATE INDEX rejection_participant ON rejection (participant_id);

CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_participant ON audit (participant_id) WHERE participant_id IS NOT NULL;
CREATE INDEX audit_election ON audit (election_id) WHERE election_id IS NOT NULL;

CREATE INDEX outbox_order ON outbox (created_at, id);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_participant ON outbox (participant_id);

-- Team membership, kept in step with participant.doc's `teams` by every write of a participant.
CREATE TABLE participant_team (
    team_id        TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, participant_id)
) WITHOUT ROWID;
CREATE INDEX participant_team_participant ON participant_team (participant_id);

INSERT INTO participant_team (team_id, participant_id)
SELECT DISTINCT t.value, p.id
FROM participant AS p, json_each(p.doc, '$.teams') AS t;
