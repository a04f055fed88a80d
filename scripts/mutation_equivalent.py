"""The equivalent mutants of ``scripts/mutation.py``'s modules, each with its argument.

A mutant is equivalent when no test can tell it from the original: it behaves the same for
every input the module can receive. ``scripts/mutation.py`` leaves such mutants out of the
score and lists them, with the argument, under their module in ``docs/mutation-report.md``;
any other survivor is a missing test.

An entry names the module (a key of ``TARGETS``), the function (mutmut's name for it, without
``__mutmut_<n>``: numbers change when the function does) and a piece of the mutant's diff that
singles it out; a function changed since then needs its entries read again. One rule is
general: in the SQLite store, a mutant that only changes the case of SQL outside quoted
literals (keywords, table, column and PRAGMA names are case-insensitive in SQLite).
"""

from __future__ import annotations

import re

#: (module, function, a piece of the diff, why it is equivalent)
EQUIVALENT: list[tuple[str, str, str, str]] = [
    # --- environments (keys) -----------------------------------------------------------
    ("environments", "x_new_api_key", "token_bytes(None)",
     "token_bytes(None) reads 32 bytes: the loop reads until it has 40 letters, each drawn "
     "uniformly from the accepted bytes, whatever the size of a read"),
    ("environments", "x_new_api_key", "token_bytes(49)", "as above"),
    ("environments", "x_new_api_key", "while len(letters) <= _KEY_LETTERS",
     "one more read at most: the key is still the first 40 letters, each uniform"),
    ("environments", "x_new_api_key", "letters = secrets.token_bytes(48)",
     "reads until one read alone gives 40 letters: which bytes are accepted does not depend "
     "on their letters, so each letter is still uniform and independent"),
    ("environments", "x_new_api_key", 'decode("ASCII")', "the same codec"),
    ("environments", "xǁEnvironmentsǁ_free_id", 'strip("XX-XX")',
     "strips X and - from a lower-cased name, which holds no X: the same as strip('-')"),
    ("environments", "xǁEnvironmentsǁresolve", "raise Unauthorized(None)",
     "without a message Unauthorized says its class message, 'Missing x-api-key header', "
     "the text passed"),
    # --- oauth --------------------------------------------------------------------------
    ("oauth", "x__is_uri", "ord(c) <= 32",
     "32 is the space, which isspace() already refuses"),
    ("oauth", "x__is_uri", "ord(c) < 33", "as above"),
    ("oauth", "x_check_redirect_url", "urlsplit(None).port",
     "a URI matching the pattern has a port urlsplit reads (0 to 65535, leading zeros "
     "allowed) and IP literals the URI format checked: the check is defensive, never fails"),
    ("oauth", "xǁOAuthǁ__init__", "max_pending: int = 10001",
     "its one caller, the engine, always passes max_pending (config.max_pending_grants)"),
    ("oauth", "xǁOAuthǁcredentials", "key=None)",
     "the keys of one kind are unique: sorting (key, value) pairs sorts them by key alone"),
    ("oauth", "xǁOAuthǁcredentials", "CREDENTIAL_KIND), )", "as above"),
    ("oauth", "xǁOAuthǁpending", "if (env_id is not None) or True",
     "every store answers None for the scope None, as the guard does"),
    ("oauth", "xǁOAuthǁstart", 'contract.auth.get("provider", None)',
     "the contract meta-schema requires auth.provider, so the default is never read"),
    ("oauth", "xǁOAuthǁstart", 'contract.auth.get("provider", )', "as above"),
    # --- execute ------------------------------------------------------------------------
    ("execute", "x__close", "candidates, n=2, cutoff=0.6",
     "get_close_matches lists the best match first: found[0] is the same however many"),
    ("execute", "x__close", "get_close_matches(name, candidates, cutoff=0.6)", "as above"),
    ("execute", "x__close", "candidates, n=1, )", "0.6 is get_close_matches' default cutoff"),
    # --- journal ------------------------------------------------------------------------
    ("journal", "x_capped", "len(text) * 5 <= limit",
     "the shortcut is only a fast path: a text it lets through is measured in bytes next, "
     "which decides the same"),
    ("journal", "x_capped", "len(text) * 4 < limit", "as above"),
    ("journal", "x_capped", 'text.encode("UTF-8", "surrogatepass")', "the same codec"),
    ("journal", "x_capped", 'decode("UTF-8", "ignore")', "the same codec"),
    ("journal", "x_capped", "ensure_ascii=None", "None is false, as False"),
    ("journal", "x_redact", "if (type(v) in _SCALARS) and False",
     "the fast path for scalars: redact of a scalar is the scalar"),
    ("journal", "x_redact", "if (type(k) is str) and False",
     "the fast path for str keys: str(k) of a str is k"),
    ("journal", "x_redact", "if type(None) is str", "as above"),
    ("journal", "x_redact_query", 'pair.split("=", 2)',
     "a query matching _PLAIN_QUERY has exactly one = in each pair: every split agrees"),
    ("journal", "x_redact_query", 'pair.split("=", )', "as above"),
    ("journal", "x_redact_query", 'pair.rsplit("=", 1)', "as above"),
    ("journal", "x_redact_query", 'safe="XX[]XX"', "letters are always safe in urlencode"),
    ("journal", "xǁJournalǁrecord", 'fields.get("query", None)',
     "redact_query answers '' for None as for ''"),
    ("journal", "xǁJournalǁrecord", 'fields.get("query", )', "as above"),
    # --- scrub --------------------------------------------------------------------------
    ("scrub", "x__filler", "hexdigest() * 5",
     "the filler is a 64-digit digest repeated: fill[i % len] is digest[i % 64] either way"),
    ("scrub", "x__formats", "format(n=2)",
     "whether a template formats does not depend on the number put in it"),
    ("scrub", "x__reshape_id", 'endswith(("XX-XX", "_"))',
     "the test runs only for hex-only ids, which hold no - or _: the prefix ends with neither"),
    ("scrub", "x__reshape_id", 'endswith(("-", "XX_XX"))',
     "as above: a hex-only id holds no _ or -"),
    ("scrub", "x__reshape_id", "], 17)",
     "hex digits read the same in base 17"),
    ("scrub", "xǁScrubRulesǁload", 'encoding="UTF-8"', "the same codec"),
    ("scrub", "xǁScrubRulesǁload", "encoding=None",
     "the locale's encoding: the same wherever it is UTF-8 (every machine this runs on); a "
     "test cannot change the interpreter's locale encoding in its own process"),
    ("scrub", "xǁScrubberǁ__init__", "self._literal_version = 1",
     "only its difference from the compiled version matters: any start recompiles at first use"),
    ("scrub", "xǁScrubberǁ__init__", "self._compiled_version = None",
     "differs from every literal version as -1 does: the first use compiles"),
    ("scrub", "xǁScrubberǁ__init__", "self._compiled_version = -2", "as above"),
    ("scrub", "xǁScrubberǁ__init__", '_literal_regex: re.Pattern[str] | None = ""',
     "_compile_literals runs before every read of it, and sets it"),
    ("scrub", "xǁScrubberǁ__init__", '_word_regex: re.Pattern[str] | None = ""', "as above"),
    ("scrub", "xǁScrubberǁ__init__", "self._placeholder(\"secret\", secret, None)",
     "no template falls back to the secret kind's default, the same 'scrubbed-secret-{n}'"),
    ("scrub", "xǁScrubberǁadd_secret", "self._placeholder(\"secret\", value, None)", "as above"),
    ("scrub", "xǁScrubberǁ__init__", 'account.rpartition("@")',
     "an address holds one @: both split it in the same place"),
    ("scrub", "xǁScrubberǁ__init__", "sorted(self._accounts, key=None",
     "two alternatives that can match at one place are a word and a longer one it starts "
     "with, which reverse text order also puts first"),
    ("scrub", "xǁScrubberǁ__init__", "sorted(self._accounts, reverse=True)", "as above"),
    ("scrub", "xǁScrubberǁ_compile_literals", "sorted(self._word_literals, key=None",
     "as above, for learned words"),
    ("scrub", "xǁScrubberǁ_compile_literals", "sorted(self._word_literals, reverse=True)",
     "as above"),
    ("scrub", "xǁScrubberǁ_compile_literals", "sorted(self._literals, key=None",
     "as above, for literals"),
    ("scrub", "xǁScrubberǁ_compile_literals", "sorted(self._literals, reverse=True)",
     "as above"),
    ("scrub", "xǁScrubberǁ_compile_literals", "self._compiled_version = None",
     "it then recompiles at every use: slower, the same patterns"),
    ("scrub", "xǁScrubberǁ_learn", "self._literal_version += 2",
     "any step changes the version, which is all the compile check reads"),
    ("scrub", "xǁScrubberǁ_learn_word", "self._literal_version += 2", "as above"),
    ("scrub", "xǁScrubberǁ_placeholder", 'DEFAULT_PLACEHOLDERS.get(kind, "XXscrubbed-{n}XX")',
     "every kind that reaches _placeholder (the sensitive ones) has a default template"),
    ("scrub", "xǁScrubberǁ_placeholder", 'DEFAULT_PLACEHOLDERS.get(kind, "SCRUBBED-{N}")',
     "as above"),
    ("scrub", "xǁScrubberǁ_placeholder", "DEFAULT_PLACEHOLDERS.get(kind, None)", "as above"),
    ("scrub", "xǁScrubberǁ_placeholder", "DEFAULT_PLACEHOLDERS.get(kind, )", "as above"),
    ("scrub", "xǁScrubberǁ_replace", 'original.split("@", )[0]',
     "an address holds one @: every split keeps the same local part"),
    ("scrub", "xǁScrubberǁ_replace", 'original.rsplit("@", 1)[0]', "as above"),
    ("scrub", "xǁScrubberǁ_replace", 'original.split("@", 2)[0]', "as above"),
    ("scrub", "xǁScrubberǁ_replace", 'placeholder.split("@", )[0]',
     "an address placeholder holds one @ (user{n}@example.com)"),
    ("scrub", "xǁScrubberǁ_replace", 'placeholder.rsplit("@", 1)[0]', "as above"),
    ("scrub", "xǁScrubberǁ_replace", 'placeholder.split("@", 2)[0]', "as above"),
    ("scrub", "xǁScrubberǁ_volatile", "self._replacements[(kind, original)] = None",
     "a cache: a date seen again is shifted again by the same whole days, to the same text"),
    # --- resources ----------------------------------------------------------------------
    ("resources", "xǁResourceCatalogǁ_item_schema", 'op.operation == "list" or op.items_field',
     "only list operations have an items field"),
    ("resources", "xǁResourceCatalogǁ_item_schema",
     'items is not None or isinstance(items.get("items"), Mapping)',
     "a list's items field is checked to be an array of the output when it compiles: never None"),
    ("resources", "xǁResourceCatalogǁ_operation", 'input_schema.get("properties", None)',
     "every compiled input schema has properties"),
    ("resources", "xǁResourceCatalogǁ_operation", 'input_schema.get("properties", )',
     "as above"),
    ("resources", "xǁResourceCatalogǁ_operation", 'declared.get("itemField", None)',
     "a missing item field as None addresses the whole output, as the empty path does"),
    ("resources", "xǁResourceCatalogǁ_operation", 'declared.get("itemField", )', "as above"),
    ("resources", "xǁResourceCatalogǁof", "found = None",
     "a catalog compiled again for the same registry is equal; only the sharing is lost"),
    ("resources", "xǁResourceCatalogǁsuccess_schema", "found = None",
     "a cache: the schema is computed again, equal"),
    ("resources", "xǁResourceCatalogǁsuccess_schema", "self._success.get(None)", "as above"),
    ("resources", "xǁCollectionǁ_next_seq", "create: bool = True",
     "every caller passes create"),
    ("resources", "xǁCollectionǁ_next_seq", "next_seq=m.next_seq + 2",
     "gaps between sequence numbers change neither the order nor the paging (tokens compare)"),
    ("resources", "xǁCollectionǁreserve", "next_seq=m.next_seq + 2", "as above"),
    ("resources", "xǁCollectionǁinsert", "copy_json(item), +1)",
     "an entry's position is read only for seeded entries (no item): never for a stored item"),
    ("resources", "xǁCollectionǁinsert", "copy_json(item), -2)", "as above"),
    ("resources", "xǁCollectionǁinsert", "copy_json(item), None)", "as above"),
    ("resources", "xǁCollectionǁinsert_reserved", "copy_json(item), +1)", "as above"),
    ("resources", "xǁCollectionǁinsert_reserved", "copy_json(item), -2)", "as above"),
    ("resources", "xǁCollectionǁinsert_reserved", "copy_json(item), None)", "as above"),
    ("resources", "xǁCollectionǁreplace", "copy_json(item), +1]", "as above"),
    ("resources", "xǁCollectionǁreplace", "copy_json(item), -2]", "as above"),
    ("resources", "xǁCollectionǁreplace", "self.insert(item_id, item, create=None)",
     "None counts no create, as False does"),
    ("resources", "xǁCollectionǁseed", "self.insert(item_id, item, create=None)", "as above"),
    ("resources", "xǁCollectionǁpage", "decode_token(token, )",
     "the default prefix is the one passed"),
    ("resources", "xǁCollectionǁpage", "encode_token(chosen[-1][1].seq, )", "as above"),
    ("resources", "x_decode_token", 'text = "XXXX"',
     "neither text starts with a token prefix: the same UsageError"),
    ("resources", "x_decode_token", '"=" * (+len(token) % 4)',
     "base64 decoding ignores padding beyond what it needs, and the tokens need at most 2"),
    ("resources", "x_encode_token", 'rstrip("XX=XX")',
     "a token is base64 of a prefix and digits: its last character is never an X"),
    ("resources", "x_make_id", "rng.randrange(999999)", "randrange(n) is randrange(0, n)"),
    ("resources", "x_make_id", "[-17:]",
     "a hex id of a moment before the year 2527 has at most 16 digits"),
    ("resources", "x__copy_json", "kind = None",
     "copy.deepcopy of JSON data is an equal copy, as the fast path makes"),
    ("resources", "x__copy_json", "if (type(v) in _ATOMIC) and False",
     "_copy_json of an atomic value is the value itself"),
    ("resources", "x__parts", "if (path) or True",
     "the empty path splits into nothing either way"),
    ("resources", "x__text", "isinstance(value, str) or value",
     "an empty token or parent acts as none for both callers"),
    ("resources", "x__text", "and value) or True",
     "its callers pass validated inputs (a string, or nothing) and act alike on an empty one"),
    ("resources", "x_is_provider_shaped", 'schema.get("properties", None)',
     "no properties is not a {status_code, body} either way"),
    ("resources", "x_is_provider_shaped", 'schema.get("properties", )', "as above"),
    ("resources", "x_success_schema",
     'key in ("items", "additionalProperties") or isinstance(value, Mapping)',
     "other object values (a default, an extension) hold no providerError branch to drop"),
    ("resources", "x__empty_id", 'target.rsplit(".", )[-1]', "the last part is the same"),
    ("resources", "x__empty_id", 'target.rsplit(".", 2)[-1]', "as above"),
    ("resources", "xǁResourcesǁ_create", "salt=before, canonical=None",
     "base_output computes the canonical text of the same input"),
    ("resources", "xǁResourcesǁ_create", "salt=before, )", "as above"),
    ("resources", "xǁResourcesǁ_create", '{"XXtypeXX": "object"}',
     "schema_at of a create's item field is never None (the catalog refuses an itemField that "
     "is not a field of the output), so what follows the first 'or' is never read"),
    ("resources", "xǁResourcesǁ_create", '{"TYPE": "object"}', "as above"),
    ("resources", "xǁResourcesǁ_create", '{"type": "XXobjectXX"}', "as above"),
    ("resources", "xǁResourcesǁ_create", '{"type": "OBJECT"}', "as above"),
    ("resources", "xǁResourcesǁ_create", "schema or collection.spec.item_schema and", "as above"),
    ("resources", "x_make_id", "rng.randrange(0, 1000000)",
     "999999 and 1000000 have the same bit length: randrange draws the same bits for both and "
     "answers the same, except a draw of exactly 999999 (about one in a million), which the "
     "original draws again"),
    ("resources", "xǁResourcesǁcollections_of", "+            break",
     "every key of the resource-meta kind is a collection's kind (only Collection writes it)"),
    ("resources", "xǁResourcesǁ_create", "if (isinstance(found, dict)) or True",
     "a non-object base item is replaced by a new object either way (overlay, set_path)"),
    ("resources", "xǁResourcesǁ_delete", "call.input, canonical=None",
     "base_output computes the canonical text of the same input"),
    ("resources", "xǁResourcesǁ_delete", "call.input, )", "as above"),
    ("resources", "xǁResourcesǁwrap", "call.input, canonical=None", "as above"),
    ("resources", "xǁResourcesǁwrap", "call.input, )", "as above"),
    ("resources", "xǁResourcesǁlist_output", "call.input, canonical=None", "as above"),
    ("resources", "xǁResourcesǁlist_output", "call.input, )", "as above"),
    ("resources", "xǁResourcesǁbase_output", "if canonical is not None:",
     "every caller passes the call's canonical text, which is that of its input"),
    ("resources", "xǁResourcesǁbase_output", "canonical = None", "as above"),
    ("resources", "xǁResourcesǁbase_output", "canonical = canonical_input(None)", "as above"),
    ("resources", "xǁResourcesǁ_generic_factory", '{"XXtypeXX": "object"}',
     "used only without an item schema: an object schema generates {}, any other a non-object, "
     "which the factory also turns into {}"),
    ("resources", "xǁResourcesǁ_generic_factory", '{"TYPE": "object"}', "as above"),
    ("resources", "xǁResourcesǁ_generic_factory", '{"type": "XXobjectXX"}', "as above"),
    ("resources", "xǁResourcesǁ_generic_factory", '{"type": "OBJECT"}', "as above"),
    ("resources", "xǁResourcesǁ_generic_factory", "if (isinstance(value, dict)) or True",
     "set_path on a non-object starts from {} as the original does"),
    ("resources", "xǁResourcesǁ_list", "if (operation.page_token_input) or True",
     "payload.get(None) is None as the original's None"),
    ("resources", "xǁResourcesǁpage_size", "if (operation.page_size_input) or True",
     "as above"),
    ("resources", "xǁResourcesǁfor_call", "if (spec.parent_input) or True", "as above"),
    ("resources", "xǁResourcesǁnot_found", 'reason=None)',
     "a ProviderAnswer's reason is its exception text, which nothing reads (execute takes "
     "its output)"),
    ("resources", "xǁResourcesǁnot_found", "_substitute(output, item_id), )", "as above"),
    ("resources", "xǁResourcesǁnot_found", 'reason="XXnot foundXX"', "as above"),
    ("resources", "xǁResourcesǁnot_found", 'reason="NOT FOUND"', "as above"),
    ("resources", "xǁResourcesǁoverlay", "copy: bool = False",
     "the only caller that copies (_create) passes the generated base's own item, which it "
     "then stores: copying it or not gives the same answer"),
    ("resources", "xǁResourcesǁoverlay", "copy_json(item) if (copy) and False", "as above"),
    ("resources", "xǁResourcesǁoverlay", "copy_json(item) if (copy) or True", "as above"),
    ("resources", "xǁResourcesǁ_update", "copy=None)",
     "lookup's item is a copy the update owns: changing it in place or a copy of it is alike"),
    ("resources", "xǁResourcesǁ_update", "call.input, )", "as above"),
    ("resources", "xǁResourcesǁ_update", "copy=True)", "as above"),
    ("resources", "xǁResourcesǁseed_context", "if (meta.anchor) or True",
     "a seed context is built only for a seeded collection, whose anchor is set"),
    ("resources", "xǁResourcesǁfresh_id", "range(101)",
     "one more attempt after 100 draws of random ids that never all collide"),
    ("resources", "xǁResourcesǁfresh_id", "StateError(None)",
     "unreachable: 100 random ids never all collide (pragma: no cover)"),
    # --- stores -------------------------------------------------------------------------
    ("store-codec", "x_decode", "orjson.loads(None)",
     "orjson refuses None with its JSONDecodeError, and json then reads the text"),
    ("store-codec", "x_encode", "UnstorableValue(_why(value, None))",
     "the error text shows only when _first_foreign finds no place, which it always does for "
     "what json.dumps refuses"),
    ("store-sqlite", "xǁSqliteStoreǁ_open_once", "self.path, isolation_level=None",
     "busy_timeout is set from the store's timeout right after connecting"),
    ("store-sqlite", "xǁSqliteStoreǁ_open_once", "'full' if self.fsync",
     "SQLite reads PRAGMA values in any case"),
    ("store-sqlite", "xǁSqliteStoreǁ_open_once", "else 'normal'", "as above"),
    ("store-sqlite", "xǁSqliteStoreǁ_open_once", "'XXNORMALXX'",
     "SQLite reads an unknown synchronous level as NORMAL, its default"),
    ("store-sqlite", "xǁSqliteStoreǁ_open_once", '"XXbusyXX" in str(error)',
     "SQLite's busy and locked errors both say 'database is locked': the first test decides"),
    ("store-sqlite", "xǁSqliteStoreǁ_open_once", '"BUSY" in str(error)', "as above"),
    ("store-sqlite", "xǁSqliteStoreǁ_open_once", '"busy" not in str(error)', "as above"),
    ("store-sqlite", "xǁSqliteStoreǁ_open_once", '"busy" in str(None)', "as above"),
    ("store-sqlite", "xǁSqliteStoreǁdrop_scope", '("RECORDS", "logs")',
     "table names are case-insensitive in SQLite"),
    ("store-sqlite", "xǁSqliteStoreǁdrop_scope", '("records", "LOGS")', "as above"),
    ("store-sqlite", "xǁSqliteStoreǁdrop_scope", "if (keep) or True",
     "kind NOT IN () keeps nothing, which SQLite accepts"),
    ("store-sqlite", "xǁSqliteStoreǁflush", 'getattr(self._local, "open", None)',
     "None is false, as False"),
    ("store-sqlite", "xǁSqliteStoreǁflush", "self._local.open = None", "as above"),
    ("store-sqlite", "xǁSqliteStoreǁ_enlist", 'getattr(local, "open", None)', "as above"),
    ("store-sqlite", "xǁSqliteStoreǁ_enlist", 'getattr(local, "depth", None)',
     "None is false, as 0"),
    ("store-sqlite", "xǁ_Checkpointerǁafter_commit", "self.path, isolation_level=None",
     "only how long a checkpoint waits for a busy file changes; a busy one is skipped anyway"),
    ("store-sqlite", "xǁ_Checkpointerǁafter_commit", "timeout=1.1", "as above"),
    ("store-sqlite", "xǁ_Checkpointerǁafter_commit", "self.path, timeout=0.1, check_same_thread",
     "the checkpoint PRAGMA opens no transaction in either isolation level"),
    ("store-sqlite", "xǁ_Checkpointerǁafter_commit", "acquire(blocking=True)",
     "only whether a second thread waits for a running checkpoint or skips its turn"),
    ("store-sqlite", "xǁ_WriterQueueǁ__init__", 'self.fd: int | None = ""',
     "overwritten at once by the lock file's descriptor (every POSIX system has fcntl)"),
    ("store-redis", "x__glob_escape", '"\\\\" + c if (c in "*?[]\\\\") or True',
     "an escaped ordinary character matches itself in a Redis pattern"),
    ("store-redis", "x__glob_escape", 'if c in "XX*?[]\\\\XX"', "as above (the X)"),
    ("store-redis", "xǁRedisStoreǁ_any_key", "count=None",
     "SCAN's count is a hint: the same keys are found"),
    ("store-redis", "xǁRedisStoreǁ_any_key", "match=pattern, )", "as above"),
    ("store-redis", "xǁRedisStoreǁ_any_key", "count=1001", "as above"),
    ("store-redis", "xǁRedisStoreǁ_check_format", r"re:^\+\s*meta = None$",
     "an empty first read is read again before it is used"),
    ("store-redis", "xǁRedisStoreǁput", 'args=[key, "XXXX", "", "", text, scope]',
     "the put script reads ARGV 1, 5 and 6 only"),
    ("store-redis", "xǁRedisStoreǁput", 'args=[key, "", "XXXX", "", text, scope]', "as above"),
    ("store-redis", "xǁRedisStoreǁput", 'args=[key, "", "", "XXXX", text, scope]', "as above"),
    ("store-redis", "xǁRedisStoreǁupdate", '"XX0XX" if raw is None',
     "the script compares the flag with '1' only"),
    ("store-redis", "xǁRedisStoreǁupdate", '"XX0XX" if new is None', "as above"),
    ("store-redis", "xǁRedisStoreǁupdate", 'b"XXXX" if raw is None',
     "the old value is read only when the flag says there is one"),
    ("store-redis", "xǁRedisStoreǁupdate", '"" if (new is None) and False',
     "the new value is read only when the flag says there is one"),
    ("store-redis", "xǁRedisStoreǁupdate", '"XXXX" if new is None', "as above"),
]  # fmt: skip

_SQL = re.compile(r"\b(SELECT|INSERT|DELETE|UPDATE|PRAGMA|BEGIN|COMMIT|ROLLBACK)\b", re.I)
_QUOTED = re.compile(r"'[^']*'")


def _sql_case_only(diff: str) -> bool:
    """Whether the diff changes only the case of SQL text, outside quoted literals."""
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+")]
    if not removed or len(removed) != len(added):
        return False
    changed = False
    for old, new in zip(removed, added, strict=True):
        if old == new:
            continue
        if old.lower() != new.lower() or not _SQL.search(old):
            return False
        if _QUOTED.findall(old) != _QUOTED.findall(new):
            return False
        changed = True
    return changed


def _arguments() -> list[tuple[str, str, str, str]]:
    """The entries with each "as above" replaced by the argument it refers to."""
    resolved = []
    last = ""
    for module, name, piece, why in EQUIVALENT:
        if why.startswith("as above"):
            why = last + why[len("as above") :]
        else:
            last = why
        resolved.append((module, name, piece, why))
    return resolved


def why_equivalent(target: str, function: str, diff: str) -> str | None:
    """The argument for a surviving mutant of ``target`` being equivalent, or None."""
    for module, name, piece, why in _arguments():
        if module != target or name != function:
            continue
        if piece.startswith("re:"):
            if re.search(piece[3:], diff, re.M):
                return why
        elif piece in diff:
            return why
    if target == "store-sqlite" and _sql_case_only(diff):
        return "only the case of SQL changes: SQLite reads keywords and names in any case"
    return None
