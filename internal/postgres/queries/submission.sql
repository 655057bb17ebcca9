-- name: ClaimSubmission :execrows
-- Claims a create form's one-time token inside the create's transaction: it
-- rolls back with a failed create, and a second claim of the same token
-- (a double click, a resubmitted page) inserts nothing.
INSERT INTO form_submission (token, claimed_at) VALUES (@token, @now)
ON CONFLICT (token) DO NOTHING;

-- name: PurgeSubmissions :execrows
DELETE FROM form_submission WHERE claimed_at < @before;
