-- Token scopes keep their patterns as written (case, '.', '_' and '-' as the token's maker typed
-- them, and ':' for Maven coordinates such as 'com.example:*:publish'): bundle and PyPI names are
-- matched against them PEP 503-normalised, Maven coordinates exactly. Rows written before this
-- version hold normalised patterns and stay readable as they are: normalising them again changes
-- nothing, and as written they match only coordinates spelled that way (fail closed).
-- The column's type and separators are unchanged; this records the format where the table is.
COMMENT ON COLUMN api_tokens.scopes IS
    'PATTERN:PERMISSION separated by spaces; PATTERN as written (bundles and projects match it PEP 503-normalised, Maven GROUP:ARTIFACT exactly)';
