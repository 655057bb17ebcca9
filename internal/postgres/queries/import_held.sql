-- name: HoldImport :exec
-- Holds a checked CSV file for its user; checking the same file again
-- renews it.
INSERT INTO import_held (user_id, hash, name, data, expires_at)
VALUES (@user_id, @hash, @name, @data, @expires_at)
ON CONFLICT (user_id, hash) DO UPDATE SET name = EXCLUDED.name, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at;

-- name: TrimHeldImports :exec
-- Keeps a user's newest held files only.
DELETE FROM import_held h
WHERE h.user_id = @user_id
  AND h.hash NOT IN (SELECT k.hash FROM import_held k WHERE k.user_id = @user_id ORDER BY k.expires_at DESC LIMIT @keep);

-- name: TakeHeldImport :one
-- Takes a held file back for its import; the import's transaction deletes
-- it, or, when the import fails, rolls the delete back with it.
DELETE FROM import_held
WHERE user_id = @user_id AND hash = @hash AND expires_at > @now
RETURNING name, data;

-- name: PurgeHeldImports :execrows
DELETE FROM import_held WHERE expires_at <= @now;
