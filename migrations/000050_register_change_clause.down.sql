DROP TABLE register_change_clause;
DROP FUNCTION register_clause_changed() CASCADE;
DROP FUNCTION register_change_counter();
