-- valghalla: a change set is written by one statement (a data-modifying CTE per change, see
-- `src/batch.rs`). Its preconditions are row counts; this function checks them and aborts the
-- statement (and with it the whole change set) at the first that does not hold, naming the
-- change by its index so the store can report which record conflicted.

CREATE FUNCTION valghalla.expect_rows(counts bigint[], expected bigint[], changes int[])
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(counts, 1), 0) LOOP
        IF counts[i] IS DISTINCT FROM expected[i] THEN
            RAISE EXCEPTION USING
                ERRCODE = 'VH409',
                MESSAGE = format('valghalla precondition failed: change %s', changes[i]);
        END IF;
    END LOOP;
END
$$;
