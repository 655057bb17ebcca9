-- name: ClaimSubmission :exec
INSERT INTO form_submission (token, claimed_at) VALUES (@token, @now);

-- name: PurgeSubmissions :execrows
DELETE FROM form_submission WHERE claimed_at < @before;
